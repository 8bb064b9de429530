# syntax=docker/dockerfile:1
# brokerql container image. Untested here (no Docker engine on the build machine); the steps are
# the ones `.ci/run` performs, split so the final image carries no compiler and no dev tools.
#
#   docker build -t brokerql .
#   docker run -d -p 127.0.0.1:4000:4000 -v brokerql-data:/data \
#     -v "$PWD/brokerql.yaml:/config/brokerql.yaml:ro" -e TINKOFF_TOKEN brokerql

# --- build: compile better-sqlite3 from source, generate resolver types, build dist/ ---------
# The full Debian image already has python3, make and g++ (node-gyp needs them).
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .prebuild-installrc ./
# Scripts off here: `prepare` needs the sources, copied below. better-sqlite3 is rebuilt after.
RUN npm ci --ignore-scripts
COPY codegen.yml tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
COPY bin ./bin
RUN npm rebuild better-sqlite3 \
 && npm run codegen \
 && npm run build \
 && npm prune --omit=dev

# --- runtime: Node and the built gateway only, as an unprivileged user ------------------------
FROM node:20-bookworm-slim
# A ceiling for the heap, in case a query needs far more than usual (see the README's "Memory";
# brokerql already keeps V8's heap growth modest). Raise it if your largest query needs more.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=256 \
    BROKERQL_CONFIG=/config/brokerql.yaml \
    PORT=4000
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/schema ./schema
COPY --from=build --chown=root:root /app/bin ./bin
# The code belongs to root and is read-only for the gateway; only /data is writable by it.
RUN ln -s /app/bin/brokerql.js /usr/local/bin/brokerql \
 && mkdir -p /data /config \
 && chown node:node /data
USER node
# Tokens, the audit log and the idempotency ledger (SQLite, WAL). Keep it on a volume and back it up.
VOLUME ["/data"]
EXPOSE 4000
# Liveness only: /healthz never calls a broker. Node's own fetch, because the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini-like signal handling is not needed: brokerql handles SIGTERM itself (graceful shutdown).
ENTRYPOINT ["node", "/app/bin/brokerql.js"]
CMD ["serve"]
