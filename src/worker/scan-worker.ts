import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import type { Config } from '../config/schema';
import { createScanProcessor } from '../jobs/scan-processor';
import type { ScanServices } from '../jobs/run-scan';
import { SCAN_QUEUE, type ScanJobResult } from '../jobs/scan-job';
import type { Logger } from '../observability/logger';
import { redisConnectionOptions } from './redis';
import { RedisTenantLocks } from './tenant-lock';
import { RedisScanCheckpoint } from '../checkpoints/redis-scan-checkpoint';
import { enqueueDelivery, openDeliveryQueue } from './delivery-queue';

/** Tuning of startScanWorker; the defaults suit production, tests shorten them. */
export interface ScanWorkerOptions {
  /** Name of this worker in jobs' processedBy and its log lines. */
  name?: string;
  /** TTL of a tenant lock: how long a crashed worker's lock blocks its tenant (renewed every third of it). */
  tenantLockTtlMs?: number;
  /** How long a job waits when its tenant is being scanned by another job. */
  tenantBusyDelayMs?: number;
}

export interface RunningScanWorker {
  worker: Worker;
  /**
   * Stops taking jobs and waits for running scans; after `graceMs` the running scans are aborted and handed
   * back to the queue for another worker.
   */
  close(graceMs: number): Promise<void>;
  /** True from the moment close() is called (/readyz then answers 503: this worker is leaving). */
  isClosing(): boolean;
}

export function startScanWorker(
  config: Config,
  services: ScanServices,
  baseLogger: Logger,
  options: ScanWorkerOptions = {},
): RunningScanWorker {
  const logger = options.name ? baseLogger.child({ worker: options.name }) : baseLogger;
  const shutdown = new AbortController();
  // A connection of its own (tenant locks, checkpoints): BullMQ's connections are its internals, and this one
  // outlives the last job's release.
  const lockRedis = new IORedis(redisConnectionOptions(config.redis.url));
  lockRedis.on('error', (err) => logger.error({ err }, 'tenant lock Redis connection error'));
  const tenantLocks = new RedisTenantLocks(
    lockRedis,
    config.redis.prefix,
    options.tenantLockTtlMs ?? 30_000,
    logger,
  );
  const checkpointTtlMs = config.worker.checkpointTtlHours * 3_600_000;
  // Producer side of the deliveries queue: a complete report's mail is queued before its checkpoint goes.
  const deliveries = openDeliveryQueue(config);
  const worker = new Worker<unknown, ScanJobResult>(
    SCAN_QUEUE,
    createScanProcessor({
      config,
      services,
      logger,
      shutdownSignal: shutdown.signal,
      isClosing: () => closing !== undefined,
      tenantLocks,
      tenantBusyDelayMs: options.tenantBusyDelayMs ?? 5_000,
      checkpoints: (tenant, runId) =>
        new RedisScanCheckpoint(lockRedis, config.redis.prefix, tenant, runId, checkpointTtlMs),
      onReportWritten: async (tenant, report) => {
        if (tenant.mail === undefined) return;
        const { tenant: name, runId, workbookPath, resultsPath, digest } = report;
        await enqueueDelivery(deliveries, config, { tenant: name, runId, workbookPath, resultsPath, digest });
        logger.info({ tenant: name, runId, workbookPath }, 'report mail queued');
      },
    }),
    {
      connection: redisConnectionOptions(config.redis.url),
      prefix: config.redis.prefix,
      concurrency: config.worker.concurrency,
      // A killed worker stops renewing its job's lock; the stalled-job check then gives the job to another worker,
      // which resumes it from its checkpoint.
      lockDuration: config.worker.jobLockSeconds * 1000,
      stalledInterval: config.worker.jobLockSeconds * 1000,
      // Each recovery resumes from the checkpoint, so a crash costs about a page; a job whose workers keep dying
      // (e.g. killed for memory) still fails after as many crashes as it has attempts.
      maxStalledCount: config.worker.attempts,
      autorun: true,
      ...(options.name ? { name: options.name } : {}),
    },
  );
  worker.on('failed', (job, err) => {
    logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err }, 'scan job failed');
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  let closing: Promise<void> | undefined;
  const close = (graceMs: number): Promise<void> => {
    closing ??= (async () => {
      logger.info({ graceMs }, 'worker closing: no new jobs; waiting for running scans');
      const timer = setTimeout(() => shutdown.abort(new Error('worker shutdown')), graceMs);
      try {
        await worker.close();
      } finally {
        clearTimeout(timer);
        await deliveries.close().catch(() => undefined);
        await lockRedis.quit().catch(() => lockRedis.disconnect());
      }
      logger.info('worker closed');
    })();
    return closing;
  };
  return { worker, close, isClosing: () => closing !== undefined };
}
