#!/usr/bin/env bash
# make bench-bookmark: `kubectl stella bookmark` vs `helm history`/`helm status`
# on releases with 10 and 50 revisions of a ≈ 300 KB stored release, on the
# local control plane (started, or reused, by test/cluster/up.sh; never
# stopped here). Writes docs/benchmarks-bookmark.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bin="$(test/cluster/build.sh | tail -n1)"
test/cluster/up.sh >/dev/null
# shellcheck disable=SC1091
. test/cluster/versions.env
mkdir -p bin
CGO_ENABLED=0 go build -trimpath -o bin/kubectl-stella ./kubectl-stella
exec go run ./test/bench/bookmark -repo "$repo" \
  -kubectl "$bin/kube-$KUBE_VERSION/kubectl" -helm "$bin/helm3-$HELM3_VERSION/helm" \
  -plugin "$repo/bin/kubectl-stella" "$@"
