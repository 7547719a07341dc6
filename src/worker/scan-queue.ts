import { Queue, QueueEvents } from 'bullmq';
import type { Config } from '../config/schema';
import { SCAN_QUEUE } from '../jobs/scan-job';
import { pingRedis, redisConnectionOptions } from './redis';

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

/** The scan queue for a CLI command, once Redis answers: a BullMQ queue would retry an unreachable Redis forever. */
export async function openReachableScanQueue(config: Config): Promise<Queue> {
  if (!(await pingRedis(config.redis.url))) {
    throw new Error(`no Redis answers at ${new URL(config.redis.url).host} (redis.url or env CRW_REDIS_URL)`);
  }
  return openScanQueue(config);
}
