# Axme server image. The server needs no build step (Node 24 strips TypeScript
# types natively, so the image runs src/main.ts as is); the dashboard is built
# in a first stage and only its static files are copied.
#
#   docker build -t axme .
#   docker run --rm -p 4000:4000 -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... axme
#
# Without DATABASE_URL the server uses embedded PGlite in /app/.axme/data; mount a
# volume there to keep it (docker run -v axme-data:/app/.axme/data ...).
# The exact Node the project is tested on (.node-version; a test keeps the two equal).
ARG NODE_VERSION=24.22.3
FROM node:${NODE_VERSION}-slim AS ui
WORKDIR /build
# npm ci needs every workspace's package.json (packages/client, ui) beside the lockfile
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
COPY ui/package.json ./ui/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY schema.graphql ./
COPY scripts/ ./scripts/
COPY ui/ ./ui/
RUN sh scripts/build-ui.sh

FROM node:${NODE_VERSION}-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so editing the source does not re-run npm ci. No scripts:
# `prepare` builds the dashboard, which the ui stage has done.
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
COPY ui/package.json ./ui/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY src/ ./src/
COPY migrations/ ./migrations/
COPY schema.graphql ./
COPY --from=ui /build/ui/dist ./ui/dist/

# The code stays root-owned (read-only to the server); only the embedded
# database's folder is writable by the non-root user.
RUN mkdir -p /app/.axme/data && chown -R node:node /app/.axme

ENV HOST=0.0.0.0 \
    PORT=4000
EXPOSE 4000

USER node

# slim has no curl: ask /healthz with Node's own fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node handles SIGTERM itself (graceful drain in src/main.ts), so run it directly.
CMD ["node", "src/main.ts"]
