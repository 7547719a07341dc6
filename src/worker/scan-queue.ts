import { Queue, QueueEvents } from 'bullmq';
import type { Config } from '../config/schema';
import { SCAN_QUEUE } from '../jobs/scan-job';
import { pingRedis, redisConnectionOptions } from './redis';

/** A queue of this service (its Redis and key prefix) for producers; close it when done. */
export function openQueue(config: Config, name: string): Queue {
  return new Queue(name, {
    connection: redisConnectionOptions(config.redis.url),
    prefix: config.redis.prefix,
  });
}

export function openQueueEvents(config: Config, name: string): QueueEvents {
  return new QueueEvents(name, {
    connection: redisConnectionOptions(config.redis.url),
    prefix: config.redis.prefix,
  });
}

/** The "scans" queue for producers (CLI, schedules); close it when done. */
export function openScanQueue(config: Config): Queue {
  return openQueue(config, SCAN_QUEUE);
}

export function openScanQueueEvents(config: Config): QueueEvents {
  return openQueueEvents(config, SCAN_QUEUE);
}

/** The scan queue for a CLI command, once Redis answers: a BullMQ queue would retry an unreachable Redis forever. */
export async function openReachableScanQueue(config: Config): Promise<Queue> {
  if (!(await pingRedis(config.redis.url))) {
    throw new Error(`no Redis answers at ${new URL(config.redis.url).host} (redis.url or env CRW_REDIS_URL)`);
  }
  return openScanQueue(config);
}
