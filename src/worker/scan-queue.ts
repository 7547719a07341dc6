import { Queue, QueueEvents } from 'bullmq';
import type { Config } from '../config/schema';
import { SCAN_QUEUE } from '../jobs/scan-job';
import { createRedisConnection } from './redis';

/** The "scans" queue for producers (CLI, schedules); close it when done. */
export function openScanQueue(config: Config): Queue {
  return new Queue(SCAN_QUEUE, {
    connection: createRedisConnection(config.redis.url),
    prefix: config.redis.prefix,
  });
}

export function openScanQueueEvents(config: Config): QueueEvents {
  return new QueueEvents(SCAN_QUEUE, {
    connection: createRedisConnection(config.redis.url),
    prefix: config.redis.prefix,
  });
}

/** Closes a queue (or queue events) together with the connection it was given. */
export async function closeWithConnection(client: Queue | QueueEvents): Promise<void> {
  const connection = await client.client;
  await client.close();
  connection.disconnect();
}
