#!/usr/bin/env bash
# Smoke-test the example release on the local control plane (runbook §3 step 3),
# as `make demo` does after installing it:
#   hack/smoke-demo.sh [NAMESPACE] [CHANNEL]
# The simulated pods serve nothing, so each service is played by a stand-in
# HTTP server on 127.0.0.1 (hack/standin), reached through the API server via
# kwok PortForward objects; the example suite then runs unchanged.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${1:-stellaops-demo} channel=${2:-stable}
export KUBECONFIG=${KUBECONFIG:-$repo/.cache/cluster/kubeconfig}
. "$repo/test/cluster/versions.env"
bindir=$("$repo/test/cluster/build.sh" | tail -n1)
kubectl=$bindir/kube-$KUBE_VERSION/kubectl
helm=$bindir/helm3-$HELM3_VERSION/helm
deploy=$repo/examples/stellaops/deploy
values=$(awk -v c="  $channel:" '$0==c{f=1;next} f&&/values:/{getline; sub(/^ *- */,""); print; exit}' "$deploy/channels.yaml")
version=$(awk '/^  version:/{gsub(/"/,"",$2); print $2; exit}' "$deploy/releases/"*"-$channel.yaml")

if ! "$helm" status stellaops -n "$ns" >/dev/null 2>&1; then
  "$kubectl" create namespace "$ns" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
  "$helm" install stellaops "$deploy/helm/stellaops" -n "$ns" -f "$deploy/$values" --wait --timeout 2m >/dev/null 2>&1
fi

services=(authority concelier scanner-web notify web-ui)
ports=$(mktemp) && trap 'rm -f "$ports"' EXIT
go build -o "$repo/bin/standin" "$repo/hack/standin"
"$repo/bin/standin" -version "$version" -source "$channel" "${services[@]}" >"$ports" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$ports"' EXIT
for _ in $(seq 50); do [ "$(wc -l <"$ports")" -eq ${#services[@]} ] && break; sleep 0.1; done

while read -r svc port; do
  for pod in $("$kubectl" get pods -n "$ns" -l "app.kubernetes.io/name=$svc" -o name); do
    "$kubectl" apply -f - >/dev/null <<YAML
apiVersion: kwok.x-k8s.io/v1alpha1
kind: PortForward
metadata: {name: ${pod#pod/}, namespace: $ns}
spec:
  forwards:
  - target: {address: 127.0.0.1, port: $port}
YAML
  done
done <"$ports"

"$repo/bin/kubectl-stella" smoke stellaops -n "$ns" --channel "$channel" --config "$deploy/channels.yaml" "${@:3}"
