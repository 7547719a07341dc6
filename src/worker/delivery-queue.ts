import type { JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Config } from '../config/schema';
import { DELIVERY_JOB_NAME, DELIVERY_QUEUE, deliveryJobId, type DeliveryJobData } from '../jobs/delivery-job';
import { openQueue, openQueueEvents } from './scan-queue';

/** The "deliveries" queue for producers (the scan worker); close it when done. */
export function openDeliveryQueue(config: Config): Queue {
  return openQueue(config, DELIVERY_QUEUE);
}

export function openDeliveryQueueEvents(config: Config): QueueEvents {
  return openQueueEvents(config, DELIVERY_QUEUE);
}

/**
 * Deliveries retry on their own (a mail outage never reruns a scan), with exponential backoff. Completed jobs are
 * kept for 30 days: their id is what makes queueing the same run's delivery again a no-op.
 */
export function deliveryJobOptions(
  config: Config,
  data: Pick<DeliveryJobData, 'tenant' | 'runId'>,
): JobsOptions {
  return {
    jobId: deliveryJobId(data.tenant, data.runId),
    attempts: config.delivery.attempts,
    backoff: { type: 'exponential', delay: config.delivery.backoffSeconds * 1000 },
    removeOnComplete: { age: 30 * 24 * 3600 },
    removeOnFail: { age: 90 * 24 * 3600 },
  };
}

/** Queues the mail of one run (once: the job id is the run's). */
export async function enqueueDelivery(queue: Queue, config: Config, data: DeliveryJobData): Promise<void> {
  await queue.add(DELIVERY_JOB_NAME, data, deliveryJobOptions(config, data));
}
