// The worker's HTTP endpoints for SREs: GET /metrics (Prometheus text format), /healthz (liveness), /readyz
// (readiness). It listens on all interfaces by default (worker.httpHost) because Prometheus and the platform's
// probes reach it from outside the container; nothing it serves is secret (labels are tenant names, control ids).
// TODO(queue dashboard): a later step adds the dashboard's routes here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import type { Config } from '../config/schema';
import { SCAN_QUEUE } from '../jobs/scan-job';
import type { Logger } from '../observability/logger';
import { observeQueue, registry, type QueueState } from '../observability/metrics';
import { DELIVERY_QUEUE } from '../jobs/delivery-job';
import { openDeliveryQueue } from './delivery-queue';
import { openScanQueue } from './scan-queue';
import type { RunningScanWorker } from './scan-worker';

export interface WorkerHttpServer {
  /** e.g. "http://127.0.0.1:9464" (the actual port when 0 was asked for). */
  url: string;
  port: number;
  /** Stops listening and closes the queue it reads counts from. */
  close(): Promise<void>;
}

export interface ListenAddress {
  host: string;
  /** 0 = any free port (tests). The config's "httpPort 0 = no server" is decided by the caller. */
  port: number;
}

/**
 * Redis must answer a readiness ping or a count within this time. Kubernetes probes time out after 1 s by
 * default, and a hung Redis call (BullMQ connections retry forever) must never hang a scrape or a probe.
 */
const REDIS_TIMEOUT_MS = 750;

export async function startWorkerHttpServer(
  config: Config,
  worker: RunningScanWorker,
  logger: Logger,
  address: ListenAddress = { host: config.worker.httpHost, port: config.worker.httpPort },
): Promise<WorkerHttpServer> {
  const queue = openScanQueue(config);
  const deliveries = openDeliveryQueue(config);
  // The worker logs the same Redis outage; without a listener an 'error' event would crash the process.
  for (const q of [queue, deliveries])
    q.on('error', (err) => logger.debug({ err }, 'metrics queue connection error'));
  const unobserveScans = observeQueue(SCAN_QUEUE, () => readCounts(queue));
  const unobserveDeliveries = observeQueue(DELIVERY_QUEUE, () => readCounts(deliveries));
  const unobserve = () => {
    unobserveScans();
    unobserveDeliveries();
  };

  const server = http.createServer((req, res) => {
    route(req, worker)
      .then(({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      })
      .catch((err: unknown) => {
        logger.warn({ err, path: req.url }, 'http request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    unobserve();
    await Promise.all([queue.close(), deliveries.close()]);
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(
      `cannot listen on ${address.host}:${address.port} for /metrics (${code}); ` +
        'set worker.httpPort (env CRW_HTTP_PORT) to a free port, or 0 for no HTTP server',
    );
  }
  server.on('error', (err) => logger.error({ err }, 'http server error'));
  const port = (server.address() as AddressInfo).port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        unobserve();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Prometheus keeps its connection alive between scrapes: do not wait for it.
          server.closeAllConnections();
        });
        await Promise.all([queue.close(), deliveries.close()]);
      })();
      return closing;
    },
  };
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

async function route(req: http.IncomingMessage, worker: RunningScanWorker): Promise<Reply> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, type: 'text/plain', body: 'only GET and HEAD\n' };
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  switch (path) {
    case '/metrics':
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    case '/healthz':
      // Liveness: the process answers. Redis outages are readiness problems, not a reason to restart.
      return json(200, { status: 'ok' });
    case '/readyz': {
      const reason = await notReadyReason(worker);
      return reason === null ? json(200, { status: 'ready' }) : json(503, { status: 'not ready', reason });
    }
    default:
      return { status: 404, type: 'text/plain', body: 'not found; try /metrics, /healthz or /readyz\n' };
  }
}

/** Why the worker cannot take jobs now, or null when it can. */
async function notReadyReason(running: RunningScanWorker): Promise<string | null> {
  if (running.isClosing()) return 'the worker is shutting down';
  if (!running.worker.isRunning()) return 'the worker is not running';
  try {
    const client = await withTimeout(running.worker.client);
    if (client.status !== 'ready') return `the Redis connection is ${client.status}`;
    // A round trip (BullMQ needs INFO anyway; its client interface has no PING): a half-open socket can look ready.
    await withTimeout(client.info());
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `Redis does not answer${code ? ` (${code})` : ''}`;
  }
  return null;
}

async function readCounts(queue: Queue): Promise<Record<QueueState, number>> {
  const c = await withTimeout(
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
  );
  const n = (state: string) => c[state] ?? 0;
  return {
    // Jobs not started yet: BullMQ keeps paused-queue and prioritized jobs in lists of their own.
    waiting: n('waiting') + n('paused') + n('prioritized'),
    active: n('active'),
    delayed: n('delayed'),
    failed: n('failed'),
    completed: n('completed'),
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('Redis timed out'), { code: 'ETIMEDOUT' })),
      REDIS_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function json(status: number, body: object): Reply {
  return { status, type: 'application/json', body: `${JSON.stringify(body)}\n` };
}
