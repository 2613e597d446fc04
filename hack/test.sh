#!/usr/bin/env bash
# make test: lint and the docs check, then e2e beside unit + fuzz.
#
# The programs the e2e suite needs (control plane, peers, real node: test/cluster/build.sh)
# build in the background. They share most of their packages with the product (one build list,
# one set of build settings: hack/modsync), and two go commands compiling the same package at
# once would each compile it, so the background build only downloads its modules while lint
# compiles the product, then builds what is left (the e2e harness finds it, or waits on
# build.sh's lock). The unit tests and the fuzz run (which compiles every fuzz target's
# dependencies again with coverage instrumentation) wait for that build rather than compete with
# it for the CPUs on a cold machine, which e2e waits for. The background build is stopped by its
# process group when anything fails first.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
rm -f .cache/prebuild.rc .cache/lint.done
# shellcheck disable=SC2016 # expanded by the inner bash
setsid bash -c 'test/cluster/build.sh fetch; while [ ! -e .cache/lint.done ]; do sleep 2; done
  test/cluster/build.sh all; echo $? >.cache/prebuild.rc' >.cache/prebuild.log 2>&1 &
pre=$!
export STELLA_PREBUILD_RC=.cache/prebuild.rc # unit-fuzz's fuzz run waits for it (Makefile)
stop() {
  kill -- -"$pre" 2>/dev/null || true
  wait "$pre" 2>/dev/null || true
}
trap stop EXIT
echo "test: building what e2e needs in the background (or finding it in the cache): .cache/prebuild.log"
make --no-print-directory lint docs-check
touch .cache/lint.done
make --no-print-directory -j2 --output-sync=line e2e unit-fuzz
