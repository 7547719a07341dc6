import { z } from 'zod';
import type { ReportDigest } from '../delivery/report-digest';

export const DELIVERY_QUEUE = 'deliveries';
export const DELIVERY_JOB_NAME = 'deliver';

/**
 * A delivery job's payload: where the run's report is and what its mail says (the digest), never a credential or
 * the report's bytes. One job per run: its id is deliveryJobId(tenant, runId), so queueing it twice is a no-op.
 */
export const deliveryJobDataSchema = z.object({
  tenant: z.string().min(1),
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  workbookPath: z.string().min(1),
  resultsPath: z.string().min(1),
  digest: z.custom<ReportDigest>(
    (value) => typeof value === 'object' && value !== null && 'controls' in value && 'runId' in value,
    { error: 'digest is not a report digest' },
  ),
});
export type DeliveryJobData = z.infer<typeof deliveryJobDataSchema>;

/** BullMQ custom ids may not contain ":"; tenant names and run ids are [A-Za-z0-9._-]. */
export function deliveryJobId(tenant: string, runId: string): string {
  return `deliver-${tenant}-${runId}`;
}

export interface DeliveryJobResult {
  status: 'sent' | 'already-sent' | 'not-configured';
  messageId?: string;
  transport?: string;
}
