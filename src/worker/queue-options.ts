import type { JobsOptions } from 'bullmq';

export interface RetrySettings {
  attempts: number;
  backoffSeconds: number;
}

/** Options of every scan job: retried with exponential backoff, kept for a while for the dashboard. */
export function scanJobOptions(retry: RetrySettings): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffSeconds * 1000 },
    removeOnComplete: { age: 30 * 24 * 3600, count: 1000 },
    removeOnFail: { age: 90 * 24 * 3600 },
  };
}
