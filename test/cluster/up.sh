#!/usr/bin/env bash
# Starts the local control plane on loopback only: etcd, kube-apiserver (RBAC,
# token users), kube-controller-manager, kube-scheduler and kwok playing the
# kubelets of fake nodes. Writes an admin kubeconfig to $STATE/kubeconfig and
# prints its path. Reuses a running cluster of the same state dir.
#   STELLA_CLUSTER_DIR  state dir (default: <repo>/.cache/cluster)
#   STELLA_PORT_BASE    ports BASE+0 etcd client, +1 etcd peer, +2 apiserver, +3 kwok (default 30380),
#                       +4 registry, +5 kubelet, +6 kubelet healthz, +7 CRI streaming (the real node)
#   STELLA_NODE         real|kwok|both (default both): the kwok node, the real node (realnode.sh), or both
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/versions.env"
state=${STELLA_CLUSTER_DIR:-$repo/.cache/cluster}
base=${STELLA_PORT_BASE:-30380}
etcd_port=$base peer_port=$((base + 1)) api_port=$((base + 2)) kwok_port=$((base + 3))
log() { printf '[cluster] %s\n' "$*" >&2; }
kubeconfig="$state/kubeconfig"

if [ -f "$kubeconfig" ] && [ -f "$state/pids" ] && curl -fsk --max-time 2 "https://127.0.0.1:$api_port/readyz" >/dev/null 2>&1; then
  log "reusing the running control plane ($state)"
  echo "$kubeconfig"
  exit 0
fi
"$here/down.sh" >/dev/null 2>&1 || true

for port in "$etcd_port" "$peer_port" "$api_port" "$kwok_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "127.0.0.1:$port is already in use (another control plane of another state dir?): set STELLA_PORT_BASE to a free range"
    exit 1
  fi
done

t0=$(date +%s)
bin=$("$here/build.sh" cluster)
kube="$bin/kube-$KUBE_VERSION" kwokd="$bin/kwok-$KWOK_VERSION"
mkdir -p "$state/logs" "$state/pki" && rm -rf "$state/etcd"
: > "$state/pids"

start() { # name cmd...
  local name=$1; shift
  nohup "$@" >"$state/logs/$name.log" 2>&1 &
  echo "$! $name" >> "$state/pids"
}
wait_for() { # what seconds cmd...
  local what=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    while read -r pid name; do
      kill -0 "$pid" 2>/dev/null || { log "$name exited while waiting for $what:"; tail -n 20 "$state/logs/$name.log" >&2; exit 1; }
    done < "$state/pids"
    sleep 0.2
  done
  log "timed out waiting for $what; last log lines:"; tail -n 20 "$state/logs/"*.log >&2; exit 1
}

pki="$state/pki"
[ -f "$pki/sa.key" ] || openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
# the API server's client certificate towards kubelets (system:masters), and its CA
if [ ! -f "$pki/kubelet-client.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/client-ca.key" -out "$pki/client-ca.crt" -days 3650 \
    -subj /CN=stella-client-ca 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/kubelet-client.key" -out "$pki/kubelet-client.csr" \
    -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" 2>/dev/null
  openssl x509 -req -in "$pki/kubelet-client.csr" -CA "$pki/client-ca.crt" -CAkey "$pki/client-ca.key" \
    -CAcreateserial -out "$pki/kubelet-client.crt" -days 3650 2>/dev/null
fi
# token users: admin, two operators for concurrency tests, and a bench user
# whose requests the audit log counts (all cluster admins)
cat > "$pki/tokens.csv" <<TOK
stella-admin-token,admin,admin,system:masters
stella-alice-token,alice,alice,system:masters
stella-bob-token,bob,bob,system:masters
stella-bench-token,bench,bench,"system:masters,stella:bench"
TOK

start etcd "$kwokd/etcd" --data-dir "$state/etcd" --name stella \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "stella=http://127.0.0.1:$peer_port" --quota-backend-bytes 4294967296
wait_for etcd 30 curl -fs "http://127.0.0.1:$etcd_port/health"

start kube-apiserver "$kube/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --cert-dir "$pki" --secure-port "$api_port" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
  --endpoint-reconciler-type none --token-auth-file "$pki/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$pki/sa.pub" \
  --service-account-signing-key-file "$pki/sa.key" --service-cluster-ip-range 10.96.0.0/16 \
  --kubelet-preferred-address-types Hostname,InternalIP \
  --kubelet-client-certificate "$pki/kubelet-client.crt" --kubelet-client-key "$pki/kubelet-client.key" \
  --audit-policy-file "$here/audit-policy.yaml" --audit-log-path "$state/logs/audit.log" \
  --max-requests-inflight 2000 --max-mutating-requests-inflight 1000
wait_for kube-apiserver 60 curl -fsk "https://127.0.0.1:$api_port/readyz"

ca=$(base64 -w0 < "$pki/apiserver.crt")
write_kubeconfig() { # file user token
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: stella-local
  cluster: {server: "https://127.0.0.1:$api_port", certificate-authority-data: "$ca"}
users:
- name: $2
  user: {token: $3}
contexts:
- name: stella-local
  context: {cluster: stella-local, user: $2, namespace: default}
current-context: stella-local
KC
}
write_kubeconfig "$kubeconfig" admin stella-admin-token
write_kubeconfig "$state/kubeconfig-alice" alice stella-alice-token
write_kubeconfig "$state/kubeconfig-bob" bob stella-bob-token
write_kubeconfig "$state/kubeconfig-bench" bench stella-bench-token
k() { "$kube/kubectl" --kubeconfig "$kubeconfig" "$@"; }

start kube-controller-manager "$kube/kube-controller-manager" --kubeconfig "$kubeconfig" \
  --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/apiserver.crt" \
  --leader-elect=false --bind-address 127.0.0.1 --secure-port 0 --use-service-account-credentials=false \
  --controllers '*,-nodeipam,-persistentvolume-binder,-attachdetach,-ttl' \
  --kube-api-qps 500 --kube-api-burst 1000
start kube-scheduler "$kube/kube-scheduler" --kubeconfig "$kubeconfig" \
  --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --leader-elect=false --bind-address 127.0.0.1 --secure-port 0 --kube-api-qps 500 --kube-api-burst 1000

k apply -f "$kwokd/crds/" >/dev/null
if [ "${STELLA_NODE:-both}" != real ]; then
  { cat "$kwokd/stages/node.yaml"; printf -- '---\n'; cat "$here/stages/pod.yaml"; } > "$state/kwok.yaml"
  # kwok plays only its own nodes (annotated), never the real node's kubelet
  start kwok "$kwokd/kwok" --kubeconfig "$kubeconfig" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --node-port "$kwok_port" --server-address "127.0.0.1:$kwok_port" \
    --config "$state/kwok.yaml" --enable-crds PortForward,ClusterPortForward,Logs,ClusterLogs \
    --cidr 10.0.0.1/16
  k apply -f "$here/node.yaml" >/dev/null
  wait_for "node Ready" 60 k wait --for=condition=Ready node/kwok-node-0 --timeout 1s
fi
if ! "$here/realnode.sh" up; then
  echo "the real node failed to start (logs in $state/logs)" > "$state/realnode.reason"
  log "the real node failed to start (logs in $state/logs); the kwok lane only"
fi
wait_for "default service account" 60 k get serviceaccount default -n default
log "control plane ready on https://127.0.0.1:$api_port in $(( $(date +%s) - t0 )) s; export KUBECONFIG=$kubeconfig"
echo "$kubeconfig"
