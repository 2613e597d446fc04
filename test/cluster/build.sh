#!/usr/bin/env bash
# Builds every binary the local control plane, the real node and the e2e tests
# need, from the Go module proxy, into a cache outside the clone, so only the
# first run on a machine pays. Prints the bin directory.
set -euo pipefail
# the product's build settings (the Makefile's), so that the packages both compile are shared
export CGO_ENABLED=0 GOFLAGS=-trimpath
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${STELLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stella-plugins}
# keyed by what decides the binaries: the tools module, the versions, the Go version, this script
key=$( (cat "$here/tools/cluster/go.mod" "$here/tools/cluster/go.sum" "$here/versions.env" "$here/noinline.txt" "$0"
  go env GOVERSION GOOS GOARCH) |
  sha256sum | cut -c1-12)
bin="$cache/bin/tools-$key"
mkdir -p "$bin"
log() { printf '[build] %s\n' "$*" >&2; }
# one build at a time per cache (e2e packages run their TestMains in parallel);
# the lock is taken only when something is missing (binaries land by rename,
# so a cached run never waits behind another worktree's build), and each
# build function checks again under it:
#   if unlocked; then lock; build_x "$@"; return; fi
locked=""
unlocked() { [ -z "$locked" ]; }
lock() {
  exec 9>"$cache/bin/.build.lock"
  flock -n 9 || { log "waiting for another build.sh to finish ($cache/.build.lock)"; flock 9; }
  locked=1
}

# Every program the cluster, the real node and the e2e suite run comes from one tools module
# (tools/cluster), built in one `go build` with the product's build settings (CGO_ENABLED=0,
# -trimpath): one build list, and one that agrees with the product's go.mod on every module both
# compile (hack/modsync checks it in make lint), so each package of client-go, the Helm SDK, ...
# is compiled once per machine for all of them and for the product. The bin dir is keyed by that
# module's go.mod and go.sum, the Go version and this file, so a change of any rebuilds.
realnode_pkgs=(
  k8s.io/kubernetes/cmd/kubelet
  github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2
  github.com/containerd/containerd/v2/cmd/ctr
  github.com/containernetworking/plugins/plugins/main/bridge github.com/containernetworking/plugins/plugins/ipam/host-local
  github.com/containernetworking/plugins/plugins/main/loopback github.com/containernetworking/plugins/plugins/meta/portmap
)
pkgs=(
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  sigs.k8s.io/kwok/cmd/kwok go.etcd.io/etcd/server/v3
  helm.sh/helm/v3/cmd/helm
  ./registry github.com/google/go-containerregistry/cmd/crane
)
# the real node runs on Linux only (realnode.sh says why elsewhere)
[ "$(uname -s)" = Linux ] && pkgs+=("${realnode_pkgs[@]}")
# where each binary goes: <dir>/<name> under $bin (the layout scripts and tests use)
layout() {
  cat <<EOT
kube-apiserver kube-$KUBE_VERSION
kube-controller-manager kube-$KUBE_VERSION
kube-scheduler kube-$KUBE_VERSION
kubectl kube-$KUBE_VERSION
kwok kwok-$KWOK_VERSION
server kwok-$KWOK_VERSION etcd
helm helm3-$HELM3_VERSION
registry registry-$REGISTRY_VERSION
crane crane-$CRANE_VERSION
EOT
  [ "$(uname -s)" = Linux ] || return 0
  cat <<EOT
kubelet kubelet-$KUBE_VERSION
containerd containerd-$CONTAINERD_VERSION
containerd-shim-runc-v2 containerd-$CONTAINERD_VERSION
ctr containerd-$CONTAINERD_VERSION
bridge cni-$CNI_PLUGINS_VERSION
host-local cni-$CNI_PLUGINS_VERSION
loopback cni-$CNI_PLUGINS_VERSION
portmap cni-$CNI_PLUGINS_VERSION
EOT
}

# -gcflags for the packages only the tools compile (noinline.txt: why, and what keeps it true)
noinline=()
while read -r p; do
  case $p in '' | '#'*) ;; '!'*) noinline+=(-gcflags "${p#!}=") ;; *) noinline+=(-gcflags "$p=-l -dwarf=false") ;; esac
done <"$here/noinline.txt"

built() { # every binary of the layout, and kwok's stages and CRDs
  local b d n
  while read -r b d n; do [ -x "$bin/$d/${n:-$b}" ] || return 1; done < <(layout)
  [ -x "$bin/helm4-$HELM4_VERSION/helm" ] && [ -x "$bin/krew-$KREW_VERSION/krew" ] &&
    [ -x "$bin/krew-$KREW_VERSION/validate-krew-manifest" ] && [ -s "$bin/kwok-$KWOK_VERSION/stages/node.yaml" ] &&
    [ -d "$bin/kwok-$KWOK_VERSION/crds" ]
}

build_tools() {
  built && return 0
  if unlocked; then lock; build_tools; return; fi
  local v=${KUBE_VERSION#v} ld="-s -w" p tmp b d n
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=${v%%.*} -X $p.gitMinor=$(echo "$v" | cut -d. -f2)"
    ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  tmp=$(mktemp -d "$bin.tmp.XXXXXX")
  log "building ${#pkgs[@]} programs and helm $HELM4_VERSION from tools/cluster, krew $KREW_VERSION into $bin (cold: ≈ 20 min on 2 cores; the product's compile shares it)"
  (cd "$here/tools/cluster" && export CGO_ENABLED=0 &&
    go build -trimpath -tags "no_btrfs no_devmapper no_zfs no_aufs" -ldflags "-s -w" \
      -ldflags "k8s.io/kubernetes/cmd/...=$ld" "${noinline[@]}" -o "$tmp/" "${pkgs[@]}" &&
    mkdir "$tmp/helm4" && go build -trimpath -ldflags "-s -w" "${noinline[@]}" -o "$tmp/helm4/" helm.sh/helm/v4/cmd/helm) ||
    { rm -rf "$tmp"; return 1; }
  # krew stays out of the tools module: it requires k8s.io/client-go v11.0.0+incompatible, which would
  # become every tool's recorded client-go version (helm reads its Kubernetes version from it)
  mkdir -p "$tmp/d/krew-$KREW_VERSION" && GOBIN="$tmp/d/krew-$KREW_VERSION" go install -ldflags "-s -w" \
    "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION" "sigs.k8s.io/krew/cmd/validate-krew-manifest@$KREW_VERSION" ||
    { rm -rf "$tmp"; return 1; }
  while read -r b d n; do mkdir -p "$tmp/d/$d" && mv "$tmp/$b" "$tmp/d/$d/${n:-$b}"; done < <(layout)
  mkdir -p "$tmp/d/helm4-$HELM4_VERSION" && mv "$tmp/helm4/helm" "$tmp/d/helm4-$HELM4_VERSION/"
  kwok_files "$tmp/d/kwok-$KWOK_VERSION"
  mkdir -p "$bin" && for d in "$tmp/d"/*; do rm -rf "${bin:?}/${d##*/}" && mv "$d" "$bin/"; done
  rm -rf "$tmp"
}

# kwok's stage definitions and CRDs ship in its module; keep the ones the cluster uses
kwok_files() {
  local src f c
  src=$(cd "$here/tools/cluster" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  mkdir -p "$1/stages" "$1/crds"
  for f in "$src/kustomize/stage/node/fast/node-initialize.yaml" "$src/kustomize/stage/node/heartbeat/node-heartbeat.yaml"; do
    printf -- '---\n'; cat "$f"; printf '\n'
  done > "$1/stages/node.yaml"
  for c in portforwards clusterportforwards logs clusterlogs; do
    cp "$src/kustomize/crd/bases/kwok.x-k8s.io_$c.yaml" "$1/crds/"
  done
  chmod -R u+w "$1"
}

# the real node's images: stand-in service + pause, static, for linux/amd64 and
# arm64 (reproducible: -trimpath, no build id), and the builder that packs and
# pushes them; keyed by the sources and the Go version. Small (≈ 20 s), so
# built without the lock in a temp dir of its own: the first rename wins.
build_images() {
  local key dir tmp
  key=$( (cd "$here/tools/images" && cat go.mod go.sum ./*.go ./*/*.go; go env GOVERSION) | sha256sum | cut -c1-12)
  dir="$bin/images-$key"
  [ -x "$dir/images" ] && { echo "$dir"; return 0; }
  log "building the real node's images (stand-in, pause) and their builder"
  tmp=$(mktemp -d "$dir.tmp.XXXXXX")
  (cd "$here/tools/images" && for a in amd64 arm64; do for c in standin pause; do
    CGO_ENABLED=0 GOOS=linux GOARCH=$a go build -trimpath -buildvcs=false -ldflags "-s -w -buildid=" \
      -o "$tmp/$c-$a" "./$c"; done; done && go build -trimpath -o "$tmp/images" .)
  chmod 755 "$tmp"
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  echo "$dir"
}

if [ "${1:-}" = images ]; then build_images; exit 0; fi # prints the images dir
if [ "${1:-}" = fetch ]; then # download the tools' modules only (make test does it while lint compiles)
  (cd "$here/tools/cluster" && go list -e -deps -tags "no_btrfs no_devmapper no_zfs no_aufs" "${pkgs[@]}" helm.sh/helm/v4/cmd/helm >/dev/null)
  exit 0
fi

# any argument ("all", "cluster", "registry", "realnode") builds every program (one go build);
# "all" also builds the real node's images
build_tools
if [ "${1:-all}" = all ] && [ "$(uname -s)" = Linux ]; then build_images >/dev/null; fi
echo "$bin"
