// Prometheus metrics of the worker (served on /metrics by src/worker/http-server.ts). They live in a registry of
// their own, not prom-client's global one, so that /metrics shows exactly these and nothing a library registers.
// Label values are configured tenant names, control ids, queue names and fixed words: never anything secret.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'crw_' });

/** How a scan attempt ended; "handed_back" is a scan returned to the queue at shutdown (no attempt spent). */
export type ScanOutcome = 'completed' | 'failed' | 'handed_back';

export const scansTotal = new Counter({
  name: 'crw_scans_total',
  help: 'Scan attempts by outcome (completed, failed, handed_back); every failed attempt counts, retries included',
  labelNames: ['tenant', 'status'] as const,
  registers: [registry],
});

export const scanDurationSeconds = new Histogram({
  name: 'crw_scan_duration_seconds',
  help: 'Duration of completed scans, from job start to report written',
  labelNames: ['tenant'] as const,
  buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
  registers: [registry],
});

export const scanFindings = new Gauge({
  name: 'crw_scan_findings',
  help: "Findings per control in the tenant's last completed scan, labelled with the control's status",
  labelNames: ['tenant', 'control', 'status'] as const,
  registers: [registry],
});

export const lastSuccessfulScanTimestamp = new Gauge({
  name: 'crw_last_successful_scan_timestamp_seconds',
  help: 'When the last completed scan of the tenant finished (alert when it is older than the schedule allows)',
  labelNames: ['tenant'] as const,
  registers: [registry],
});

/** Set by the secrets layer when it reads a tenant credential that has an expiry date. */
export const credentialExpiryTimestamp = new Gauge({
  name: 'crw_credential_expiry_timestamp_seconds',
  help: "When the tenant's app credential in Key Vault expires",
  labelNames: ['tenant'] as const,
  registers: [registry],
});

/** The BullMQ states reported by crw_queue_jobs. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Reads a queue's job counts; called on every scrape. */
export type QueueCountsReader = () => Promise<Record<QueueState, number>>;

const queueReaders = new Map<string, QueueCountsReader>();

export const queueJobs = new Gauge({
  name: 'crw_queue_jobs',
  help: 'Jobs in the queue by state, read from Redis when scraped',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    // Counts come from Redis on each scrape (no timer); a queue whose counts cannot be read has no series
    // rather than stale ones (/readyz then says why).
    this.reset();
    for (const [queue, read] of queueReaders) {
      let counts: Record<QueueState, number>;
      try {
        counts = await read();
      } catch {
        continue;
      }
      for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state]);
    }
  },
});

/** Reports `queue` in crw_queue_jobs until the returned function is called. */
export function observeQueue(queue: string, read: QueueCountsReader): () => void {
  queueReaders.set(queue, read);
  return () => {
    if (queueReaders.get(queue) === read) queueReaders.delete(queue);
  };
}

/** One control's outcome in a completed scan. */
export interface ControlOutcome {
  id: string;
  /** pass | fail | error | skipped */
  status: string;
  findings: number;
}

/** The crw_scan_findings label sets last set per tenant, so that a control whose status changed loses its old one. */
const findingSeries = new Map<string, Array<{ control: string; status: string }>>();

export function recordScanCompleted(
  tenant: string,
  durationSeconds: number,
  controls: readonly ControlOutcome[],
  finishedAt: Date = new Date(),
): void {
  scansTotal.inc({ tenant, status: 'completed' });
  scanDurationSeconds.observe({ tenant }, durationSeconds);
  lastSuccessfulScanTimestamp.set({ tenant }, finishedAt.getTime() / 1000);
  for (const old of findingSeries.get(tenant) ?? []) scanFindings.remove({ tenant, ...old });
  for (const control of controls) {
    scanFindings.set({ tenant, control: control.id, status: control.status }, control.findings);
  }
  findingSeries.set(
    tenant,
    controls.map((control) => ({ control: control.id, status: control.status })),
  );
}

export function recordScanEnded(tenant: string, outcome: Exclude<ScanOutcome, 'completed'>): void {
  scansTotal.inc({ tenant, status: outcome });
}

/**
 * How a delivery attempt ended: sent; already_sent (a retry found the message out already, nothing sent);
 * retried (failed, the queue tries again); failed (no attempt left, or retrying cannot help).
 */
export type DeliveryOutcome = 'sent' | 'already_sent' | 'retried' | 'failed';

export const deliveriesTotal = new Counter({
  name: 'crw_deliveries_total',
  help: 'Report mail delivery attempts by transport (graph, smtp) and outcome (sent, already_sent, retried, failed)',
  labelNames: ['tenant', 'transport', 'outcome'] as const,
  registers: [registry],
});

export function recordDelivery(tenant: string, transport: string, outcome: DeliveryOutcome): void {
  deliveriesTotal.inc({ tenant, transport, outcome });
}
