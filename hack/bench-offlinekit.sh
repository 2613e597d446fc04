#!/usr/bin/env bash
# Benchmarks helm stella offline-kit against its peer, crane (the same
# go-containerregistry module), on a reference registry (distribution)
# started on 127.0.0.1 by this script and stopped by pid at the end:
#   - offline-kit images of BENCH_KIT_IMAGES images (default 20, ≈ 10 MiB of
#     random layers each) vs `crane pull --format=oci` of the same references;
#   - a second offline-kit images run with nothing new (answered by the
#     helm-stella entry binary from the kit alone), next to the same rerun
#     run by helm-stella-core in full (what every rerun cost before the entry);
#   BENCH_KIT_ROUNDS rounds (default 5) interleaved, medians reported;
#   - align --check-registry over BENCH_CHECK_REFS pins (default 200): HEAD
#     requests counted in the registry's access log.
# Writes docs/benchmarks-offlinekit.md (hack/bench.sh folds it into
# docs/benchmarks.md). Nothing contacts an address other than 127.0.0.1.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
n=${BENCH_KIT_IMAGES:-20}
refs=${BENCH_CHECK_REFS:-200}
mib=${BENCH_KIT_MIB:-10}
rounds=${BENCH_KIT_ROUNDS:-5}
# shellcheck disable=SC1091
. test/cluster/versions.env
bindir="${BENCH_BIN_DIR:-$(test/cluster/build.sh registry | tail -n1)}" # BENCH_BIN_DIR: a dir with the same layout
registry="$bindir/registry-$REGISTRY_VERSION/registry"
crane="$bindir/crane-$CRANE_VERSION/crane"
[ "${BENCH_NO_BUILD:-}" = 1 ] || make --no-print-directory build >/dev/null
work="$(mktemp -d)"
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
log() { printf 'bench-offlinekit: %s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host="127.0.0.1:$port"
cat >"$work/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: false}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: $host}
YAML
OTEL_TRACES_EXPORTER=none OTEL_SDK_DISABLED=true "$registry" serve "$work/config.yml" >"$work/registry.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://$host/v2/" >/dev/null && break; sleep 0.1; done

mkimage() { # repo size-bytes → pinned reference
  head -c "$2" /dev/urandom >"$work/layer.bin"
  tar -C "$work" -cf "$work/layer.tar" layer.bin
  "$crane" append --insecure -f "$work/layer.tar" -t "$host/$1:1.0" >/dev/null 2>&1
  echo "$host/$1:1.0@$("$crane" digest --insecure "$host/$1:1.0")"
}
tree() { # dir, then "component ref" lines on stdin: release manifest, values pinning the same, channels file
  mkdir -p "$1"
  { echo 'release: {version: "1.0.0-bench", channel: airgap}'; echo 'components:'
    while read -r c r; do printf '  - name: %s\n    image: %s\n' "$c" "$r"; done; } >"$1/release.yaml"
  { echo 'services:'; awk '/name:/ {c = $3} /image:/ {printf "  %s:\n    image: %s\n", c, $2}' "$1/release.yaml"; } >"$1/values.yaml"
  printf 'channels:\n  airgap:\n    release: release.yaml\n    values: [values.yaml]\n' >"$1/channels.yaml"
}

log "pushing $n images of $mib MiB (2 layers each)"
for i in $(seq -w 1 "$n"); do
  head -c $((mib * 1048576 / 2)) /dev/urandom >"$work/a.bin"; head -c $((mib * 1048576 / 2)) /dev/urandom >"$work/b.bin"
  tar -C "$work" -cf "$work/a.tar" a.bin; tar -C "$work" -cf "$work/b.tar" b.bin
  "$crane" append --insecure -f "$work/a.tar" -f "$work/b.tar" -t "$host/bench/img$i:1.0" >/dev/null 2>&1
  echo "img$i $host/bench/img$i:1.0@$("$crane" digest --insecure "$host/bench/img$i:1.0")"
done | tree "$work/kit-tree"
mapfile -t pulls < <(awk '/image:/ {print $2}' "$work/kit-tree/release.yaml")
total=$(du -sb "$work/storage" | cut -f1)

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
kit=(bin/helm-stella offline-kit images --config "$work/kit-tree/channels.yaml" --channel airgap --offline-kit-dir "$work/kit" --plain-http)
# rounds interleave the peer and both runs (the machine is shared: medians of the same rounds)
# run runs a command (stdout discarded) and prints "wall cpu": the wall seconds around the command
# alone (bash's EPOCHREALTIME: no fork inside the timed span) and its user+sys seconds (GNU time;
# "nan" without it). Wall time on a loaded machine is mostly waiting for a CPU, CPU time is what
# each command costs.
run() {
  local rc=0 t0 t1
  t0=$EPOCHREALTIME
  if [ -x /usr/bin/time ]; then /usr/bin/time -f '%U %S' -o "$work/cpu" "$@" >/dev/null 2>"$work/cmd.err" || rc=$?
  else echo nan nan >"$work/cpu"; "$@" >/dev/null 2>"$work/cmd.err" || rc=$?; fi
  t1=$EPOCHREALTIME
  if [ "$rc" != 0 ]; then log "$* failed: $(cat "$work/cmd.err")"; return 1; fi
  awk -v a="$t0" -v b="$t1" '{print b - a, $1 + $2}' "$work/cpu"
}
cpu() { run "$@" | cut -d' ' -f2; }
log "$rounds round(s): crane pull, offline-kit images, offline-kit images again (entry), again (core), helm-stella-core version, crane version"
core=(bin/helm-stella-core "${kit[@]:1}")
: >"$work/times"; : >"$work/cpus"
for _ in $(seq "$rounds"); do
  rm -rf "$work/crane-oci" "$work/kit"; sync # syncs between commands: none pays for another's writeback
  read -r c cc < <(run "$crane" pull --insecure --format=oci "${pulls[@]}" "$work/crane-oci"); sync
  read -r k kc < <(run "${kit[@]}"); sync
  read -r r rcpu < <(run "${kit[@]}")
  grep -q "is current" "$work/cmd.err" || { log "the rerun was not answered by the entry: $(cat "$work/cmd.err")"; exit 1; }
  read -r fr frc < <(run "${core[@]}")
  read -r v vc < <(run bin/helm-stella-core version)
  read -r cv cvc < <(run "$crane" version)
  for x in "$c" "$k" "$r" "$fr" "$v" "$cv"; do [ -n "$x" ] || exit 1; done # a failed command was logged
  echo "$c $k $r $fr $v $cv" | awk '{printf "%.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f\n",
    $1, $2, $3, $4, $5, $6, $2 / $1, $3 / $2, $4 / $2, ($2 - $5) / ($1 - $6)}' >>"$work/times"
  echo "$cc $kc $rcpu $frc $vc $cvc" >>"$work/cpus"
done
col() { awk -v c="$1" '{print $c}' "${2:-$work/times}" | median; }
crane_s=$(col 1); kit_s=$(col 2); rerun_s=$(col 3); core_s=$(col 4); start_s=$(col 5); cstart_s=$(col 6) # medians of each command
ratio=$(col 7); rr=$(col 8); corer=$(col 9); xfer=$(col 10)                                                # medians of the per-round ratios
cpus=("")
for i in 1 2 3 4 5 6; do cpus+=("$(col "$i" "$work/cpus")"); done
kit_bytes=$(du -sb "$work/kit/images" | cut -f1); crane_bytes=$(du -sb "$work/crane-oci" | cut -f1)
reqs() { sleep 0.5; grep -cE '"(GET|HEAD|PUT|POST|PATCH|DELETE) ' "$work/registry.log" || true; } # the access log lags the response
rm -rf "$work/crane-oci" "$work/kit"; r0=$(reqs)                                                     # requests, one more run each
cpu "$crane" pull --insecure --format=oci "${pulls[@]}" "$work/crane-oci" >/dev/null; r1=$(reqs)
cpu "${kit[@]}" >/dev/null; r2=$(reqs); cpu "${kit[@]}" >/dev/null; r3=$(reqs); cpu "${core[@]}" >/dev/null; r4=$(reqs)
crane_reqs=$((r1 - r0)); kit_reqs=$((r2 - r1)); rerun_reqs=$((r3 - r2)); core_reqs=$((r4 - r3))

log "pushing $refs small images for align --check-registry"
for i in $(seq -w 1 "$refs"); do echo "c$i $(mkimage "check/c$i" 512)"; done | tree "$work/check-tree"
before=$(grep -c '"HEAD ' "$work/registry.log" || true); all_before=$(grep -cE '"(GET|HEAD|PUT|POST|PATCH|DELETE) ' "$work/registry.log" || true)
t4=$(now)
bin/helm-stella align --config "$work/check-tree/channels.yaml" --channel airgap --check-registry --plain-http >/dev/null 2>"$work/check.err" ||
  { log "align --check-registry failed: $(cat "$work/check.err")"; exit 1; }
t5=$(now)
sleep 0.5 # the access log is written after the response
heads=$(( $(grep -c '"HEAD ' "$work/registry.log" || true) - before ))
alls=$(( $(grep -cE '"(GET|HEAD|PUT|POST|PATCH|DELETE) ' "$work/registry.log" || true) - all_before ))
check_s=$(echo "$t5 - $t4" | bc -l)

met() { if [ "$(echo "$1 <= $2" | bc -l)" = 1 ]; then echo met; else echo "**not met**"; fi; }
{
  echo "# offline-kit vs crane"
  echo
  echo "\`hack/bench-offlinekit.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): a reference registry (distribution $REGISTRY_VERSION) on"
  echo "127.0.0.1, plain HTTP; $n images of two random layers ($mib MiB each image), $(awk -v b="$total" 'BEGIN{printf "%.0f MiB", b/1048576}') in the registry."
  echo "Peer: crane $CRANE_VERSION (same go-containerregistry module). $rounds rounds interleaved (crane pull, offline-kit"
  echo "images into an empty kit, the same again (answered by the helm-stella entry), the same again run by helm-stella-core in full,"
  echo "helm-stella-core version, crane version; a sync between commands; wall time around each"
  echo "command alone, from bash's EPOCHREALTIME); medians of the times and"
  echo "of the per-round ratios. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| command | wall (s, median) | CPU user+sys (s, median) | layout on disk, registry requests |"
  echo "|---|---:|---:|---:|"
  printf '| crane pull --format=oci (%d refs) | %.2f | %.2f | %s MiB, %d requests |\n' "$n" "$crane_s" "${cpus[1]}" "$((crane_bytes / 1048576))" "$crane_reqs"
  printf '| helm stella offline-kit images (first run) | %.2f | %.2f | %s MiB, %d requests |\n' "$kit_s" "${cpus[2]}" "$((kit_bytes / 1048576))" "$kit_reqs"
  printf '| helm stella offline-kit images (nothing new: the entry) | %.3f | %.3f | %d requests |\n' "$rerun_s" "${cpus[3]}" "$rerun_reqs"
  printf '| helm-stella-core offline-kit images (nothing new, in full) | %.3f | %.3f | %d requests |\n' "$core_s" "${cpus[4]}" "$core_reqs"
  printf '| helm-stella-core version (process start-up alone) | %.3f | %.3f | — |\n' "$start_s" "${cpus[5]}"
  printf '| crane version (process start-up alone) | %.3f | %.3f | — |\n' "$cstart_s" "${cpus[6]}"
  printf '| helm stella align --check-registry (%d pins) | %.2f | — | %d HEAD / %d requests in all |\n' "$refs" "$check_s" "$heads" "$alls"
  echo
  printf -- '- offline-kit images: %.2f× crane pull (goal ≤ 1.1×): %s; each without its own process start-up (version): %.2f×\n' \
    "$ratio" "$(met "$ratio" 1.1)" "$xfer"
  printf -- '- second run, nothing new: %.3f× the first (goal ≤ 0.05×): %s; the same rerun in full by helm-stella-core: %.3f×\n' \
    "$rr" "$(met "$rr" 0.05)" "$corer"
  printf -- '- CPU (user+sys, medians): offline-kit images %.2f s, crane pull %.2f s (%.2f×); rerun %.3f s (entry), %.3f s (core in full)\n' \
    "${cpus[2]}" "${cpus[1]}" "$(echo "${cpus[2]} / ${cpus[1]}" | bc -l)" "${cpus[3]}" "${cpus[4]}"
  printf -- '- align --check-registry, %d pins: %.2f s (goal ≤ 2 s): %s; %d requests (goal = pins): %s\n' "$refs" "$check_s" \
    "$(met "$check_s" 2)" "$alls" "$( [ "$alls" = "$refs" ] && echo met || echo '**not met**')"
  echo
  echo "Why: the first run does crane's work with crane's requests (a manifest, a config and the layers per"
  echo "image, each layer hashed once by go-containerregistry's own check), at about crane's CPU; on this"
  echo "shared 2-CPU machine the wall-time ratio mostly measures the load (see docs/benchmarks.md). The rerun"
  echo "stats local blobs (presence and size), makes no request and rewrites no file; the helm-stella entry"
  echo "binary does it without linking the Helm SDK and client-go, whose package init alone costs the core"
  echo "more than the whole rerun (docs/offline-kit.md, \"Reruns: the entry binary\"). The check"
  echo "sends one HEAD per pin with credentials up front (no /v2/ ping, no token round trip on basic auth)."
} >docs/benchmarks-offlinekit.md
cat docs/benchmarks-offlinekit.md
