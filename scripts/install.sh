#!/usr/bin/env sh
# Helm install/update hook of the stella plugin. Puts bin/helm-stella (the
# entry) and bin/helm-stella-core in the plugin dir, trying in order:
#   1. a binary already in the plugin dir of exactly plugin.yaml's version
#      (the release tarball is a complete plugin dir)
#   2. a local archive named by HELM_STELLA_BIN_TGZ (airgap)
#   3. the release download for this OS/arch and exactly plugin.yaml's version
#      (HELM_STELLA_DOWNLOAD_URL overrides the base URL, e.g. an internal mirror)
#   4. a build from source with a local Go toolchain (a git checkout of the plugin)
# and exits non-zero with a clear message when none works.
set -eu
dir=${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin="$dir/bin/helm-stella"
core="$dir/bin/helm-stella-core"
version=$(sed -n 's/^version: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$dir/plugin.yaml")
say() { printf 'stella plugin: %s\n' "$*" >&2; }

if [ -x "$bin" ]; then # the entry answers version through the core: both must be there
  have=$("$bin" version -o json 2>/dev/null | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
  if [ "$have" = "$version" ]; then say "using $bin (v$have)"; exit 0; fi
  say "$bin is v${have:-unknown}, plugin.yaml wants v$version: replacing it"
fi

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) say "unsupported architecture $(uname -m)"; exit 1 ;;
esac
archive="stella-${version}-${os}-${arch}.tgz"

from_tgz() { # take bin/helm-stella and bin/helm-stella-core from a plugin tarball (nested stella/ or flat layout)
  tmp=$(mktemp -d)
  tar -xzf "$1" -C "$tmp" 2>/dev/null || { rm -rf "$tmp"; return 1; }
  for b in "$tmp/stella/bin" "$tmp/bin"; do
    if [ -x "$b/helm-stella" ] && [ -x "$b/helm-stella-core" ]; then
      mkdir -p "$dir/bin" && mv "$b/helm-stella" "$bin" && mv "$b/helm-stella-core" "$core" && rm -rf "$tmp" && return 0
    fi
  done
  rm -rf "$tmp"; return 1
}

if [ -n "${HELM_STELLA_BIN_TGZ:-}" ]; then
  from_tgz "$HELM_STELLA_BIN_TGZ" && { say "installed from $HELM_STELLA_BIN_TGZ"; exit 0; }
  say "HELM_STELLA_BIN_TGZ=$HELM_STELLA_BIN_TGZ is not a stella plugin archive"; exit 1
fi

base=${HELM_STELLA_DOWNLOAD_URL:-https://github.com/stella-ops/stella-plugins/releases/download/v$version}
tmp=$(mktemp -d)
if command -v curl >/dev/null 2>&1 && curl -fsSL --connect-timeout 5 --max-time 120 -o "$tmp/$archive" "$base/$archive" 2>/dev/null &&
   from_tgz "$tmp/$archive"; then
  rm -rf "$tmp"; say "installed $archive from $base"; exit 0
fi
rm -rf "$tmp"

if command -v go >/dev/null 2>&1 && [ -f "$dir/go.mod" ]; then
  say "no release archive reachable for v$version $os/$arch; building from source with $(go version)"
  commit=$(git -C "$dir" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  ld="-s -w -X github.com/stella-ops/stella-plugins/pkg/version.Version=$version -X github.com/stella-ops/stella-plugins/pkg/version.Commit=$commit"
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$bin" ./helm-stella &&
    CGO_ENABLED=0 go build -trimpath -ldflags "$ld" -o "$core" ./helm-stella/core) &&
    { say "built $bin"; exit 0; }
fi
say "could not install helm-stella v$version for $os/$arch: no binary in the plugin dir, HELM_STELLA_BIN_TGZ unset, $base/$archive not reachable, and no Go toolchain with the plugin's source"
exit 1
