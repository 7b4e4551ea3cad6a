#!/usr/bin/env bash
# Fault injection for the fault suite: `fault.sh kill <server>` kills one server of a run dir with
# SIGKILL (no clean shutdown), `fault.sh start <server>` starts it again on the same data.
# <server> is kafka, opensearch or minio. CUSTODY_RUN must be given explicitly, so a test can never
# reach the shared servers of the default run dir by accident.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ -n "${CUSTODY_RUN:-}" ] || { printf '[infra] fault.sh needs CUSTODY_RUN set explicitly\n' >&2; exit 2; }
. "$here/env.sh"
action="${1:-}" name="${2:-}"
case "$name" in kafka|opensearch|minio) ;; *) log "usage: fault.sh kill|start kafka|opensearch|minio"; exit 2 ;; esac
case "$name" in kafka) port=$KAFKA_PORT ;; opensearch) port=$OPENSEARCH_PORT ;; minio) port=$MINIO_PORT ;; esac
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "$action" in
  kill)
    pidfile="$CUSTODY_RUN/$name.pid"
    [ -f "$pidfile" ] || { log "no $pidfile: $name was not started from $CUSTODY_RUN"; exit 1; }
    pid=$(cat "$pidfile")
    log "kill -9 $name (process group $pid)"
    # up.sh starts each server as a session leader: the group holds runuser, the JVM and any children
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
    for _ in $(seq 1 100); do port_open "$port" || exit 0; sleep 0.1; done
    log "$name still answers on $port after kill -9"; exit 1
    ;;
  start)
    # up.sh starts only the servers that do not answer, and waits until all of them are ready
    "$here/up.sh" >/dev/null
    ;;
  *) log "usage: fault.sh kill|start kafka|opensearch|minio"; exit 2 ;;
esac
