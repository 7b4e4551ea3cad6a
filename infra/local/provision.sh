#!/usr/bin/env bash
# Downloads/builds Kafka, OpenSearch and MinIO into $CUSTODY_CACHE. Idempotent: each step is skipped when its output exists.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/env.sh"
mkdir -p "$CUSTODY_CACHE"
# one provisioning at a time per cache: the fault suite starts its own servers while the shared stack may still be provisioning
exec 9>"$CUSTODY_CACHE/.provision.lock"
flock 9

provision_kafka() {
  local dir="$CUSTODY_CACHE/kafka-$KAFKA_VERSION"
  [ -f "$dir/.complete" ] && return 0
  command -v mvn >/dev/null || { log "kafka needs maven (apt-get install maven)"; return 1; }
  log "resolving kafka $KAFKA_VERSION from Maven Central"
  rm -rf "$dir"; mkdir -p "$dir/libs"
  mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$dir/libs" -DincludeScope=runtime
  touch "$dir/.complete"
}

provision_opensearch() {
  local dir="$CUSTODY_CACHE/opensearch-$OPENSEARCH_VERSION"
  [ -f "$dir/.complete" ] && return 0
  log "resolving opensearch $OPENSEARCH_VERSION integ-test-zip from Maven Central"
  local zipdir="$CUSTODY_CACHE/downloads"; mkdir -p "$zipdir"
  mvn -q -B dependency:copy -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
    -DoutputDirectory="$zipdir"
  rm -rf "$dir" "$CUSTODY_CACHE/opensearch-unpack"; mkdir -p "$CUSTODY_CACHE/opensearch-unpack"
  (cd "$CUSTODY_CACHE/opensearch-unpack" && unzip -q "$zipdir/opensearch-$OPENSEARCH_VERSION.zip")
  mv "$CUSTODY_CACHE/opensearch-unpack/opensearch-$OPENSEARCH_VERSION" "$dir"
  rmdir "$CUSTODY_CACHE/opensearch-unpack"
  touch "$dir/.complete"
}

provision_minio() {
  local dir="$CUSTODY_CACHE/minio-$MINIO_VERSION"
  [ -x "$dir/minio" ] && return 0
  command -v go >/dev/null || { log "minio needs go >= 1.24"; return 1; }
  log "building minio@$MINIO_VERSION with go (several minutes the first time)"
  mkdir -p "$dir"
  GOBIN="$dir" CGO_ENABLED=0 go install "github.com/minio/minio@$MINIO_VERSION"
}

what="${1:-all}"
case "$what" in
  kafka) provision_kafka ;;
  opensearch) provision_opensearch ;;
  minio) provision_minio ;;
  all) provision_kafka & k=$!; provision_opensearch & o=$!; provision_minio & m=$!
       wait $k; wait $o; wait $m ;;
  *) log "usage: provision.sh [all|kafka|opensearch|minio]"; exit 2 ;;
esac
