# compliance-report-worker: one stateless worker process per container; scale by adding containers on one Redis.
# Build: docker build -t crw .   Run: docker run -v ./crw.yaml:/etc/crw/crw.yaml:ro crw worker

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Only src/ is compiled: the image carries neither sim/ nor the benchmarks.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# Heap budget: V8 sizes its heap growth by the heap limit, which otherwise defaults to a share of the host's memory
# and lets the heap grow far past what a scan keeps alive. 384 MB holds a 1,000,000-user scan (bench/scan: worker
# peak RSS ~185 MB); raise it with the container's memory limit for tenants with over a million findings.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=384" \
    CRW_CONFIG=/etc/crw/crw.yaml \
    CRW_REPORTS_DIR=/var/lib/crw/reports
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# No credential is ever written in the image or on its disk: the worker reads tenant credentials from Key Vault
# with its managed identity, into memory. Reports are the only files it writes.
RUN mkdir -p /var/lib/crw/reports && chown -R node:node /var/lib/crw
USER node
VOLUME ["/var/lib/crw/reports"]
# /metrics, /healthz, /readyz of `crw worker` (worker.httpPort, env CRW_HTTP_PORT).
EXPOSE 9464
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["worker"]
# SIGTERM: the worker stops taking jobs and waits worker.shutdownGraceSeconds for running scans; give Docker
# more than that before it sends SIGKILL (docker stop -t, or stop_grace_period in compose).
STOPSIGNAL SIGTERM
