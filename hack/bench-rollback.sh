#!/usr/bin/env bash
# make bench (hack/bench.sh) part: test/bench/ops -mode rollback on the local control
# plane (started, or reused, by test/cluster/up.sh; never stopped here).
# Prints one markdown section on stdout, progress on stderr; extra flags are
# passed to test/bench/ops (e.g. -runs N). BENCH_NO_BUILD=1 skips the build.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bin="$(test/cluster/build.sh | tail -n1)"
test/cluster/up.sh >/dev/null
# shellcheck disable=SC1091
. test/cluster/versions.env
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  mkdir -p bin .cache/bench
  CGO_ENABLED=0 go build -trimpath -o bin/ ./kubectl-stella ./helm-stella
  go build -o .cache/bench/ops ./test/bench/ops
fi
exec .cache/bench/ops -mode rollback -repo "$repo" \
  -kubectl "$bin/kube-$KUBE_VERSION/kubectl" -helm "$bin/helm3-$HELM3_VERSION/helm" \
  -kubectl-stella "$repo/bin/kubectl-stella" -helm-stella "$repo/bin/helm-stella" "$@"
