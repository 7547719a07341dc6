import { Worker } from 'bullmq';
import type { Config } from '../config/schema';
import { createScanProcessor } from '../jobs/scan-processor';
import type { ScanServices } from '../jobs/run-scan';
import { SCAN_QUEUE, type ScanJobResult } from '../jobs/scan-job';
import type { Logger } from '../observability/logger';
import { redisConnectionOptions } from './redis';

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

export function startScanWorker(config: Config, services: ScanServices, logger: Logger): RunningScanWorker {
  const shutdown = new AbortController();
  const worker = new Worker<unknown, ScanJobResult>(
    SCAN_QUEUE,
    createScanProcessor({ config, services, logger, shutdownSignal: shutdown.signal }),
    {
      connection: redisConnectionOptions(config.redis.url),
      prefix: config.redis.prefix,
      concurrency: config.worker.concurrency,
      autorun: true,
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
      }
      logger.info('worker closed');
    })();
    return closing;
  };
  return { worker, close, isClosing: () => closing !== undefined };
}
