#!/usr/bin/env bash
# Stops exactly the processes up.sh started (by their pid file), newest first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${STELLA_CLUSTER_DIR:-$repo/.cache/cluster}
[ -f "$state/pids" ] || { echo "[cluster] nothing to stop ($state)" >&2; exit 0; }
tac "$state/pids" | while read -r pid name; do
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "[cluster] stopped $name ($pid)" >&2
  fi
done
rm -f "$state/pids"
