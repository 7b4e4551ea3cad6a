# Custody services for Docker users (docker compose up). The same image runs any subset of services
# through CUSTODY_SERVICES; without CUSTODY_MODE=stack it runs the embedded single-node default.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages packages
COPY services services
COPY bin bin
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
ENV CUSTODY_HTTP_HOST=0.0.0.0 CUSTODY_DATA_DIR=/data
EXPOSE 8080
USER node
CMD ["node", "bin/custody.js", "start"]
