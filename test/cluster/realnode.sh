#!/usr/bin/env bash
# The real node of the local control plane: a plain-HTTP registry on
# 127.0.0.1 holding the harness's images, containerd + runc, and a kubelet
# joined to the API server, tainted stella.dev/real-node=true:NoSchedule and
# labelled stella.dev/node=real so that only pods asking for it land there.
#   realnode.sh reason   one line: why this machine cannot run it (empty: it can)
#   realnode.sh up       start it (called by up.sh after the control plane)
#   realnode.sh down     stop it and undo everything it did (called by down.sh)
# Network: bridge stella0 (10.244.77.1/24, the node IP), pods in namespaces
# CNI creates, no default route and no masquerade out of them; the API
# server reaches the kubelet on 127.0.0.1 by the node's hostname.
#   STELLA_NODE  real|kwok|both (default both): kwok only skips this
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/versions.env"
state=${STELLA_CLUSTER_DIR:-$repo/.cache/cluster}
rn="$state/realnode"
base=${STELLA_PORT_BASE:-30380}
reg_port=$((base + 4)) kubelet_port=$((base + 5)) healthz_port=$((base + 6)) stream_port=$((base + 7))
bridge=stella0 cidr=10.244.77.0/24 node_ip=10.244.77.1
shim_dir="/run/stella-$base/s"
# image names the release manifests pin: containerd maps this host to the loopback registry
reg_name=registry.stella.test
repos="stellaops/standin,stellaops/authority,stellaops/concelier,stellaops/scanner-web,stellaops/notify,stellaops/web-ui,stellaops/mongo,stellaops/minio,stellaops/rustfs,stellaops/nats"
log() { printf '[realnode] %s\n' "$*" >&2; }

reason() {
  [ "${STELLA_NODE:-both}" = kwok ] && { echo "STELLA_NODE=kwok"; return; }
  [ "$(uname -s)" = Linux ] || { echo "not Linux ($(uname -s))"; return; }
  [ "$(id -u)" = 0 ] || { echo "not root (the kubelet and runc need root)"; return; }
  command -v runc >/dev/null || { echo "no runc (apt-get install -y runc)"; return; }
  command -v ip >/dev/null || { echo "no ip command (iproute2)"; return; }
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || { echo "no memory cgroup"; return; }
  local a; a=$(getent ahostsv4 "$(hostname)" | awk 'NR==1{print $1}')
  case "$a" in 127.*) ;; *) echo "hostname $(hostname) does not resolve to loopback (${a:-nothing})"; return ;; esac
  if ip link show "$bridge" >/dev/null 2>&1 && [ ! -f "$rn/bridge" ]; then echo "bridge $bridge exists and is not ours"; return; fi
  true
}

start() { # name cmd... (pids shared with up.sh, stopped by down.sh newest first)
  local name=$1; shift
  nohup "$@" >"$state/logs/$name.log" 2>&1 &
  echo "$! $name" >> "$state/pids"
}

wait_for() { # what seconds cmd...
  local what=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  log "timed out waiting for $what; last log lines:"; tail -n 15 "$state/logs/"{registry,containerd,kubelet}.log >&2 2>/dev/null
  return 1
}

registry_up() { # bin imgdir
  mkdir -p "$rn/registry"
  cat > "$rn/registry.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $rn/registry}, delete: {enabled: true}}
http: {addr: "127.0.0.1:$reg_port"}
EOF
  OTEL_TRACES_EXPORTER=none start registry "$1/registry-$REGISTRY_VERSION/registry" serve "$rn/registry.yml"
  wait_for registry 20 curl -fs "http://127.0.0.1:$reg_port/v2/"
  "$2/images" -bin "$2" -registry "127.0.0.1:$reg_port" -push "standin=$repos" "pause=stellaops/pause" > "$rn/pushed"
  local standin pause
  standin=$(awk '$1=="standin" && $2 ~ /^stellaops\/standin@/ {print $2}' "$rn/pushed")
  pause=$(awk '$1=="pause" {print $2}' "$rn/pushed")
  cat > "$state/images.env" <<EOF
# written by test/cluster/realnode.sh: the real node's images (reproducible digests)
STANDIN_IMAGE=127.0.0.1:$reg_port/$standin
PAUSE_IMAGE=127.0.0.1:$reg_port/$pause
# the same images under the name the release manifests pin (containerd maps it to the registry above)
STANDIN_IMAGE_PINNED=$reg_name/$standin
PAUSE_IMAGE_PINNED=$reg_name/$pause
REGISTRY=127.0.0.1:$reg_port
EOF
}

network_up() {
  ip link add "$bridge" type bridge
  echo "$bridge" > "$rn/bridge"
  ip addr add "$node_ip/24" dev "$bridge"
  ip link set "$bridge" up
  mkdir -p "$rn/cni/net.d" "$rn/cni/ipam"
  cat > "$rn/cni/net.d/10-stella.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "stella", "plugins": [
  {"type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$rn/cni/ipam", "ranges": [[{"subnet": "$cidr", "gateway": "$node_ip"}]]}}
]}
EOF
}

containerd_up() { # bin
  local pause; pause=$(. "$state/images.env" && echo "$PAUSE_IMAGE_PINNED")
  mkdir -p "$rn/certs.d/$reg_name" "$rn/certs.d/127.0.0.1:$reg_port" "$shim_dir"
  for h in "$reg_name" "127.0.0.1:$reg_port"; do
    printf 'server = "http://127.0.0.1:%s"\n[host."http://127.0.0.1:%s"]\n  capabilities = ["pull", "resolve"]\n' \
      "$reg_port" "$reg_port" > "$rn/certs.d/$h/hosts.toml"
  done
  cat > "$rn/containerd.toml" <<EOF
version = 3
root = "$rn/containerd/root"
state = "$rn/containerd/state"
[grpc]
  address = "$rn/containerd.sock"
[ttrpc]
  address = "$rn/containerd.sock.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "$rn/containerd/opt"
[plugins.'io.containerd.nri.v1.nri']
  disable = true
[plugins.'io.containerd.shim.v1.manager']
  socket_dir = "$shim_dir"
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "$stream_port"
[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$pause"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$rn/certs.d"
[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_criu = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$1/cni-$CNI_PLUGINS_VERSION"]
    conf_dir = "$rn/cni/net.d"
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$(command -v runc)"
      SystemdCgroup = false
EOF
  PATH="$1/containerd-$CONTAINERD_VERSION:$PATH" start containerd \
    "$1/containerd-$CONTAINERD_VERSION/containerd" --config "$rn/containerd.toml"
  wait_for containerd 20 test -S "$rn/containerd.sock"
}

kubelet_up() { # bin kubeconfig
  local host addr; host=$(hostname); addr=$(getent ahostsv4 "$host" | awk 'NR==1{print $1}')
  mkdir -p "$rn/kubelet" "$rn/pods-logs"
  cat > "$rn/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $addr
port: $kubelet_port
healthzBindAddress: 127.0.0.1
healthzPort: $healthz_port
readOnlyPort: 0
failCgroupV1: false
failSwapOn: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$rn/containerd.sock
podCIDR: $cidr
podLogsDir: $rn/pods-logs
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 50Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
authentication: {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: $state/pki/client-ca.crt}}
authorization: {mode: Webhook}
registerWithTaints: [{key: stella.dev/real-node, value: "true", effect: NoSchedule}]
nodeStatusUpdateFrequency: 4s
syncFrequency: 10s
maxPods: 30
resolvConf: ""
clusterDomain: cluster.local
EOF
  start kubelet "$1/kubelet-$KUBE_VERSION/kubelet" --config "$rn/kubelet.yaml" --kubeconfig "$2" \
    --root-dir "$rn/kubelet" --cert-dir "$rn/kubelet/pki" --node-ip "$node_ip" --hostname-override "$host" \
    --node-labels "stella.dev/node=real" --v 1
}

up() {
  local why; why=$(reason)
  if [ -n "$why" ]; then
    echo "$why" > "$state/realnode.reason"
    log "no real node: $why; the kwok lane only"
    return 0
  fi
  rm -f "$state/realnode.reason"
  local t0 bin imgdir
  t0=$(date +%s)
  bin=$("$here/build.sh" realnode)
  imgdir=$("$here/build.sh" images)
  mkdir -p "$rn" "$state/logs"
  registry_up "$bin" "$imgdir"
  network_up
  containerd_up "$bin"
  kubelet_up "$bin" "$state/kubeconfig"
  local k="$bin/kube-$KUBE_VERSION/kubectl --kubeconfig $state/kubeconfig"
  wait_for "real node Ready" 60 $k wait --for=condition=Ready "node/$(hostname)" --timeout 1s
  echo "$(hostname)" > "$rn/node"
  log "real node $(hostname) Ready in $(( $(date +%s) - t0 )) s (registry 127.0.0.1:$reg_port, images in $state/images.env)"
}

down() {
  local node=""
  rm -f "$state/realnode.reason"
  # only the state dir that ran the real node cleans the machine-wide leftovers
  [ -d "$rn" ] || { rm -f "$state/images.env"; return 0; }
  [ -f "$rn/node" ] && node=$(cat "$rn/node")
  # the processes were stopped by down.sh (pid file); runc containers and shims may remain
  if [ -d "$rn/containerd/state" ] || [ -d "$shim_dir" ]; then
    for f in "$rn"/containerd/state/io.containerd.runtime.v2.task/k8s.io/*/init.pid; do
      [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
    done
    for f in "$rn"/containerd/state/io.containerd.runtime.v2.task/k8s.io/*/shim.pid; do
      [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
    done
    # a shim whose task dir was already gone (seen: one per run): found by
    # the socket path of this state dir, which no other runtime uses
    { pgrep -f -- "-address $rn/containerd.sock" || true; } | while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done
    runc --root "$rn/containerd/state/runc/k8s.io" list -q 2>/dev/null | while read -r id; do
      runc --root "$rn/containerd/state/runc/k8s.io" delete -f "$id" 2>/dev/null || true
    done
  fi
  # mounts under the state dir (kubelet root bind mount, pod volumes, netns, snapshots), deepest first
  if [ -d "$rn" ]; then
    awk -v p="$rn/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
    awk -v p="$rn" '$5 == p {print $5}' /proc/self/mountinfo | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  fi
  # cgroups the kubelet made (only when no task is left in them)
  for c in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  if [ -f "$rn/bridge" ]; then ip link del "$(cat "$rn/bridge")" 2>/dev/null || true; fi
  # what the kubelet writes outside its root dir
  rm -rf /var/lib/kubelet/device-plugins
  rmdir /var/lib/kubelet 2>/dev/null || true
  if [ -n "$node" ]; then
    rm -f /var/log/containers/*_e2e-*.log /var/log/containers/*_stella*.log 2>/dev/null || true
    find /var/log/containers -xtype l -delete 2>/dev/null || true
    find /var/log/pods -mindepth 1 -maxdepth 1 -type d -empty -delete 2>/dev/null || true
  fi
  rm -rf "$shim_dir" && rmdir "/run/stella-$base" 2>/dev/null || true
  rm -rf "$rn" "$state/images.env" "$state/realnode.reason"
}

case "${1:-}" in
  reason) reason ;;
  up) up ;;
  down) down ;;
  *) echo "usage: realnode.sh reason|up|down" >&2; exit 4 ;;
esac
