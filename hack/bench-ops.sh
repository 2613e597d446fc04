#!/usr/bin/env bash
# make bench (hack/bench.sh) part: hack/bench-ops.sh startup|promote|rollback [flags]
# runs test/bench/ops in that mode on the local control plane (started, or
# reused, by test/cluster/up.sh; never stopped here). Prints one markdown
# section on stdout, progress on stderr; extra flags go to test/bench/ops
# (e.g. -runs N). BENCH_NO_BUILD=1 skips the build; for promote,
# BENCH_ATOMIC_TIMEOUT (default 60s) is helm upgrade --atomic's --timeout.
set -euo pipefail
mode=${1:?usage: hack/bench-ops.sh startup|promote|rollback [flags]}
shift
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bin="$(test/cluster/build.sh | tail -n1)"
test/cluster/up.sh >/dev/null
# shellcheck disable=SC1091
. test/cluster/versions.env
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  mkdir -p bin .cache/bench
  make --no-print-directory build >/dev/null
  go build -o .cache/bench/ops ./test/bench/ops
fi
extra=()
[ "$mode" = promote ] && extra=(-atomic-timeout "${BENCH_ATOMIC_TIMEOUT:-60s}")
exec .cache/bench/ops -mode "$mode" -repo "$repo" \
  -kubectl "$bin/kube-$KUBE_VERSION/kubectl" -helm "$bin/helm3-$HELM3_VERSION/helm" \
  -kubectl-stella "$repo/bin/kubectl-stella" -helm-stella "$repo/bin/helm-stella" "${extra[@]}" "$@"
