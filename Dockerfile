# Custody services for Docker users (docker compose up). The same image runs any subset of services
# through CUSTODY_SERVICES; without CUSTODY_MODE=stack it runs the embedded single-node default.
# Node 24 LTS, pinned to the release CI runs the full suite on (NODE_FULL_SUITE in .ci/run).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages packages
COPY services services
COPY bin bin
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:24.22.3-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
# A fresh named volume takes the owner of the directory it is mounted over: without this /data would
# be root's and the node user could not write the key store or the embedded data there.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
ENV CUSTODY_HTTP_HOST=0.0.0.0 CUSTODY_DATA_DIR=/data
EXPOSE 8080
USER node
CMD ["node", "bin/custody.js", "start"]
