import { Queue, QueueEvents } from 'bullmq';
import type { Config } from '../config/schema';
import { SCAN_QUEUE } from '../jobs/scan-job';
import { redisConnectionOptions } from './redis';

/** The "scans" queue for producers (CLI, schedules); close it when done. */
export function openScanQueue(config: Config): Queue {
  return new Queue(SCAN_QUEUE, {
    connection: redisConnectionOptions(config.redis.url),
    prefix: config.redis.prefix,
  });
}

export function openScanQueueEvents(config: Config): QueueEvents {
  return new QueueEvents(SCAN_QUEUE, {
    connection: redisConnectionOptions(config.redis.url),
    prefix: config.redis.prefix,
  });
}
