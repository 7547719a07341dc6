import { createScanServices } from '../../jobs/scan-services';
import { SCAN_QUEUE } from '../../jobs/scan-job';
import { startWorkerHttpServer, type WorkerHttpServer } from '../../worker/http-server';
import { startScanWorker } from '../../worker/scan-worker';
import { startDeliveryWorker } from '../../worker/delivery-worker';
import { DELIVERY_QUEUE } from '../../jobs/delivery-job';
import { cliLogger, loadCliConfig, type GlobalOptions } from '../load';
import { EXIT } from '../exit-codes';

/** `crw worker`: runs scans and report deliveries from their queues until SIGTERM/SIGINT, then shuts down gracefully. */
export async function workerCommand(options: GlobalOptions): Promise<number> {
  const config = loadCliConfig(options);
  const logger = cliLogger(config, 'crw-worker');
  const services = createScanServices(config);
  const running = startScanWorker(config, services, logger);
  const deliveries = startDeliveryWorker(config, services, logger);
  let httpServer: WorkerHttpServer | undefined;
  if (config.worker.httpPort !== 0) {
    try {
      httpServer = await startWorkerHttpServer(config, running, logger);
    } catch (err) {
      // A worker nobody can scrape or probe is not deployed as intended: stop, handing back any job taken.
      await running.close(0);
      await deliveries.close();
      services.http.close();
      throw err;
    }
    logger.info({ url: httpServer.url }, 'serving /metrics, /healthz and /readyz');
  }
  logger.info(
    {
      queues: [SCAN_QUEUE, DELIVERY_QUEUE],
      prefix: config.redis.prefix,
      concurrency: config.worker.concurrency,
    },
    'worker started',
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutdown requested');
  // A second signal means "now": leave at once; BullMQ's stalled-job check returns the jobs to the queue.
  const forceExit = () => {
    logger.warn('second signal: exiting without waiting');
    process.exit(EXIT.runtime);
  };
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  await Promise.all([running.close(config.worker.shutdownGraceSeconds * 1000), deliveries.close()]);
  // After the worker: /metrics and /readyz (503 while closing) stay up until the running scans are done.
  await httpServer?.close();
  services.http.close();
  return EXIT.ok;
}
