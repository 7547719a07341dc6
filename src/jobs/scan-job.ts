import { z } from 'zod';
import type { ControlStatus, ResultsSummary } from '../controls/types';

export const SCAN_QUEUE = 'scans';
export const SCAN_JOB_NAME = 'scan';

/** A scan job's payload in Redis: tenant names and references only, never a credential. */
export const scanJobDataSchema = z.object({
  tenant: z.string().min(1),
  /** Fixed by `crw enqueue`; scheduled jobs derive theirs from the job id so that retries reuse it. */
  runId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  trigger: z.enum(['manual', 'schedule']),
  schedule: z.string().optional(),
});
export type ScanJobData = z.infer<typeof scanJobDataSchema>;

export interface ScanJobResult {
  tenant: string;
  runId: string;
  workbookPath: string;
  resultsPath: string;
  summary: ResultsSummary;
  /** Each control's status and finding count (for metrics; the findings themselves are in results.json). */
  controls: Array<{ id: string; status: ControlStatus; findings: number }>;
}

export type ScanPhase = 'credentials' | 'collect' | 'evaluate' | 'report' | 'done';

/** Reported through job.updateProgress and printed by `crw enqueue --wait`. */
export interface ScanProgress {
  phase: ScanPhase;
  collector?: string;
  pages?: number;
  items?: number;
}
