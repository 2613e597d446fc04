#!/usr/bin/env bash
# Builds every binary the local control plane and the e2e tests need, from the
# Go module proxy, into a cache outside the clone keyed by version, so only the
# first run on a machine pays (≈ 10 min on 2 cores). Prints the bin directory.
set -euo pipefail
# the control-plane and node binaries are built as measured (docs/testing.md): cgo as the
# toolchain defaults, whatever the caller's (the Makefile sets CGO_ENABLED=0 for the module)
unset CGO_ENABLED
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${STELLA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stella-plugins}
bin="$cache/bin"
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
  exec 9>"$cache/.build.lock"
  flock -n 9 || { log "waiting for another build.sh to finish ($cache/.build.lock)"; flock 9; }
  locked=1
}

build_kube() {
  local dir="$bin/kube-$KUBE_VERSION" v=${KUBE_VERSION#v}
  [ -x "$dir/kube-apiserver" ] && [ -x "$dir/kubectl" ] && [ -x "$dir/kube-scheduler" ] &&
    [ -x "$dir/kube-controller-manager" ] && return 0
  if unlocked; then lock; build_kube; return; fi
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBE_VERSION (cold: ≈ 9 min on 2 cores)"
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=${v%%.*} -X $p.gitMinor=$(echo "$v" | cut -d. -f2)"
    ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$dir.tmp"
  (cd "$here/tools/kube" && go build -trimpath -ldflags "$ld" -o "$dir.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

build_kwok() {
  local dir="$bin/kwok-$KWOK_VERSION"
  [ -x "$dir/kwok" ] && [ -x "$dir/etcd" ] && [ -d "$dir/crds" ] && [ -s "$dir/stages/node.yaml" ] && return 0
  if unlocked; then lock; build_kwok; return; fi
  log "building kwok $KWOK_VERSION and etcd (≈ 1 min)"
  mkdir -p "$dir.tmp"
  (cd "$here/tools/kwok" && go build -trimpath -ldflags "-s -w" -o "$dir.tmp/" sigs.k8s.io/kwok/cmd/kwok &&
    go build -trimpath -ldflags "-s -w" -o "$dir.tmp/etcd" go.etcd.io/etcd/server/v3)
  # kwok's stage definitions ship in its module; keep the ones the cluster uses
  local src
  src=$(cd "$here/tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  mkdir -p "$dir.tmp/stages"
  for f in "$src/kustomize/stage/node/fast/node-initialize.yaml" "$src/kustomize/stage/node/heartbeat/node-heartbeat.yaml"; do
    printf -- '---\n'; cat "$f"; printf '\n'
  done > "$dir.tmp/stages/node.yaml"
  mkdir -p "$dir.tmp/crds"
  for c in portforwards clusterportforwards logs clusterlogs; do
    cp "$src/kustomize/crd/bases/kwok.x-k8s.io_$c.yaml" "$dir.tmp/crds/"
  done
  chmod -R u+w "$dir.tmp"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

build_goinstall() { # name version package binary
  local dir="$bin/$1-$2"
  [ -x "$dir/$4" ] && return 0
  if unlocked; then lock; build_goinstall "$@"; return; fi
  log "building $4 $2"
  rm -rf "$dir.tmp.$4" && mkdir -p "$dir" "$dir.tmp.$4"
  GOBIN="$dir.tmp.$4" GOFLAGS=-trimpath go install -ldflags "-s -w" "$3@$2"
  mv "$dir.tmp.$4/$4" "$dir/$4" && rmdir "$dir.tmp.$4"
}

build_gotags() { # name version tags package... (CGO off, into $bin/name-version)
  local name=$1 ver=$2 tags=$3 dir; shift 3
  dir="$bin/$name-$ver"
  local missing=0 p
  for p in "$@"; do [ -x "$dir/${p##*/}" ] || missing=1; done
  [ "$missing" = 0 ] && return 0
  if unlocked; then lock; build_gotags "$name" "$ver" "$tags" "$@"; return; fi
  log "building $name $ver (${*##*/})"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  local pkgs=() ; for p in "$@"; do pkgs+=("$p@$ver"); done
  for p in "${pkgs[@]}"; do
    CGO_ENABLED=0 GOBIN="$dir.tmp" GOFLAGS=-trimpath go install -tags "$tags" -ldflags "-s -w" "$p"
  done
  mkdir -p "$dir" && mv "$dir.tmp"/* "$dir/" && rmdir "$dir.tmp"
}

# the real node: kubelet (same module and cgo setting as the API server, so it
# reuses its build cache: ≈ 1 min), containerd, CNI plugins
build_realnode() {
  local dir="$bin/kubelet-$KUBE_VERSION" v=${KUBE_VERSION#v}
  if [ ! -x "$dir/kubelet" ] && unlocked; then lock; build_realnode; return; fi
  if [ ! -x "$dir/kubelet" ]; then
    log "building kubelet $KUBE_VERSION (≈ 1 min once the API server is cached)"
    local ld="-s -w"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=${v%%.*} -X $p.gitMinor=$(echo "$v" | cut -d. -f2)"
      ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
    done
    mkdir -p "$dir.tmp"
    (cd "$here/tools/kube" && go build -trimpath -ldflags "$ld" -o "$dir.tmp/" k8s.io/kubernetes/cmd/kubelet)
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  build_gotags containerd "$CONTAINERD_VERSION" "no_btrfs no_devmapper no_zfs no_aufs" \
    github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/v2/cmd/ctr
  build_gotags cni "$CNI_PLUGINS_VERSION" "" \
    github.com/containernetworking/plugins/plugins/main/bridge github.com/containernetworking/plugins/plugins/ipam/host-local \
    github.com/containernetworking/plugins/plugins/main/loopback github.com/containernetworking/plugins/plugins/meta/portmap
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

# what: "cluster" (control plane only), "registry", "realnode" (registry, kubelet, containerd, CNI plugins),
# "images" (the real node's images; prints their dir), or "all" (default: everything)
build_kube
build_kwok
if [ "${1:-all}" = all ]; then
  build_goinstall helm3 "$HELM3_VERSION" helm.sh/helm/v3/cmd/helm helm
  build_goinstall helm4 "$HELM4_VERSION" helm.sh/helm/v4/cmd/helm helm
  build_goinstall krew "$KREW_VERSION" sigs.k8s.io/krew/cmd/krew krew
  build_goinstall krew "$KREW_VERSION" sigs.k8s.io/krew/cmd/validate-krew-manifest validate-krew-manifest
fi
if [ "${1:-all}" = all ] || [ "${1:-}" = registry ]; then
  # the reference OCI registry (distribution), served on 127.0.0.1 by the tests
  build_goinstall registry "$REGISTRY_VERSION" github.com/distribution/distribution/v3/cmd/registry registry
  # crane (go-containerregistry, the library offline-kit uses): the benchmark peer of offline-kit images
  build_goinstall crane "$CRANE_VERSION" github.com/google/go-containerregistry/cmd/crane crane
fi
# the real node runs on Linux only (realnode.sh says why elsewhere); "all" skips it there
if { [ "${1:-all}" = all ] && [ "$(uname -s)" = Linux ]; } || [ "${1:-}" = realnode ]; then
  build_goinstall registry "$REGISTRY_VERSION" github.com/distribution/distribution/v3/cmd/registry registry
  build_realnode
  [ "${1:-}" = realnode ] || build_images >/dev/null
fi
echo "$bin"
