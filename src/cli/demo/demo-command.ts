import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/load-config';
import type { RunResults } from '../../controls/types';
import { newRunId } from '../../jobs/run-id';
import { createScanServices } from '../../jobs/scan-services';
import { SCAN_JOB_NAME, type ScanJobData, type ScanJobResult, type ScanProgress } from '../../jobs/scan-job';
import { createLogger } from '../../observability/logger';
import { scanJobOptions } from '../../worker/queue-options';
import { openScanQueue, openScanQueueEvents } from '../../worker/scan-queue';
import { startScanWorker } from '../../worker/scan-worker';
import { startDeliveryWorker } from '../../worker/delivery-worker';
import { openDeliveryQueue, openDeliveryQueueEvents } from '../../worker/delivery-queue';
import { deliveryJobId, type DeliveryJobResult } from '../../jobs/delivery-job';
import { GRAPH_MAIL_PERMISSIONS } from '../../delivery/graph-mail-transport';
import type { Config } from '../../config/schema';
import { Job } from 'bullmq';
import https from 'node:https';
import { DEFAULT_REDIS_URL } from '../../config/schema';
import { EXIT } from '../exit-codes';
import { printRunSummary } from '../print-summary';
import { progressPrinter } from '../progress';
import { startChild, stopChild, waitForJsonFile } from './child-process';
import { demoConfigYaml, type SimReadyFile } from './demo-config';
import { ensureDemoRedis } from './local-redis';

export interface DemoOptions {
  users: string;
  seed: string;
  dir: string;
}

/**
 * `crw demo`: sim/ as the Microsoft cloud, Redis (local or private), one worker, one queued scan of the demo
 * tenant; prints the report paths and a summary. Everything it starts, it stops.
 */
export async function demoCommand(options: DemoOptions): Promise<number> {
  const workDir = path.resolve(options.dir);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const logFile = path.join(workDir, 'demo.log');
  const logFd = openSync(logFile, 'a');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    say(`demo: starting the simulated Microsoft cloud (sim/, ${options.users} users, seed ${options.seed})`);
    const readyFile = path.join(workDir, 'sim-ready.json');
    const simMain = path.resolve(__dirname, '../../../sim/main.js');
    const sim = startChild(
      process.execPath,
      [
        simMain,
        '--port',
        '0',
        '--users',
        options.users,
        '--seed',
        options.seed,
        '--ready-file',
        readyFile,
        '--tenant',
        'contoso',
        '--credential',
        'certificate',
        // The scanning app also mails the report (sendMail; drafts for large files; the Sent Items check).
        '--grant',
        GRAPH_MAIL_PERMISSIONS.join(','),
      ],
      logFd,
    );
    cleanups.push(() => stopChild(sim));
    const ready = await waitForJsonFile<SimReadyFile>(readyFile, sim, 30_000, 'sim/');

    const redis = await ensureDemoRedis(process.env.CRW_REDIS_URL ?? DEFAULT_REDIS_URL, logFd);
    cleanups.push(() => redis.stop());
    say(`demo: Redis at ${redis.url}`);

    const configFile = path.join(workDir, 'crw.demo.yaml');
    writeFileSync(configFile, demoConfigYaml(ready, redis.url, path.resolve('reports')));
    // Only the environment names the configuration keys; the demo's own env must not override them.
    const config = loadConfig({ path: configFile, env: {} });

    // The worker's managed identity, as App Service provides it: the endpoint comes from the platform.
    process.env.IDENTITY_ENDPOINT = ready.managedIdentity.endpoint;
    process.env.IDENTITY_HEADER = ready.managedIdentity.header;

    const logger = createLogger({ level: 'info', name: 'crw-demo' }, openDestination(logFd));
    // The simulated tenant's dates are relative to its reference time: judge staleness from that "now".
    const referenceTime = ready.referenceTime;
    const services = createScanServices(
      config,
      process.env,
      referenceTime ? { now: () => new Date(referenceTime) } : {},
    );
    const worker = startScanWorker(config, services, logger);
    const deliveryWorker = startDeliveryWorker(config, services, logger);
    cleanups.push(async () => {
      await Promise.all([worker.close(5000), deliveryWorker.close()]);
      services.http.close();
    });
    say(`demo: worker started (logs: ${logFile})`);

    const queue = openScanQueue(config);
    const events = openScanQueueEvents(config);
    cleanups.push(async () => {
      await events.close();
      await queue.close();
    });
    await events.waitUntilReady();
    const tenant = config.tenants[0]!;
    const data: ScanJobData = { tenant: tenant.name, runId: newRunId(), trigger: 'manual' };
    const job = await queue.add(SCAN_JOB_NAME, data, scanJobOptions(config.worker));
    say(`demo: queued a scan of tenant "${tenant.name}" (job ${job.id})`);
    const printer = progressPrinter(process.stdout);
    events.on('progress', ({ jobId, data: progress }) => {
      if (jobId === job.id) printer.update(progress as ScanProgress);
    });
    let result: ScanJobResult;
    try {
      result = (await job.waitUntilFinished(events, 120_000)) as ScanJobResult;
    } finally {
      printer.end();
    }
    const results = JSON.parse(await readFile(result.resultsPath, 'utf8')) as RunResults;
    say('');
    printRunSummary(process.stdout, result, results);
    if (tenant.mail !== undefined && ready.controlUrl !== undefined) {
      await showDeliveredMail(config, tenant.name, result.runId, ready.controlUrl, ready.caFile, say);
    }
    return EXIT.ok;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    closeSync(logFd);
  }
}

/** Waits for the run's delivery job, then prints the message the sim's Graph received (subject, attachments). */
async function showDeliveredMail(
  config: Config,
  tenant: string,
  runId: string,
  controlUrl: string,
  caFile: string,
  say: (line: string) => void,
): Promise<void> {
  const queue = openDeliveryQueue(config);
  const events = openDeliveryQueueEvents(config);
  try {
    await events.waitUntilReady();
    const job = await Job.fromId(queue, deliveryJobId(tenant, runId));
    if (!job) throw new Error(`no delivery job for run ${runId}`);
    const delivered = (await job.waitUntilFinished(events, 60_000)) as DeliveryJobResult;
    const messages = await simMail(controlUrl, await readFile(caFile, 'utf8'));
    const message = messages.find((m) => m.internetMessageId === delivered.messageId);
    say('');
    say(`Mail (${delivered.status} through ${delivered.transport ?? 'graph'}; the sim kept it):`);
    if (!message) return say('  (not found in the sim: see the demo log)');
    say(`  from:        ${message.sender.address}`);
    say(`  to:          ${message.toRecipients.map((r) => r.address).join(', ')}`);
    say(`  subject:     ${message.subject}`);
    for (const a of message.attachments) say(`  attachment:  ${a.name} (${a.size} bytes)`);
    say(`  Message-ID:  ${message.internetMessageId}`);
  } finally {
    await events.close();
    await queue.close();
  }
}

interface SimSentMail {
  internetMessageId: string;
  subject: string;
  sender: { address: string };
  toRecipients: Array<{ address: string }>;
  attachments: Array<{ name: string; size: number }>;
}

function simMail(controlUrl: string, ca: string): Promise<SimSentMail[]> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${controlUrl}/mail`, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(
            (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: SimSentMail[] }).messages,
          );
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
  });
}

function openDestination(fd: number) {
  return { write: (line: string) => writeFileSync(fd, line) };
}
