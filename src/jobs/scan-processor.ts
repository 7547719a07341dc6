import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '../config/schema';
import type { Logger } from '../observability/logger';
import { recordScanCompleted, recordScanEnded } from '../observability/metrics';
import { runIdForJob } from './run-id';
import { runScan, type ScanServices } from './run-scan';
import { scanJobDataSchema, type ScanJobResult, type ScanProgress } from './scan-job';

export interface ScanProcessorDeps {
  config: Config;
  services: ScanServices;
  logger: Logger;
  /** Aborted when the worker must hand running jobs back (shutdown grace period over). */
  shutdownSignal: AbortSignal;
}

/** Metrics label of jobs naming no configured tenant: tenant names cannot contain parentheses, so no clash. */
const UNKNOWN_TENANT = '(unconfigured)';

/** The BullMQ processor of queue "scans". */
export function createScanProcessor(deps: ScanProcessorDeps) {
  return async (job: Job, token?: string): Promise<ScanJobResult> => {
    const parsed = scanJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      recordScanEnded(UNKNOWN_TENANT, 'failed');
      throw new UnrecoverableError(
        `job ${job.id}: invalid payload: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    const data = parsed.data;
    const tenant = deps.config.tenants.find((t) => t.name === data.tenant);
    if (!tenant) {
      // Retrying cannot help: the tenant was removed from the configuration after the job was queued.
      recordScanEnded(UNKNOWN_TENANT, 'failed');
      throw new UnrecoverableError(`job ${job.id}: tenant "${data.tenant}" is not in the configuration`);
    }
    const runId = data.runId ?? runIdForJob(job.id ?? job.name);
    const logger = deps.logger.child({ tenant: tenant.name, runId, jobId: job.id });
    logger.info(
      { trigger: data.trigger, schedule: data.schedule, attempt: job.attemptsMade + 1 },
      'scan started',
    );

    let lastProgress = 0;
    const onProgress = (progress: ScanProgress) => {
      // Throttle Redis writes: phase changes always, counts at most every 250 ms.
      const now = Date.now();
      if (progress.collector && now - lastProgress < 250) return;
      lastProgress = now;
      job
        .updateProgress({ ...progress })
        .catch((err: unknown) => logger.warn({ err }, 'progress update failed'));
    };
    const startedAt = performance.now();
    try {
      const result = await runScan(deps.services, {
        tenant,
        runId,
        logger,
        signal: deps.shutdownSignal,
        onProgress,
      });
      logger.info({ summary: result.summary }, 'scan finished');
      recordScanCompleted(tenant.name, (performance.now() - startedAt) / 1000, result.controls);
      return result;
    } catch (err) {
      if (deps.shutdownSignal.aborted && token) {
        // Hand the job back without spending an attempt: the next worker runs it again.
        logger.warn('worker shutting down: returning the running scan to the queue');
        await job.moveToDelayed(Date.now(), token);
        recordScanEnded(tenant.name, 'handed_back');
        throw new DelayedError();
      }
      logger.error({ err }, 'scan failed');
      recordScanEnded(tenant.name, 'failed');
      throw err;
    }
  };
}
