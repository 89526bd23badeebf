# syntax=docker/dockerfile:1
# Manifold on Node 20: built in one stage, run from a slim image as the unprivileged `node` user,
# with the SQLite database on the /data volume.

FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary when it can and compiles itself when it cannot.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# No install scripts yet (`prepare` would compile before the sources are here); only the native module needs its own.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY providers ./providers
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json --noEmitOnError \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    MANIFOLD_DB=/data/manifold.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY prompts ./prompts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains calls in flight, then flushes usage; keep the stop timeout above 10 s.
STOPSIGNAL SIGTERM
# Node runs with the flags `npm start` uses (package.json): a smaller young generation, see README "Memory".
CMD ["node", "--max-semi-space-size=8", "dist/src/node.js"]
