# MinIO for docker compose, built from source. The community repository is archived and its last
# versions were published as source only, so no registry carries an image of the version the tests
# run; docker-compose.yml passes the pinned module versions (the same MINIO_VERSION as infra/local).
FROM golang:1.26.8-bookworm AS build
ARG MINIO_VERSION
ARG MC_VERSION
ENV CGO_ENABLED=0 GOBIN=/out
RUN go install "github.com/minio/minio@${MINIO_VERSION}" && go install "github.com/minio/mc@${MC_VERSION}"

FROM debian:12.12-slim
COPY --from=build /out/minio /out/mc /usr/local/bin/
# mc's default configuration carries the alias `local` (http://localhost:9000) that the compose
# healthcheck `mc ready local` asks; it writes that configuration here on first use
ENV MC_CONFIG_DIR=/tmp/.mc
EXPOSE 9000
VOLUME ["/data"]
ENTRYPOINT ["minio"]
CMD ["server", "/data"]
