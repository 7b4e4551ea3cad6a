# Shared settings for the native stack. Sourced by the other scripts; override any of them from the environment.
# Everything downloaded or built lives under CUSTODY_CACHE, outside the repository.
CUSTODY_CACHE="${CUSTODY_CACHE:-$HOME/.cache/custody}"
CUSTODY_RUN="${CUSTODY_RUN:-$CUSTODY_CACHE/run}"
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
OPENSEARCH_VERSION="${OPENSEARCH_VERSION:-2.19.6}"
# MinIO's community repository is archived and source-only: its final state is master at 7aac2a2c5b7c
# (2026-02-12), the last release RELEASE.2025-10-15T17-29-55Z plus seven fixes (PostPolicy tag
# enforcement, conditional-put read quorum, duplicate responses) and README notes. Go names that
# commit by this module version; docker-compose.yml builds the same one (a test keeps them equal).
MINIO_VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
OPENSEARCH_PORT="${OPENSEARCH_PORT:-19200}"
MINIO_PORT="${MINIO_PORT:-19000}"
MINIO_ROOT_USER="${MINIO_ROOT_USER:-custody}"
MINIO_ROOT_PASSWORD="${MINIO_ROOT_PASSWORD:-custody-local-secret}"
OPENSEARCH_USER="${OPENSEARCH_USER:-custody-search}"
export CUSTODY_CACHE CUSTODY_RUN KAFKA_VERSION OPENSEARCH_VERSION MINIO_VERSION KAFKA_PORT \
  KAFKA_CONTROLLER_PORT OPENSEARCH_PORT MINIO_PORT MINIO_ROOT_USER MINIO_ROOT_PASSWORD OPENSEARCH_USER

log() { printf '[infra] %s\n' "$*" >&2; }
