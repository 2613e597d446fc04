#!/usr/bin/env bash
# Benchmarks helm stella align on a generated manifest of 2,000 components
# against 20 targets (pkg/align BenchmarkAlign) and prints, per size, the
# ratio to the parse floor: a plain yaml.v3 decode of the same files.
# Usage: hack/bench-align.sh [benchtime]   (default 3x)
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3x}
out=$(go test ./pkg/align/ -run '^$' -bench '^BenchmarkAlign$' -benchtime "$benchtime" -count 1)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
  /^BenchmarkAlign\// {
    split($1, p, "/"); mix = p[2]; n = p[3]; sub(/-[0-9]+$/, "", n)
    ns[mix "/" n] = $3
  }
  END {
    printf "%-8s %-7s %12s %12s %6s\n", "targets", "size", "align ms", "floor ms", "ratio"
    split("values mixed", mixes, " ")
    split("n=500 n=1000 n=2000", sizes, " ")
    for (i = 1; i <= 2; i++) for (j = 1; j <= 3; j++) {
      a = ns[mixes[i] "/" sizes[j]]; f = ns[mixes[i] "-floor/" sizes[j]]
      if (a && f) printf "%-8s %-7s %12.0f %12.0f %5.2fx\n", mixes[i], sizes[j], a/1e6, f/1e6, a/f
    }
  }'
