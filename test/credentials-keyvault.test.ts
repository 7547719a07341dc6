// Acceptance (issue 4, part 3): Key Vault down at job start. The job retries the read with backoff (1, 2, 4, 8,
// 16 s; Retry-After when sent) and succeeds once the vault is back; with the vault down for good, the job fails
// with a message naming vault and item after its attempts, and no report of that run exists. Refusals (disabled
// item, unknown item) fail without retrying. Delays are recorded by an injected sleep, never waited for.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { Config } from '../src/config/schema';
import { newRunId } from '../src/jobs/run-id';
import { SCAN_JOB_NAME, type ScanJobResult } from '../src/jobs/scan-job';
import { createScanServices } from '../src/jobs/scan-services';
import type { ScanServices } from '../src/jobs/run-scan';
import { scanJobOptions } from '../src/worker/queue-options';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker, type RunningScanWorker } from '../src/worker/scan-worker';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

const ITEM = 'crw-contoso-secret';

describe('Key Vault outages at job start against sim/', () => {
  let ws: SimWorkspace;
  let config: Config;
  let services: ScanServices;
  let worker: RunningScanWorker;
  let queue: ReturnType<typeof openScanQueue>;
  let events: ReturnType<typeof openScanQueueEvents>;
  const sleeps: number[] = [];

  beforeAll(async () => {
    ws = await openSimWorkspace('cred-kv', {
      tenants: [{ name: 'contoso', seed: 1, users: 30, credential: 'secret' }],
    });
    // Two attempts per job, the second at once (BullMQ's backoff is not what is under test).
    config = ws.rewriteConfig((doc) => {
      doc.worker.attempts = 2;
      doc.worker.backoffSeconds = 0;
    });
    services = createScanServices(config, process.env, {
      keyVaultSleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    worker = startScanWorker(config, services, ws.logger);
    queue = openScanQueue(config);
    events = openScanQueueEvents(config);
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await worker.close(5000);
    services.http.close();
    await events.close();
    await queue.close();
    await ws.close();
  });
  beforeEach(() => {
    sleeps.length = 0;
    ws.sim.clearFaults();
    services.secrets.invalidate('contoso'); // every job starts with a Key Vault read
  });

  async function runJob(): Promise<{ job: Job; result?: ScanJobResult; error?: Error; runId: string }> {
    const runId = newRunId();
    const job = await queue.add(
      SCAN_JOB_NAME,
      { tenant: 'contoso', runId, trigger: 'manual' },
      scanJobOptions(config.worker),
    );
    let outcome: { result: ScanJobResult } | { error: Error };
    try {
      outcome = { result: (await job.waitUntilFinished(events, 60_000)) as ScanJobResult };
    } catch (error) {
      outcome = { error: error as Error };
    }
    return { job: (await queue.getJob(job.id!))!, runId, ...outcome };
  }

  /** The run folders of `runId` (none when nothing was written). */
  const reportsOf = (runId: string) => {
    const tenantDir = path.join(config.reports.dir, 'contoso');
    return existsSync(tenantDir) ? readdirSync(tenantDir).filter((name) => name.endsWith(runId)) : [];
  };

  it('503s at job start: retried with backoff inside the job, which then succeeds', async () => {
    ws.sim.addFault({ fault: 'http-503', target: 'keyvault', times: 3 });
    const { job, result, runId } = await runJob();
    expect(result?.summary.error).toBe(0);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(job.attemptsMade).toBe(1); // the first attempt succeeded
    expect(reportsOf(runId)).toHaveLength(1);
    expect(ws.sim.stats().faultsFired['http-503']).toBe(3);
  });

  it('dropped connections and Retry-After are handled the same way', async () => {
    ws.sim.addFault({ fault: 'drop-connection', target: 'keyvault', times: 1 });
    ws.sim.addFault({ fault: 'http-503', target: 'keyvault', times: 1, retryAfterSeconds: 7 });
    const { result } = await runJob();
    expect(result?.summary.error).toBe(0);
    expect(sleeps.sort((a, b) => a - b)).toEqual([1000, 7000]);
  });

  it('down during the first attempt only: the job fails once, and BullMQ’s retry succeeds', async () => {
    ws.sim.addFault({ fault: 'http-503', target: 'keyvault', times: 6 }); // 1 try + 5 retries
    const { job, result } = await runJob();
    expect(result?.summary.error).toBe(0);
    expect(job.attemptsMade).toBe(2); // the first failed, the second succeeded
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('down for good: the job fails after its attempts naming vault and item, and writes no report', async () => {
    ws.sim.addFault({ fault: 'http-503', target: 'keyvault' });
    const { job, error, runId } = await runJob();
    expect(error).toBeDefined();
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toBe(
      `tenant "contoso": cannot read Key Vault item "${ITEM}" from ${config.keyVault.url}: Key Vault answered 503 ` +
        'ServiceUnavailable: The service is temporarily unavailable. (gave up after 6 tries; the job fails and ' +
        'the queue retries it if attempts remain)',
    );
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 1000, 2000, 4000, 8000, 16000]);
    expect(reportsOf(runId)).toEqual([]);
  });

  it('a disabled item fails at once, without retries', async () => {
    ws.sim.setKeyVaultItemEnabled(ITEM, false);
    try {
      const { job, runId } = await runJob();
      expect(job.failedReason).toBe(
        `tenant "contoso": cannot read Key Vault item "${ITEM}" from ${config.keyVault.url}: the item is disabled ` +
          '(403 SecretDisabled); enable it or point the tenant at another item',
      );
      expect(sleeps).toEqual([]);
      expect(reportsOf(runId)).toEqual([]);
    } finally {
      ws.sim.setKeyVaultItemEnabled(ITEM, true);
    }
  });
});
