#!/usr/bin/env bash
# Real-node benchmark: a crash-looping promote (the stand-in exits 1 after 1 s)
# at --timeout 15m on the real node of the local control plane — time from
# upgrade to verdict and to rolled back — next to `helm upgrade --atomic
# --timeout BENCH_ATOMIC_TIMEOUT_REAL (2m)` (the real helm v3 CLI) on the same
# chart, and the verdict latency after the kubelet first reports the failure
# (a pod watch stamps when the API server first shows the authority container
# terminated non-zero, waiting CrashLoopBackOff, or restarted; the
# verdict is the journal entry's end minus its rollback). Prints a markdown
# section; exits 0 with a one-line note when the machine has no real node.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
. test/cluster/versions.env
state=${STELLA_CLUSTER_DIR:-$repo/.cache/cluster}
bin="$(test/cluster/build.sh | tail -n1)"
kubeconfig=$(test/cluster/up.sh | tail -n1)
export KUBECONFIG=$kubeconfig
if [ -f "$state/realnode.reason" ] || [ ! -f "$state/realnode/node" ]; then
  echo "## Real node: crash-loop verdict"
  echo
  echo "Not measured: no real node ($(cat "$state/realnode.reason" 2>/dev/null || echo 'not started'))."
  exit 0
fi
[ -n "${BENCH_NO_BUILD:-}" ] || make --no-print-directory build >/dev/null
kubectl="$bin/kube-$KUBE_VERSION/kubectl" helm="$bin/helm3-$HELM3_VERSION/helm"
atomic=${BENCH_ATOMIC_TIMEOUT_REAL:-2m}
ns="bench-realnode-$(date +%s)"
work=$(mktemp -d)
log() { printf 'bench-realnode: %s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
  [ -n "${watch_pid:-}" ] && kill "$watch_pid" 2>/dev/null || true
  "$kubectl" delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$kubectl" create namespace "$ns" >/dev/null
export HELM_NAMESPACE=$ns
deploy=examples/stellaops/deploy
vals=$deploy/helm/stellaops/values-local.yaml
sed 's/  authority: \[serve, /  authority: [crash, -after=1s, /' "$vals" > "$work/crash.yaml"
promote() { bin/helm-stella promote stellaops "$deploy/helm/stellaops" --config "$deploy/channels.yaml" --channel local "$@"; }
now() { date +%s.%N; }

log "install (healthy) on the real node"
t0=$(now); promote -f "$vals" --timeout 2m >/dev/null; t_install=$(echo "$(now) - $t0" | bc)

# the watch: every change of the authority pods, stamped on arrival (a go-template:
# kubectl's jsonpath printer ends a watch silently at a pod without containerStatuses)
"$kubectl" get pods -n "$ns" -l app.kubernetes.io/name=authority -w --output-watch-events \
  -o go-template='{{.object.metadata.name}}{{range .object.status.containerStatuses}} {{.restartCount}} {{with .state.waiting}}{{.reason}}{{end}}{{with .state.terminated}}{{.reason}}:{{.exitCode}}{{else}}:{{end}}{{end}}{{"\n"}}' 2>"$work/watch.err" |
  while read -r line; do echo "$(now) $line"; done > "$work/watch" &
watch_pid=$!
sleep 1

log "crash-looping promote --timeout 15m"
t0=$(now)
set +e; promote -f "$work/crash.yaml" --timeout 15m --stable-for 10s -o json > "$work/promote.json"; code=$?; set -e
t_promote=$(echo "$(now) - $t0" | bc)
entry=$(bin/kubectl-stella journal stellaops -n "$ns" -o json)
read -r verdict_at rollback reason pod < <(python3 - "$entry" <<'PY'
import json, sys, datetime
es = json.loads(sys.argv[1]); es = es.get("entries", es) if isinstance(es, dict) else es
e = max(es, key=lambda x: x["start"])  # the crash-looping promote: the newest entry, whatever the order
def ts(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def dur(s):
    s = s or "0s"; tot = 0.0; num = ""
    i = 0
    while i < len(s):
        c = s[i]
        if c.isdigit() or c == ".": num += c
        else:
            u = c
            if s[i:i+2] == "ms": u = "ms"; i += 1
            tot += float(num) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[u]; num = ""
        i += 1
    return tot
rb = dur(e.get("rollbackDuration"))
ev = (e.get("evidence") or [{}])[0]
print(f'{ts(e["end"]) - rb:.3f} {rb:.3f} {ev.get("reason", "-")} {ev.get("pod", "-")}')
PY
)
kill "$watch_pid" 2>/dev/null || true; watch_pid=
# first report of the failure: a container terminated non-zero, waiting
# CrashLoopBackOff, or a restartCount higher than the pod's last report (the
# kubelet restarts a first crash at once, so the API server may only ever show
# it as running again with restartCount 1)
first=$(awk '{for (i=3;i<=NF;i+=2) {k=$2 "/" i; r=$i+0
  if ($(i+1) ~ /^(Error|OOMKilled):[1-9]/ || $(i+1) ~ /^CrashLoopBackOff/ || r > seen[k]+0) {print $1; exit}
  seen[k]=r}}' "$work/watch")
latency=$( [ -n "$first" ] && echo "$verdict_at - $first" | bc || echo "n/a")
[ -n "$first" ] || log "no failure report in the watch ($(wc -l <"$work/watch") lines; $(head -c 300 "$work/watch.err"))"
t_verdict=$(echo "$verdict_at - $t0" | bc)

log "helm upgrade --atomic --timeout $atomic (same values)"
t0=$(now)
set +e; "$helm" upgrade stellaops "$deploy/helm/stellaops" -n "$ns" -f "$work/crash.yaml" --atomic --timeout "$atomic" \
  > "$work/helm.out" 2>&1; hcode=$?; set -e
t_helm=$(echo "$(now) - $t0" | bc)

f() { printf '%.2f s' "$1"; }
cat <<EOF
## Real node: crash-loop verdict (\`helm stella promote\` vs \`helm upgrade --atomic\`)

Release \`stellaops\` of the example chart, channel \`local\` (every component the harness's stand-in
image on the real node: kubelet $KUBE_VERSION, containerd $CONTAINERD_VERSION, runc), installed healthy by
\`helm stella promote\` ($(f "$t_install")); then \`values-local.yaml\` with the authority's stand-in told
to \`crash -after=1s\` (exit 1 one second after start: a real crash loop, real back-off), promoted with
\`--timeout 15m --stable-for 10s\` (the container is Ready for a moment after each start: without a
stable window the first all-Ready snapshot passes, for promote and \`helm --atomic\` alike), and the same values upgraded with the real helm v3 CLI \`--atomic --timeout $atomic\`.

| command | exit | upgrade → verdict | upgrade → rolled back |
|---|---:|---:|---:|
| \`helm stella promote --timeout 15m --stable-for 10s\` (crash loop) | $code | $(f "$t_verdict") | $(f "$t_promote") (rollback $(f "$rollback")) |
| \`helm upgrade --atomic --timeout $atomic\` | $hcode | – ($( [ "$hcode" = 0 ] && echo "no verdict: passed the crash loop at its first Ready" || echo "no verdict: waits its timeout")) | $( [ "$hcode" = 0 ] && echo "not rolled back ($(f "$t_helm"))" || f "$t_helm") |

Verdict latency after the kubelet first reported the failure (the API server's first pod status with the
container terminated non-zero, waiting CrashLoopBackOff or with a higher restartCount, stamped by a watch; the verdict is the
journal entry's end minus its rollback): **$( [ "$latency" = n/a ] && echo n/a || f "$latency")** (goal ≤ 1 s).
Evidence: pod $pod, reason $reason. helm said: \`$(grep -m1 -i error "$work/helm.out" | cut -c1-160)\`.
EOF
