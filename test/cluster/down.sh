#!/usr/bin/env bash
# Stops exactly the processes up.sh started (by their pid file), newest first,
# then cleans up after the real node (realnode.sh down).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${STELLA_CLUSTER_DIR:-$repo/.cache/cluster}
[ -f "$state/pids" ] || { echo "[cluster] nothing to stop ($state)" >&2; "$here/realnode.sh" down; exit 0; }
tac "$state/pids" | while read -r pid name; do
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "[cluster] stopped $name ($pid)" >&2
  fi
done
rm -f "$state/pids"
# the real node's containers, mounts, cgroups, bridge and files outside the state dir
"$here/realnode.sh" down
