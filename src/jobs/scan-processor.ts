import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { ScanCheckpoint } from '../checkpoints/scan-checkpoint';
import type { Config, TenantConfig } from '../config/schema';
import type { Logger } from '../observability/logger';
import { recordScanCompleted, recordScanEnded } from '../observability/metrics';
import { runIdForJob } from './run-id';
import { runScan, type ScanServices, type WrittenReport } from './run-scan';
import { scanJobDataSchema, type ScanJobData, type ScanJobResult, type ScanProgress } from './scan-job';

export interface ScanProcessorDeps {
  config: Config;
  services: ScanServices;
  logger: Logger;
  /** Aborted when the worker must hand running jobs back (shutdown grace period over). */
  shutdownSignal: AbortSignal;
  /** True once the worker is closing: a job BullMQ hands over after that goes straight back to the queue. */
  isClosing?: () => boolean;
  /** One scan per tenant at a time across all workers (worker/tenant-lock.ts). */
  tenantLocks: TenantLocks;
  /** How long a job waits in "delayed" when its tenant is being scanned by another job. */
  tenantBusyDelayMs: number;
  /** The checkpoint of a run: every attempt of one job (retry, stalled-job recovery) gets the same one. */
  checkpoints?: (tenant: string, runId: string) => ScanCheckpoint;
  /** Queues the mail of a complete report (tenants with `mail` configured); idempotent per run. */
  onReportWritten?: (tenant: TenantConfig, report: WrittenReport) => Promise<void>;
}

export type TenantLockAttempt =
  | {
      acquired: true;
      /** Stops renewal and frees the lock; later calls do nothing. */ release: () => Promise<void>;
    }
  | { acquired: false; holder: string };

export interface TenantLocks {
  /** Takes the tenant's lock for `owner` (a job id; the same id may re-take its own lock) or names its holder. */
  acquire(tenant: string, owner: string): Promise<TenantLockAttempt>;
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
    if (deps.isClosing?.() === true && token) {
      // BullMQ may deliver a job that was already being fetched when close() began: a closing worker takes no
      // new scan, so it goes back at once, without spending an attempt.
      logger.info('worker closing: job returned to the queue unstarted');
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    // Job ids are unique per queue, so they identify the owner across retries and stalled-job recovery.
    const lock = await deps.tenantLocks.acquire(tenant.name, job.id ?? job.name);
    if (!lock.acquired) {
      if (!token) throw new Error(`job ${job.id}: tenant ${tenant.name} is busy (job ${lock.holder})`);
      // Defer without spending an attempt: the job comes back once the other scan had time to finish.
      logger.info(
        { holder: lock.holder, retryInMs: deps.tenantBusyDelayMs },
        `tenant busy: job ${lock.holder} is scanning ${tenant.name}; scan deferred`,
      );
      await job.moveToDelayed(Date.now() + deps.tenantBusyDelayMs, token);
      throw new DelayedError();
    }
    try {
      return await runLockedScan(deps, job, token, {
        tenant,
        runId,
        data,
        logger,
        releaseLock: lock.release,
      });
    } finally {
      await lock.release().catch((err: unknown) => logger.warn({ err }, 'tenant lock release failed'));
    }
  };
}

/** The scan itself, run while this job holds the tenant's lock. */
async function runLockedScan(
  deps: ScanProcessorDeps,
  job: Job,
  token: string | undefined,
  scan: {
    tenant: TenantConfig;
    runId: string;
    data: ScanJobData;
    logger: Logger;
    releaseLock: () => Promise<void>;
  },
): Promise<ScanJobResult> {
  const { tenant, runId, data, logger, releaseLock } = scan;
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
      ...(deps.checkpoints ? { checkpoint: deps.checkpoints(tenant.name, runId) } : {}),
      ...(deps.onReportWritten
        ? { onReportWritten: (report: WrittenReport) => deps.onReportWritten!(tenant, report) }
        : {}),
    });
    logger.info({ summary: result.summary }, 'scan finished');
    recordScanCompleted(tenant.name, (performance.now() - startedAt) / 1000, result.controls);
    return result;
  } catch (err) {
    if (deps.shutdownSignal.aborted && token) {
      // Hand the job back without spending an attempt: the next worker runs it again.
      logger.warn('worker shutting down: returning the running scan to the queue');
      // Free the tenant first: the next worker may take this job (same owner id) as soon as it is moved.
      await releaseLock();
      await job.moveToDelayed(Date.now(), token);
      recordScanEnded(tenant.name, 'handed_back');
      throw new DelayedError();
    }
    logger.error({ err }, 'scan failed');
    recordScanEnded(tenant.name, 'failed');
    throw err;
  }
}
