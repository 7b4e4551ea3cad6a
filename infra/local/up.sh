#!/usr/bin/env bash
# Provisions (if needed) and starts single-node Kafka (KRaft), OpenSearch and MinIO on 127.0.0.1.
# Idempotent: a server that already answers is left alone. Prints the endpoints as env assignments.
# `--fresh` starts every server that is not running on empty data. The test setup passes it: every
# test names its own topic, bucket and index, so nothing is lost, and Kafka's start-up time grows with
# the partitions on disk (thousands of test topics made it miss its start-up window). Without it
# (`npm run infra:up`, fault.sh restarting a killed server) the data stays.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/env.sh"
fresh=0
case "${1:-}" in --fresh) fresh=1 ;; "") ;; *) log "usage: up.sh [--fresh]"; exit 2 ;; esac
"$here/provision.sh" all
mkdir -p "$CUSTODY_RUN"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # name, seconds, command...
  local name=$1 secs=$2 pid; shift 2
  pid=$(cat "$CUSTODY_RUN/$name.pid" 2>/dev/null || true)
  for _ in $(seq 1 "$secs"); do
    "$@" && return 0
    # a server that exited will not become ready: say so now instead of at the end of the wait
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it became ready; its log is in $CUSTODY_RUN/$name.log"; tail -n 40 "$CUSTODY_RUN/$name.log" >&2 || true
      return 1
    fi
    sleep 1
  done
  log "$name did not become ready within ${secs}s; its log is in $CUSTODY_RUN/$name.log"; tail -n 40 "$CUSTODY_RUN/$name.log" >&2 || true
  return 1
}
start_bg() { # name, command...
  local name=$1; shift
  setsid nohup "$@" >"$CUSTODY_RUN/$name.log" 2>&1 < /dev/null &
  echo $! >"$CUSTODY_RUN/$name.pid"
}

start_kafka() {
  port_open "$KAFKA_PORT" && return 0
  local home="$CUSTODY_CACHE/kafka-$KAFKA_VERSION" dir="$CUSTODY_RUN/kafka"
  if [ "$fresh" = 1 ]; then rm -rf "$dir/data"; fi
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j.properties" <<PROPS
log4j.rootLogger=WARN, stdout
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
  local java=(java -Xms256m -Xmx768m -XX:+UseG1GC -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$home/libs/*")
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id=$("${java[@]}" kafka.tools.StorageTool random-uuid)
    "${java[@]}" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >/dev/null
  fi
  log "starting kafka on 127.0.0.1:$KAFKA_PORT"
  start_bg kafka "${java[@]}" kafka.Kafka "$dir/server.properties"
}

# OpenSearch refuses to run as root, so as root it runs as a dedicated user from a copy it owns.
start_opensearch() {
  port_open "$OPENSEARCH_PORT" && return 0
  local dist="$CUSTODY_CACHE/opensearch-$OPENSEARCH_VERSION" home="$CUSTODY_OS_HOME"
  if [ ! -f "$home/.complete-$OPENSEARCH_VERSION" ]; then
    rm -rf "$home"; mkdir -p "$(dirname "$home")"; cp -r "$dist" "$home"; touch "$home/.complete-$OPENSEARCH_VERSION"
  fi
  # a copy made before provisioning added a module (analysis-common) gets it now, keeping its data;
  # copied beside modules/ first, since a half-copied module dir would stop the node at start-up
  local m
  for m in "$dist"/modules/*/; do
    m=$(basename "$m")
    [ -d "$home/modules/$m" ] && continue
    rm -rf "$home/.module.tmp"; cp -r "$dist/modules/$m" "$home/.module.tmp"; mv "$home/.module.tmp" "$home/modules/$m"
  done
  if [ "$fresh" = 1 ]; then rm -rf "$home/data"; fi
  cat >"$home/config/opensearch.yml" <<YML
cluster.name: custody-local
node.name: custody-local-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $((OPENSEARCH_PORT + 100))
path.data: $home/data
path.logs: $home/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
YML
  local run=()
  if [ "$(id -u)" = 0 ]; then
    id "$OPENSEARCH_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OPENSEARCH_USER"
    chown -R "$OPENSEARCH_USER" "$home"
    run=(runuser -u "$OPENSEARCH_USER" --)
  fi
  log "starting opensearch on 127.0.0.1:$OPENSEARCH_PORT"
  start_bg opensearch env OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx512m" JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
    "${run[@]}" "$home/bin/opensearch"
}

start_minio() {
  port_open "$MINIO_PORT" && return 0
  if [ "$fresh" = 1 ]; then rm -rf "$CUSTODY_RUN/minio-data"; fi
  mkdir -p "$CUSTODY_RUN/minio-data"
  log "starting minio on 127.0.0.1:$MINIO_PORT"
  start_bg minio env MINIO_ROOT_USER="$MINIO_ROOT_USER" MINIO_ROOT_PASSWORD="$MINIO_ROOT_PASSWORD" MINIO_BROWSER=off \
    "$CUSTODY_CACHE/minio-$MINIO_VERSION/minio" server --quiet --address "127.0.0.1:$MINIO_PORT" "$CUSTODY_RUN/minio-data"
}

# world-traversable so the OpenSearch user can reach its home even when the cache is under /root
CUSTODY_OS_HOME="${CUSTODY_OS_HOME:-/var/tmp/custody-opensearch-$(id -u)}"
start_kafka; start_opensearch; start_minio
wait_for kafka 240 port_open "$KAFKA_PORT"
wait_for opensearch 240 bash -c "curl -fsS 'http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s' >/dev/null 2>&1"
wait_for minio 60 bash -c "curl -fsS 'http://127.0.0.1:$MINIO_PORT/minio/health/ready' >/dev/null 2>&1"
log "stack ready"
cat <<OUT
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
OPENSEARCH_URL=http://127.0.0.1:$OPENSEARCH_PORT
S3_ENDPOINT=http://127.0.0.1:$MINIO_PORT
S3_ACCESS_KEY_ID=$MINIO_ROOT_USER
S3_SECRET_ACCESS_KEY=$MINIO_ROOT_PASSWORD
OUT
