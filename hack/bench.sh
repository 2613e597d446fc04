#!/usr/bin/env bash
# make bench: every benchmark in ONE run on the local control plane (started,
# or reused, by test/cluster/up.sh; never stopped here), each next to the
# real peer CLI measured in the same run, and one report: docs/benchmarks.md.
#   start-up        hack/bench-ops.sh startup   (both plugins vs kubectl/helm version)
#   align           hack/bench-align.sh     (vs the yaml.v3 parse floor; 500/1000/2000 components)
#   bookmark        hack/bench-bookmark.sh  (vs helm history/status; BENCH_BOOKMARK_REVISIONS)
#   crash loop      hack/bench-ops.sh promote   (vs helm upgrade --atomic --timeout BENCH_ATOMIC_TIMEOUT)
#   rollback        hack/bench-ops.sh rollback  (vs helm rollback --wait + kubectl rollout status)
#   real node       hack/bench-realnode.sh  (crash loop on the real node vs helm upgrade --atomic --timeout 2m)
#   verify-pods     hack/bench-verify.sh    (vs kubectl get pods/wait/rollout status; two sizes)
#   offline-kit     hack/bench-offlinekit.sh (vs crane pull --format=oci; align --check-registry HEADs)
# Knobs (defaults): BENCH_ALIGN_BENCHTIME (1x), BENCH_BOOKMARK_REVISIONS (25,50),
# BENCH_BOOKMARK_RUNS (5), BENCH_ATOMIC_TIMEOUT (60s), BENCH_VERIFY_DEPLOYMENTS
# ("100 200": the input doubles), BENCH_REPLICAS (25), BENCH_WAIT_TIMEOUT (60s).
# The docs/benchmarks-{bookmark,verify}.md the sub-scripts (re)write are folded
# into docs/benchmarks.md, the one report (the verify one keeps the last size).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
bin="$(test/cluster/build.sh | tail -n1)"
test/cluster/up.sh >/dev/null
# shellcheck disable=SC1091
. test/cluster/versions.env
mkdir -p bin .cache/bench
make --no-print-directory build >/dev/null
go build -o .cache/bench/ops ./test/bench/ops
export BENCH_NO_BUILD=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$repo/docs/benchmarks.md"
log() { printf 'bench: %s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# demote: fold a sub-report in, one heading level down.
demote() { sed -e 's/^#/##/' "$1"; }

log "start-up"
hack/bench-ops.sh startup >"$work/startup.md"

log "align"
align_raw=$(hack/bench-align.sh "${BENCH_ALIGN_BENCHTIME:-1x}")
{
  echo "## align vs the parse floor"
  echo
  echo "\`hack/bench-align.sh ${BENCH_ALIGN_BENCHTIME:-1x}\` (Go benchmark \`BenchmarkAlign\` in pkg/align): \`helm stella align\` end to end"
  echo "(\`Align.Run\`) over a generated release manifest of N components against 20 targets, next to the parse"
  echo "floor (a plain yaml.v3 decode of the same 21 files) measured in the same \`go test\` run. Goal (issue 3):"
  echo "≤ 2× the floor, linear growth. Peak memory and API requests: none (no cluster; in-process benchmark)."
  echo
  echo '```'
  echo "$align_raw" | sed -n '/^targets/,$p'
  echo '```'
  echo
  echo "Growth when N doubles (align time at 2N / time at N):"
  echo
  echo "$align_raw" | awk '/^(values|mixed) / {
      t[$1 "/" $2] = $3 }
    END {
      split("values mixed", m, " ")
      for (i = 1; i <= 2; i++) {
        a = t[m[i] "/n=500"]; b = t[m[i] "/n=1000"]; c = t[m[i] "/n=2000"]
        if (a && b && c) printf "- %s targets: 500 → 1000 ×%.2f, 1000 → 2000 ×%.2f\n", m[i], b/a, c/b
      }
    }'
  echo
} >"$work/align.md"

log "bookmark"
hack/bench-bookmark.sh -revisions "${BENCH_BOOKMARK_REVISIONS:-25,50}" -runs "${BENCH_BOOKMARK_RUNS:-5}" >/dev/null
{
  demote docs/benchmarks-bookmark.md
  echo
  echo "Growth when the history doubles (wall at the longer history / wall at the shorter, same run):"
  echo
  awk -F'|' '/^\| [0-9]+ \|/ {
      w = $5; gsub(/ /, "", w)
      if (w ~ /ms$/) { sub(/ms$/, "", w); w /= 1000 } else sub(/s$/, "", w)
      n = $2 + 0; c = $4; gsub(/^ +| +$/, "", c)
      if (!(c in first)) { first[c] = w; fn[c] = n; order[++k] = c } else { last[c] = w; ln[c] = n }
    }
    END { for (i = 1; i <= k; i++) { c = order[i]; if (c in last) printf "- %s: %d → %d revisions ×%.2f\n", c, fn[c], ln[c], last[c]/first[c] } }' \
    docs/benchmarks-bookmark.md
  echo
} >"$work/bookmark.md"

log "crash-loop promote"
hack/bench-ops.sh promote >"$work/promote.md"
log "safe-rollback"
hack/bench-ops.sh rollback >"$work/rollback.md"
log "real node: crash-loop promote vs helm upgrade --atomic"
hack/bench-realnode.sh >"$work/realnode.md" || echo "## Real node: crash-loop verdict (failed to run)" >"$work/realnode.md"
echo >>"$work/realnode.md"

: >"$work/verify.md"
: >"$work/verify-growth"
export BENCH_WAIT_TIMEOUT=${BENCH_WAIT_TIMEOUT:-60s}
for d in ${BENCH_VERIFY_DEPLOYMENTS:-100 200}; do
  log "verify-pods, $d Deployments"
  BENCH_DEPLOYMENTS=$d hack/bench-verify.sh
  sed -e 's/^#/###/' -e "1s/\$/ — $d Deployments/" docs/benchmarks-verify.md >>"$work/verify.md"
  cp docs/benchmarks-verify.md "$work/verify-last.md"
  echo >>"$work/verify.md"
  # size, get pods wall/requests, verify-pods wall/requests, rollout status wall/requests
  line=$(grep -F 'Healthy namespace, medians' -A1 docs/benchmarks-verify.md | tr '\n' ' ')
  roll=$(grep -F '| kubectl rollout status ×' docs/benchmarks-verify.md | awk -F'|' '{gsub(/ /,"",$3); gsub(/ /,"",$4); print $3, $4}')
  echo "$d $(echo "$line" | grep -oE '[0-9.]+ s / [0-9]+ requests' | sed 's/ s \/ / /; s/ requests//' | tr '\n' ' ') $roll" >>"$work/verify-growth"
done
{
  echo "Growth of the healthy-namespace figures with the number of pods (same replicas per Deployment):"
  echo
  echo "| Deployments | pods | \`kubectl get pods\` wall / requests | \`verify-pods\` wall / requests | \`rollout status\` × N wall / requests |"
  echo "|---:|---:|---:|---:|---:|"
  while read -r d gw gr vw vr rw rr; do
    echo "| $d | $((d * ${BENCH_REPLICAS:-25})) | $gw s / $gr | $vw s / $vr | $rw s / $rr |"
  done <"$work/verify-growth"
  echo
  awk 'NR == 1 {d = $1; g = $2; v = $4; r = $6} NR == 2 && $1 == 2 * d {
      printf "Doubling the pods: `kubectl get pods` ×%.2f, `verify-pods` ×%.2f, `rollout status` ×%.2f (wall).\n", $2/g, $4/v, $6/r }' "$work/verify-growth"
  echo
} >>"$work/verify.md"

log "offline-kit"
hack/bench-offlinekit.sh >/dev/null
demote docs/benchmarks-offlinekit.md >"$work/offlinekit.md"

# goals: one line per goal of the issues, read back from the sections.
{
  echo "## Goals at a glance"
  echo
  echo "$align_raw" | awk '$2 == "n=2000" { r = $5; sub(/x$/, "", r)
    printf "- align, %s targets, 2,000 components: %s× the parse floor (goal ≤ 2×): %s\n", $1, r, (r + 0 <= 2 ? "met" : "**not met**") }'
  awk -F'|' '/^\| [0-9]+ \|/ && $4 ~ /bookmark/ { n = $2 + 0; r = $9; gsub(/[ ×]/, "", r) } END {
    printf "- bookmark at %d revisions: %s× `helm history` (goal ≤ 0.3×): %s\n", n, r, (r + 0 <= 0.3 ? "met" : "**not met**") }' "$work/bookmark.md"
  grep -o 'verdict + rollback \*\*[0-9.]* s\*\*' "$work/promote.md" | tr -d '*' | awk '{ w = $4 + 0
    printf "- promote, crash loop with --timeout 15m: %s s to verdict + rollback (goal ≤ 30 s): %s\n", $4, (w <= 30 ? "met" : "**not met**") }'
  grep -o 'safe-rollback is \*\*[0-9.]*×\*\* the peer (goal ≤ 1.1×: [^)]*)' "$work/rollback.md" | tr -d '*' | sed 's/^/- /; s/ (goal/ `helm rollback --wait` + `rollout status` (goal/'
  if [ -f "$work/verify-last.md" ]; then
    tail -n1 "$work/verify-growth" | awk '{ r = $4 / $2
      printf "- verify-pods, %d pods healthy: %.2f× `kubectl get pods` (goal ≤ 1.2×): %s; %d requests (goal ≤ 20): %s\n",
        $1 * '"${BENCH_REPLICAS:-25}"', r, (r <= 1.2 ? "met" : "**not met**"), $5, ($5 <= 20 ? "met" : "**not met**") }'
    grep -o 'verdict [0-9.]* s (goal ≤ 30 s)' "$work/verify-last.md" | awk '{ printf "- verify-pods --wait, crash-looping Deployment: %s s to verdict (goal ≤ 30 s): %s\n", $2, ($2 + 0 <= 30 ? "met" : "**not met**") }'
  fi
  grep -E '^- (offline-kit images|second run|align --check-registry)' docs/benchmarks-offlinekit.md
  echo
} >"$work/goals.md"

elapsed=$(( $(date +%s) - start ))
{
  echo "# Benchmarks"
  echo
  echo "Generated by \`make bench\` (\`hack/bench.sh\`) in one run on $(date -u '+%Y-%m-%d %H:%M UTC'), $(( elapsed / 60 )) min $(( elapsed % 60 )) s in all."
  echo
  echo "- Machine: $(uname -sm), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) RAM, **shared with other engineers' builds and tests**:"
  echo "  load average at the start $load_start (1/5/15 min), at the end $(cut -d' ' -f1-3 /proc/loadavg). Absolute times are"
  echo "  noisy; the ratios compare commands measured in the same run, interleaved where the script allows."
  echo "- Local control plane (test/cluster): kube-apiserver $KUBE_VERSION, kwok $KWOK_VERSION playing the kubelets of one fake node."
  echo "- Peers: kubectl $KUBE_VERSION, helm $HELM3_VERSION (the real CLIs). Plugins: $(bin/kubectl-stella version 2>/dev/null | head -n1 | tr -s ' ')"
  echo "  built from $(git describe --always --dirty 2>/dev/null), $(go version | cut -d' ' -f3)."
  echo "- API requests: distinct audit IDs in the apiserver audit log (it logs only the bench kubeconfig's"
  echo "  group \`stella:bench\`) received while the command ran, naming the benchmark's namespace or"
  echo "  cluster-scoped from the command's own user agent. Peak memory: the child's max RSS (getrusage);"
  echo "  for a sequence of commands, the largest child's."
  echo "- Sizes used: align N = 500/1000/2000 (benchtime ${BENCH_ALIGN_BENCHTIME:-1x}); bookmark ${BENCH_BOOKMARK_REVISIONS:-25,50} revisions;"
  echo "  verify-pods ${BENCH_VERIFY_DEPLOYMENTS:-100 200} Deployments × ${BENCH_REPLICAS:-25} replicas, \`kubectl wait\` bounded at $BENCH_WAIT_TIMEOUT;"
  echo "  \`helm upgrade --atomic --timeout ${BENCH_ATOMIC_TIMEOUT:-60s}\`."
  echo
  cat "$work/goals.md" "$work/startup.md" "$work/align.md" "$work/bookmark.md" "$work/promote.md" "$work/rollback.md" "$work/realnode.md"
  echo "## verify-pods vs kubectl get pods / wait / rollout status"
  echo
  cat "$work/verify.md"
  echo
  cat "$work/offlinekit.md"
} >"$out"
log "wrote $out ($(( elapsed / 60 )) min $(( elapsed % 60 )) s)"
