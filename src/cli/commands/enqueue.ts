import { readFile } from 'node:fs/promises';
import type { Job } from 'bullmq';
import { findTenant } from '../../config/load-config';
import type { RunResults } from '../../controls/types';
import { newRunId } from '../../jobs/run-id';
import { SCAN_JOB_NAME, type ScanJobData, type ScanJobResult, type ScanProgress } from '../../jobs/scan-job';
import { scanJobOptions } from '../../worker/queue-options';
import { openReachableScanQueue, openScanQueueEvents } from '../../worker/scan-queue';
import { EXIT } from '../exit-codes';
import { loadCliConfig, type GlobalOptions } from '../load';
import { printRunSummary } from '../print-summary';
import { progressPrinter } from '../progress';

export interface EnqueueOptions extends GlobalOptions {
  tenant: string;
  wait?: boolean;
}

/** `crw enqueue --tenant NAME [--wait]`: queues a scan now; with --wait follows it to the report. */
export async function enqueueCommand(options: EnqueueOptions): Promise<number> {
  const config = loadCliConfig(options);
  const tenant = findTenant(config, options.tenant);
  const queue = await openReachableScanQueue(config);
  const events = options.wait ? openScanQueueEvents(config) : null;
  try {
    if (events) await events.waitUntilReady();
    const data: ScanJobData = { tenant: tenant.name, runId: newRunId(), trigger: 'manual' };
    const job = await queue.add(SCAN_JOB_NAME, data, scanJobOptions(config.worker));
    process.stdout.write(`queued scan of ${tenant.name}: job ${job.id}, run ${data.runId}\n`);
    if (!events) return EXIT.ok;

    const printer = progressPrinter(process.stdout);
    events.on('progress', ({ jobId, data: progress }) => {
      if (jobId === job.id) printer.update(progress as ScanProgress);
    });
    let result: ScanJobResult;
    try {
      result = (await waitForJob(job, events)) as ScanJobResult;
    } finally {
      printer.end();
    }
    const results = JSON.parse(await readFile(result.resultsPath, 'utf8')) as RunResults;
    printRunSummary(process.stdout, result, results);
    return EXIT.ok;
  } finally {
    if (events) await events.close();
    await queue.close();
  }
}

async function waitForJob(job: Job, events: Parameters<Job['waitUntilFinished']>[0]): Promise<unknown> {
  try {
    return await job.waitUntilFinished(events);
  } catch (err) {
    throw new Error(`scan job ${job.id} failed: ${(err as Error).message}`);
  }
}
