# ordersource: one image for the command, query and projector services and the ops console
# (distributed profile).
# The command picks the service; docker-compose.yml overrides CMD (and the health check port)
# per service. Build: docker build -t ordersource .
#
# Stages: deps (all dependencies) -> build (tools/build: swc -> dist/) ; prod-deps
# (npm ci --omit=dev) ; runtime: node:20-bookworm-slim, non-root, dist/ + production
# node_modules only (no TypeScript, no @swc-node/register, no sources).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed to build or run the services (the ones in the
# lockfile are nx/@swc/core binary checks, telemetry, and embedded PostgreSQL's symlinks,
# which the distributed profile never starts: DATABASE_URL is always set).
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools/build ./tools/build
# Compiles apps/ and libs/ (no tests, no test support) into dist/ and fails if a service would
# require anything `npm ci --omit=dev` does not install.
RUN node -r @swc-node/register tools/build/build.ts --out dist
# The ops console's page (Preact + uPlot, bundled by esbuild from the lockfile's packages); the
# console process only serves these files.
RUN node -r @swc-node/register apps/console/build/build-web.ts --out dist/apps/console/dist

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="ordersource" \
      org.opencontainers.image.description="ordersource command, query and projector services and ops console (pick one with the command)" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    ORDERSOURCE_PROFILE=distributed \
    ORDERSOURCE_DATA_DIR=/home/node/.ordersource \
    HEALTH_PORT=3000
WORKDIR /app
# Root-owned and read-only for the service user: the process cannot rewrite its own code.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001 3002 3003
# HEALTH_PORT: the port of the service this container runs (compose sets it per service, and
# its start_period). No --start-period here: dockerfilelint 1.8 rejects that option (its option
# regex stops at the dash); 6 retries x 10 s give a starting service a minute anyway.
HEALTHCHECK --interval=10s --timeout=5s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/command-service/src/main.js"]
