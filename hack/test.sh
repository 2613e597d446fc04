#!/usr/bin/env bash
# make test: lint and the docs check, then e2e beside unit + fuzz (the fuzz run, which compiles
# every fuzz target's dependencies again with coverage instrumentation, waits for the background
# build below to finish rather than compete with it for the CPUs on a cold machine). The binaries the e2e suite
# needs (control plane, peers, real node; test/cluster/build.sh) build in the background from
# the start, so that on a cold machine their module downloads and links overlap lint's compile
# instead of following it; the e2e harness then finds them (or waits on build.sh's lock). The
# background build is stopped by its process group when anything fails first.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
rm -f .cache/prebuild.rc
# shellcheck disable=SC2016 # expanded by the inner bash
setsid bash -c 'test/cluster/build.sh all; echo $? >.cache/prebuild.rc' >.cache/prebuild.log 2>&1 &
pre=$!
export STELLA_PREBUILD_RC=.cache/prebuild.rc # unit-fuzz's fuzz run waits for it (Makefile)
stop() {
  kill -- -"$pre" 2>/dev/null || true
  wait "$pre" 2>/dev/null || true
}
trap stop EXIT
echo "test: building what e2e needs in the background (or finding it in the cache): .cache/prebuild.log"
make --no-print-directory lint docs-check
make --no-print-directory -j2 --output-sync=line e2e unit-fuzz
