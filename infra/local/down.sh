#!/usr/bin/env bash
# Stops the servers up.sh started. Data stays under $CUSTODY_RUN; pass --wipe to remove it too.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/env.sh"
for name in minio opensearch kafka; do
  pidfile="$CUSTODY_RUN/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name ($pid)"; kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
done
if [ "${1:-}" = "--wipe" ]; then rm -rf "$CUSTODY_RUN" "/var/tmp/custody-opensearch-$(id -u)"; log "wiped"; fi
