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
  if [ ! -f "$dir/.complete" ]; then
    log "resolving opensearch $OPENSEARCH_VERSION integ-test-zip from Maven Central"
    local zipdir="$CUSTODY_CACHE/downloads"; mkdir -p "$zipdir"
    mvn -q -B dependency:copy -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
      -DoutputDirectory="$zipdir"
    rm -rf "$dir" "$CUSTODY_CACHE/opensearch-unpack"; mkdir -p "$CUSTODY_CACHE/opensearch-unpack"
    (cd "$CUSTODY_CACHE/opensearch-unpack" && unzip -q "$zipdir/opensearch-$OPENSEARCH_VERSION.zip")
    mv "$CUSTODY_CACHE/opensearch-unpack/opensearch-$OPENSEARCH_VERSION" "$dir"
    rmdir "$CUSTODY_CACHE/opensearch-unpack"
    touch "$dir/.complete"
  fi
  # outside the .complete check: distributions unpacked before this step existed get the module too
  provision_opensearch_analysis_common "$dir"
}

# The integ-test zip ships only the transport-netty4 module; stemmers (stemmer, porter_stem, snowball),
# the language analyzers, asciifolding, word_delimiter_graph etc. are the analysis-common module.
# Central has no zip of it, only its jar, with no dependencies of its own (the Lucene analyzers it wraps
# are lucene-analysis-common in lib/), so the module directory is assembled here: jar + descriptor.
# The real descriptor says extended.plugins=lang-painless, which this distribution lacks and which
# would stop the node at start-up; painless only serves the script filters (condition,
# predicate_token_filter), which cannot run here anyway, so this one extends nothing.
# The class name is that of 2.x (later versions renamed it): check the jar when changing OPENSEARCH_VERSION.
# It goes into modules/, not through `opensearch-plugin install`, because OpenSearch loads modules/
# at start-up like the shipped netty module.
provision_opensearch_analysis_common() {
  local dist=$1 mod="$1/modules/analysis-common" tmp="$CUSTODY_CACHE/opensearch-analysis-common.tmp"
  [ -f "$mod/plugin-descriptor.properties" ] && return 0
  log "resolving opensearch analysis-common $OPENSEARCH_VERSION from Maven Central"
  local jardir="$CUSTODY_CACHE/downloads"; mkdir -p "$jardir"
  mvn -q -B dependency:copy -Dartifact="org.opensearch.plugin:analysis-common:$OPENSEARCH_VERSION:jar" \
    -DoutputDirectory="$jardir"
  # assembled outside modules/ and moved in whole: OpenSearch fails on any half-written dir in modules/
  rm -rf "$tmp" "$mod"; mkdir -p "$tmp"
  cp "$jardir/analysis-common-$OPENSEARCH_VERSION.jar" "$tmp/"
  cat >"$tmp/plugin-descriptor.properties" <<PROPS
description=Adds "built in" analyzers to OpenSearch.
version=$OPENSEARCH_VERSION
name=analysis-common
classname=org.opensearch.analysis.common.CommonAnalysisPlugin
java.version=11
opensearch.version=$OPENSEARCH_VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
PROPS
  mv "$tmp" "$mod"
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
