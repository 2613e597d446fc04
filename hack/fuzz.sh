#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a budget each (default 5s),
# starting from its committed corpus (testdata/fuzz). Fails on any crash.
set -euo pipefail
budget=${1:-5s}
cd "$(dirname "$0")/.."
found=0
while IFS=: read -r file _ line; do
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  found=$((found + 1))
  echo "fuzz $pkg $name ($budget)"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" "$pkg" >/tmp/stella-fuzz.log 2>&1 || { cat /tmp/stella-fuzz.log; exit 1; }
done < <(git ls-files '*_test.go' | xargs grep -nE '^func Fuzz[A-Za-z0-9_]*\(' /dev/null || true)
echo "fuzz: $found target(s), 0 crashes"
