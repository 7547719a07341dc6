import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import type { Config } from '../config/schema';
import { RedisSentMarkers } from '../delivery/sent-markers';
import { DELIVERY_QUEUE, type DeliveryJobResult } from '../jobs/delivery-job';
import { createDeliveryProcessor } from '../jobs/delivery-processor';
import { forgetMailCredential, mailTransports } from '../jobs/delivery-transports';
import type { ScanServices } from '../jobs/run-scan';
import type { Logger } from '../observability/logger';
import { redisConnectionOptions } from './redis';

export interface RunningDeliveryWorker {
  worker: Worker;
  /** Stops taking deliveries and waits for the ones being sent (a send is short; none is cut off). */
  close(): Promise<void>;
}

/**
 * The worker of queue "deliveries", beside the scan worker in the same process. A delivery that fails is retried
 * with its own attempts and backoff (delivery.attempts, delivery.backoffSeconds), never by rerunning the scan.
 */
export function startDeliveryWorker(
  config: Config,
  services: Pick<ScanServices, 'secrets' | 'http' | 'graph'>,
  baseLogger: Logger,
  options: { name?: string } = {},
): RunningDeliveryWorker {
  const logger = (options.name ? baseLogger.child({ worker: options.name }) : baseLogger).child({
    queue: DELIVERY_QUEUE,
  });
  // The SMTP sent markers live in Redis, so that a retry on any worker finds them.
  const markersRedis = new IORedis(redisConnectionOptions(config.redis.url));
  markersRedis.on('error', (err) => logger.error({ err }, 'delivery Redis connection error'));
  const markers = new RedisSentMarkers(markersRedis, config.redis.prefix);
  const worker = new Worker<unknown, DeliveryJobResult>(
    DELIVERY_QUEUE,
    createDeliveryProcessor({
      config,
      logger,
      transportFor: mailTransports(config, services, markers),
      forgetCredential: forgetMailCredential(config, services),
    }),
    {
      connection: redisConnectionOptions(config.redis.url),
      prefix: config.redis.prefix,
      concurrency: config.worker.concurrency,
      // As for scans: a killed worker's delivery moves to another worker once its lock lapses; that worker asks
      // the transport first whether the message already went out.
      lockDuration: config.worker.jobLockSeconds * 1000,
      stalledInterval: config.worker.jobLockSeconds * 1000,
      maxStalledCount: config.delivery.attempts,
      autorun: true,
      ...(options.name ? { name: options.name } : {}),
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'delivery worker error'));
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await worker.close();
      } finally {
        await markersRedis.quit().catch(() => markersRedis.disconnect());
      }
    })();
    return closing;
  };
  return { worker, close };
}
