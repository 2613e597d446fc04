#!/usr/bin/env bash
# make demo: rehearses the Stella Ops runbook with both plugins on the local
# control plane and examples/stellaops, then stops what it started.
#   align (§2.2/2.3/2.5) → install edge → bookmark (§2.6) → verify-pods (§3) →
#   smoke (§3.3) → a failing release caught fast → promote edge → stable (§3, §5)
#   → a bad promote rolled back with evidence → a bad release safe-rolled back
#   (§3 rollback) → on the real node when it is up: a real crash loop rolled
#   back with the container's real log lines → the journal and its drill-log rows
#   (§6) → a chart without channels (promote, fail fast + rollback, safe-rollback,
#   --history-max) → the airgap offline kit (§2.4 debug store, images, verify,
#   push to a mirror, align --check-registry) → retention from the channels file
#   → promote --files-only on a git checkout, commit, tag, checkout (§5).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. test/cluster/versions.env
t0=$(date +%s)
deploy=examples/stellaops/deploy
chart=$deploy/helm/stellaops
cfg=$deploy/channels.yaml
ks=bin/kubectl-stella hs=bin/helm-stella
ns=stellaops-demo bad=stellaops-demo-bad real=stellaops-demo-real
step() { printf '\n\033[1m== %s\033[0m  (%ss)\n' "$*" "$(( $(date +%s) - t0 ))" >&2; }
show() { printf '$ %s\n' "$*" >&2; "$@"; rc=$?; printf '(exit %d)\n' "$rc" >&2; return 0; }
expect() { # code cmd...: run, show, and stop the demo if the exit code is not the expected one
  local want=$1; shift; printf '$ %s\n' "$*" >&2; "$@"; rc=$?
  printf '(exit %d, expected %d)\n' "$rc" "$want" >&2
  [ "$rc" = "$want" ] || { echo "demo: unexpected exit code" >&2; exit 1; }
}

step "control plane (first run on a machine builds it from the Go module proxy: ≈ 20 min on 2 cores)"
api=https://127.0.0.1:$(( ${STELLA_PORT_BASE:-30380} + 2 ))
started=0
curl -fsk --max-time 2 "$api/readyz" >/dev/null 2>&1 || started=1
bindir=$(test/cluster/build.sh) || exit 1
export KUBECONFIG; KUBECONFIG=$(test/cluster/up.sh) || exit 1
kubectl=$bindir/kube-$KUBE_VERSION/kubectl helm=$bindir/helm3-$HELM3_VERSION/helm
standin_pid=
cleanup() {
  [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null
  "$kubectl" delete clusterportforward stella-demo --ignore-not-found >/dev/null 2>&1
  "$kubectl" delete namespace "$ns" "$bad" "$real" --ignore-not-found --wait=false >/dev/null 2>&1
  if [ "$started" = 1 ]; then test/cluster/down.sh; fi
}
trap cleanup EXIT
"$kubectl" delete namespace "$ns" "$bad" --ignore-not-found --wait=true >/dev/null 2>&1
"$kubectl" create namespace "$ns" >/dev/null && "$kubectl" create namespace "$bad" >/dev/null

step "runbook §2.2–2.5: align every channel's values and compose files with its release manifest"
expect 0 $hs align --all-channels --config "$cfg"
expect 0 $hs align --channel edge --config "$cfg" --lint -o json >/dev/null
tmp=$(mktemp -d); cp -r "$deploy" "$tmp/"
sed -i '0,/sha256:de65905c/s//sha256:00000000/' "$tmp/deploy/helm/stellaops/values-prod.yaml"
expect 2 $hs align -f "$tmp/deploy/helm/stellaops/values-prod.yaml" --config "$tmp/deploy/channels.yaml"
expect 2 $hs align -f "$tmp/deploy/helm/stellaops/values-prod.yaml" --config "$tmp/deploy/channels.yaml" --fix --dry-run
rm -rf "$tmp"

step "install the edge channel (the real helm CLI)"
expect 0 "$helm" install stellaops "$chart" -n "$ns" -f "$chart/values-dev.yaml" --wait --timeout 2m

step "runbook §2.6: a rollback bookmark that survives --history-max"
expect 0 $ks bookmark stellaops -n "$ns" --note "before promoting stable"
expect 0 $ks bookmark list stellaops -n "$ns"

step "runbook §3: verify pods (running digests must equal the edge manifest's pins)"
expect 0 $ks verify-pods stellaops -n "$ns" --channel edge --config "$cfg"
expect 0 $ks verify-pods stellaops -n "$ns" -o name     # kubectl-grade -o (docs/output.md): name, wide, jsonpath, go-template
expect 0 $ks verify-pods stellaops -n "$ns" -o jsonpath='{.kind} {.verdict}{"\n"}'

standins() { # channel: stand-in servers for the services, reached through the API server (kwok port-forward)
  [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
  local ver; ver=$(awk '/^  version:/{gsub(/"/,"",$2); print $2; exit}' "$deploy/releases/"*"-$1.yaml")
  go build -o bin/standin ./hack/standin || exit 1
  local ports; ports=$(mktemp)
  bin/standin -version "$ver" -source "$1" authority concelier scanner-web notify web-ui >"$ports" &
  standin_pid=$!
  for _ in $(seq 50); do [ "$(wc -l <"$ports")" -eq 5 ] && break; sleep 0.1; done
  { printf 'apiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterPortForward\nmetadata: {name: stella-demo}\nspec:\n'
    printf '  selector: {matchNamespaces: [%s]}\n  forwards:\n' "$ns"
    while read -r svc port; do
      cport=$(awk -v s="  $svc:" '$0 ~ "^"s" [0-9]+$" {print $2}' "$chart/values.yaml")
      printf '  - ports: [%s]\n    target: {address: 127.0.0.1, port: %s}\n' "$cport" "$port"
    done <"$ports"; } | "$kubectl" apply -f - >/dev/null
  rm -f "$ports"
}

step "runbook §3.3: smoke tests through the Kubernetes API (port-forward to stand-in servers on 127.0.0.1)"
standins edge
expect 0 $ks smoke stellaops -n "$ns" --channel edge --config "$cfg" --junit /tmp/stella-demo-junit.xml

step "a failing release: verify-pods --wait fails fast instead of waiting out the timeout"
expect 0 "$helm" install stellaops "$chart" -n "$bad" -f "$chart/values-dev.yaml" \
  --set-json 'podAnnotations={"authority":{"stella.test/simulate":"crashloop"},"notify":{"stella.test/simulate":"imagepull"}}'
expect 2 $ks verify-pods stellaops -n "$bad" --wait --timeout 15m

step "runbook §3 + §5: promote edge → stable (preflight, bookmark, upgrade, fail-fast wait, digests, smoke, journal)"
standins stable
expect 0 $hs promote stellaops "$chart" -f "$chart/values-stage.yaml" --channel stable --config "$cfg" -n "$ns" --plan
hotfix=$(mktemp --suffix .yaml) # an overlay with a wrong digest: the finding names it (VALUE FROM hotfix:4), nothing changes
printf 'services:\n  authority:\n    image:\n      digest: "sha256:%064d"\n' 0 >"$hotfix"
expect 2 $hs promote stellaops "$chart" -f "$chart/values-stage.yaml" -f "$hotfix" --channel stable --config "$cfg" -n "$ns"
rm -f "$hotfix"
expect 0 $hs promote stellaops "$chart" -f "$chart/values-stage.yaml" --channel stable --config "$cfg" -n "$ns"

step "a promote whose new pods crash: rolled back automatically, evidence kept"
crash=$(mktemp --suffix .yaml)
printf 'podAnnotations:\n  scanner-web:\n    stella.test/simulate: crashloop\n' >"$crash" # an overlay: Helm merges it over values-stage.yaml
expect 2 $hs promote stellaops "$chart" -f "$chart/values-stage.yaml" -f "$crash" --channel stable --config "$cfg" -n "$ns" --timeout 15m
rm -f "$crash"

step "runbook §3 rollback: a bad release applied by hand, then helm stella safe-rollback"
expect 0 "$helm" upgrade stellaops "$chart" -n "$ns" -f "$chart/values-stage.yaml" \
  --set-json 'podAnnotations={"web-ui":{"stella.test/simulate":"oomkilled"}}'
expect 0 $hs safe-rollback stellaops -n "$ns" --plan
expect 0 $hs safe-rollback stellaops -n "$ns" --channel stable --config "$cfg" --reason "web-ui OOMKilled after a manual upgrade"

realnode_scenes() { # the failure scenes again, on the real node: real crash, real logs in the evidence
  local state=${STELLA_CLUSTER_DIR:-$repo/.cache/cluster} lv=$chart/values-local.yaml
  if [ ! -f "$state/realnode/node" ]; then
    step "the real node is not up ($(cat "$state/realnode.reason" 2>/dev/null || echo 'not started')): failure scenes ran on kwok only"
    return 0
  fi
  step "the real node ($(cat "$state/realnode/node"): kubelet + containerd + runc): channel local, stand-in image from the loopback registry"
  "$kubectl" create namespace "$real" >/dev/null 2>&1
  expect 0 $hs promote stellaops "$chart" -f "$lv" --channel local --config "$cfg" -n "$real" --timeout 2m
  expect 0 $ks verify-pods stellaops -n "$real" --channel local --config "$cfg"
  step "the real node: the authority really crashes (exit 1 after 1 s): certain failure, rollback, its real log lines"
  local crash; crash=$(mktemp --suffix .yaml)
  sed 's/  authority: \[serve, /  authority: [crash, -after=1s, /' "$lv" >"$crash"
  # --stable-for: the stand-in is Ready for a moment after each start; without a stable window the first
  # all-Ready snapshot passes (as helm --atomic does), see docs/promote.md
  expect 2 $hs promote stellaops "$chart" -f "$crash" --channel local --config "$cfg" -n "$real" --timeout 15m --stable-for 10s
  rm -f "$crash"
  $ks journal stellaops -n "$real" -o yaml | grep -A4 'logTail:' | head -n 12 >&2
  "$helm" uninstall stellaops -n "$real" --wait --timeout 60s >/dev/null 2>&1
}
realnode_scenes

step "runbook §6: the operations journal and its drill-log rows"
expect 0 $ks journal stellaops -n "$ns"
expect 0 $ks journal stellaops -n "$ns" --format markdown
expect 0 $ks journal stellaops -n "$ns" -o go-template='{{range .entries}}{{.id}} {{.outcome}}{{"\n"}}{{end}}'

# --- any chart, without channels (issue 16): a chart a new user brings, in a temp dir ---
step "any chart, no channels file: promote (alignment skipped), a bad image rolled back fast, safe-rollback, --history-max"
plain=$(mktemp -d) && mkdir -p "$plain/chart/templates"
printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' >"$plain/chart/Chart.yaml"
printf '%s\n' 'apiVersion: apps/v1' 'kind: Deployment' 'metadata: {name: web}' 'spec:' '  replicas: 1' \
  '  selector: {matchLabels: {app: web}}' '  template:' '    metadata:' '      labels: {app: web}' \
  '      {{- with .Values.simulate }}' '      annotations: {stella.test/simulate: {{ . | quote }}}' '      {{- end }}' \
  '    spec: {containers: [{name: web, image: {{ .Values.image | quote }}}]}' >"$plain/chart/templates/web.yaml"
printf 'image: registry.example/web:1\n' >"$plain/v.yaml" && printf 'image: registry.example/web:2\nsimulate: imagepull\n' >"$plain/bad.yaml"
cd "$plain"
expect 0 "$repo/$hs" promote web ./chart -f v.yaml -n "$bad" --history-max 3
expect 2 "$repo/$hs" promote web ./chart -f bad.yaml -n "$bad" --history-max 3
expect 0 "$repo/$hs" safe-rollback web -n "$bad" --revision 1 --history-max 3
expect 0 "$helm" history web -n "$bad"
cd "$repo" && rm -rf "$plain"
# --- end any chart ---

# --- airgap channel (issue 15): offline kit from a loopback registry → verify → mirror → check-registry ---
# The example tree pins digests no registry has, so this block pushes its own small images (crane, from
# the cache) for every pin of the airgap manifest to a loopback "upstream" registry, points a copy of the
# tree's airgap manifest at them and re-pins its values/compose with align --fix. Both registries (the
# reference distribution registry) listen on 127.0.0.1 and are stopped by pid at the end of the block.
airgap_demo() (
  set -u
  reg=$bindir/registry-$REGISTRY_VERSION/registry crane=$bindir/crane-$CRANE_VERSION/crane
  work=$(mktemp -d)
  trap 'kill $(cat "$work/pids" 2>/dev/null) 2>/dev/null; rm -rf "$work"' EXIT
  serve() { # name → prints host:port
    local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}\nhttp: {addr: 127.0.0.1:%s}\n' \
      "$work/$1" "$port" >"$work/$1.yml"
    OTEL_TRACES_EXPORTER=none OTEL_SDK_DISABLED=true "$reg" serve "$work/$1.yml" >"$work/$1.log" 2>&1 &
    echo $! >>"$work/pids" # serve runs in $(…): the pid goes through a file
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
    echo "127.0.0.1:$port"
  }
  up=$(serve upstream) mirror=$(serve mirror)
  cp -r "$deploy" "$work/" && m=$work/deploy/releases/2025.09.2-airgap.yaml
  while IFS= read -r line; do # every pin → an image pushed to the loopback upstream, same path and tag
    if [[ $line =~ ^([[:space:]]*image:[[:space:]]*)[^/]+/([^:@]+):([^@]+)@sha256:[0-9a-f]{64}$ ]]; then
      path=${BASH_REMATCH[2]} tag=${BASH_REMATCH[3]}
      echo "$path $tag $RANDOM" >"$work/layer.txt" && tar -C "$work" -cf "$work/layer.tar" layer.txt
      "$crane" append --insecure -f "$work/layer.tar" -t "$up/$path:$tag" >/dev/null 2>&1
      echo "${BASH_REMATCH[1]}$up/$path:$tag@$("$crane" digest --insecure "$up/$path:$tag")"
    else echo "$line"; fi
  done <"$m" >"$m.new" && mv "$m.new" "$m"
  c=$work/deploy/channels.yaml kit=$work/offline-kit
  expect 0 $hs align --channel airgap --config "$c" --fix >/dev/null
  printf 'int main(void){return 0;}\n' >"$work/m.c" && mkdir -p "$work/release"
  gcc -g -Wl,--build-id=sha1 -o "$work/m" "$work/m.c" && objcopy --only-keep-debug "$work/m" "$work/m.debug"
  id=$(readelf -n "$work/m.debug" | awk '/Build ID/ {print $3}')
  mkdir -p "$work/release/debug/.build-id/${id:0:2}" && cp "$work/m.debug" "$work/release/debug/.build-id/${id:0:2}/${id:2}.debug"
  expect 0 $hs offline-kit mirror-debug --release-dir "$work/release" --offline-kit-dir "$kit"
  expect 0 $hs offline-kit images --channel airgap --config "$c" --offline-kit-dir "$kit" --plain-http
  # again, nothing new: answered by the helm-stella entry from the kit alone (no Helm SDK start-up)
  expect 0 $hs offline-kit images --channel airgap --config "$c" --offline-kit-dir "$kit" --plain-http
  expect 0 $hs offline-kit verify "$kit"
  expect 0 $hs offline-kit push "$kit" --registry "$mirror/site" --plain-http
  mapfile -t map < <($hs offline-kit push "$kit" --registry "$mirror/site" --plain-http -o flags 2>/dev/null | tr ' ' '\n')
  expect 0 $hs align --channel airgap --config "$c" --check-registry --plain-http "${map[@]}"
  gone=$(awk '/name: concelier/ {getline; print $2}' "$m"); gone=$mirror/site/${gone#*/}
  ref=${gone%@*} && expect 0 "$crane" delete --insecure "${ref%:*}@${gone##*@}"
  expect 2 $hs align --channel airgap --config "$c" --check-registry --plain-http "${map[@]}"
)
step "runbook §2.4 + airgap: offline kit (debug store, images by digest), verify, push to a mirror, align --check-registry"
airgap_demo || exit 1
# --- end airgap channel ---

# --- channel workflow on a git checkout, and retention (issue 19) ---
# The channels file's retention: bounds the journal and promote's automatic bookmarks, listed as applied;
# a bad setting is exit 4 with file:line. Then promote --files-only commits and tags a promotion
# (runbook §5) and the tag checks out to a tree align passes.
channel_demo() (
  set -u
  work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
  cp -r "$deploy" "$work/" && c=$work/deploy/channels.yaml m=$work/deploy/releases/2025.10.0-stable.yaml
  printf '\nretention:\n  journal: {keep: 3}\n  bookmarks: {keep: 1}\n' >>"$c"
  pr=(promote stellaops "$work/deploy/helm/stellaops" -f "$work/deploy/helm/stellaops/values-stage.yaml" --config "$c" -n "$ns")
  expect 0 $hs "${pr[@]}"
  expect 0 $ks bookmark list stellaops -n "$ns" # the operator's §2.6 bookmark is never removed by it
  sed -i 's/journal: {keep: 3}/journal: {keep: -1}/' "$c" && expect 4 $hs "${pr[@]}"
  sed -i 's/journal: {keep: -1}/journal: {keep: 3}/' "$c"
  g() { git -C "$work" -c user.name=demo -c user.email=demo@example.org "$@"; }
  g init -q && g add -A && g commit -qm base || return 1
  sed -e 's/version: "2025.10.0-edge"/version: "2025.10.0"/' -e 's/channel: edge/channel: stable/' \
    "$work/deploy/releases/2025.10.0-edge.yaml" >"$m"
  expect 0 $hs promote --files-only --channel stable --release "$m" --config "$c" --git-commit --git-tag
  g checkout -q 2025.10.0 && expect 0 $hs align --channel stable --config "$c" --lint -o json >/dev/null && g checkout -q -
)
step "retention from the channels file, then runbook §5 on git (promote --files-only, commit, tag, checkout)"
channel_demo || exit 1
# --- end channel workflow and retention ---

step "done in $(( $(date +%s) - t0 )) s"
