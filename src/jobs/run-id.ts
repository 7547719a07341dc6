import { createHash, randomBytes } from 'node:crypto';

/** A run id for an ad-hoc run (`crw scan --once`, `crw enqueue`). */
export function newRunId(): string {
  return randomBytes(6).toString('hex');
}

/** The same job always maps to the same run id, so a retried or resumed job writes into the same run. */
export function runIdForJob(jobId: string): string {
  return createHash('sha256').update(jobId).digest('hex').slice(0, 12);
}
