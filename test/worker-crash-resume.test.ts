// Acceptance (issue 5): a worker killed with SIGKILL during collection of a 20,000-user tenant loses its job to
// another worker through BullMQ's stalled-job check; that worker resumes from the checkpoint (the request counts
// show nothing started over) and the results equal an uninterrupted run's.
import { readFileSync } from 'node:fs';
import IORedis from 'ioredis';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { FaultRule } from '../sim';
import { expectedResults } from '../sim/tenant';
import { IMPLEMENTED_CONTROLS } from '../src/controls/catalogue';
import type { RunResults } from '../src/controls/types';
import { newRunId } from '../src/jobs/run-id';
import { SCAN_JOB_NAME, type ScanJobResult, type ScanProgress } from '../src/jobs/scan-job';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { REDIS_URL } from './helpers/redis-keys';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { readWorkbookRows } from './helpers/workbook-reader';
import { jobLogEntries, startWorkerProcess, type WorkerProcess } from './helpers/worker-process';

interface InventoryIds {
  users: unknown[];
  mailboxes: unknown[];
}

/** The object ids of the Users and Mailboxes sheets, in sheet order. */
function inventoryIds(workbookPath: string): InventoryIds {
  const { rows } = readWorkbookRows(workbookPath);
  const ids = (sheet: string) => {
    const [header = [], ...table] = rows[sheet] ?? [];
    const column = header.indexOf('Object id');
    return table.map((row) => row[column]);
  };
  return { users: ids('Users'), mailboxes: ids('Mailboxes') };
}

const USERS = 20_000;

/**
 * "slow" rules that also count requests: user pages (Graph), Exchange cmdlet calls, $batch envelopes (the
 * per-mailbox inbox rules). The interrupted run slows the first two so that a kill lands mid-collection.
 */
function countingRules(usersMs: number, exchangeMs: number): FaultRule[] {
  return [
    { fault: 'slow', target: 'graph', path: '^/v1\\.0/users$', latencyMs: usersMs },
    { fault: 'slow', target: 'exchange', path: '/InvokeCommand$', latencyMs: exchangeMs },
    { fault: 'slow', target: 'graph', path: '^/v1\\.0/\\$batch$', latencyMs: 0 },
  ];
}

interface Counts {
  userPages: number;
  exchangeCalls: number;
  batches: number;
}

function counts(ws: SimWorkspace): Counts {
  const [userPages, exchangeCalls, batches] = ws.sim.faults().map((rule) => rule.matched);
  return { userPages: userPages!, exchangeCalls: exchangeCalls!, batches: batches! };
}

/** Each control's status and its findings in a stable order: what "equal results" means. */
function comparable(results: RunResults) {
  return results.controls.map((control) => ({
    id: control.id,
    status: control.status,
    reason: control.reason,
    findings: control.findings
      .map((f) => `${f.assetType} ${f.assetId} ${f.severity ?? ''} ${f.detail}`)
      .sort(),
  }));
}

/** Resolves once the latest progress of each collector (users, mailboxes run side by side) satisfies `wanted`. */
function progressReached(
  events: QueueEvents,
  jobId: string,
  wanted: (pages: Record<string, number>) => boolean,
): Promise<void> {
  const pages: Record<string, number> = {};
  return new Promise((resolve) => {
    const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }) => {
      const progress = data as ScanProgress;
      if (id !== jobId || progress.collector === undefined) return;
      pages[progress.collector] = progress.pages ?? 0;
      if (!wanted(pages)) return;
      events.off('progress', onProgress);
      resolve();
    };
    events.on('progress', onProgress);
  });
}

async function kill(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

describe('a worker killed mid-scan: another one resumes from the checkpoint', () => {
  let ws: SimWorkspace;
  let queue: Queue;
  let events: QueueEvents;
  let uninterrupted: { results: RunResults; inventory: InventoryIds; counts: Counts };

  const enqueue = () => queue.add(SCAN_JOB_NAME, { tenant: 'contoso', runId: newRunId(), trigger: 'manual' });

  async function runToEnd(job: Job, worker: WorkerProcess) {
    try {
      const done = (await job.waitUntilFinished(events, 120_000)) as ScanJobResult;
      return {
        results: JSON.parse(readFileSync(done.resultsPath, 'utf8')) as RunResults,
        inventory: inventoryIds(done.workbookPath),
      };
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }

  beforeAll(async () => {
    ws = await openSimWorkspace(
      'crash',
      { tenants: [{ name: 'contoso', seed: 5, users: USERS, credential: 'certificate' }] },
      // A killed worker's job moves to another worker after 2-4 s instead of 30-60 s.
      { jobLockSeconds: 2 },
    );
    ws.rewriteConfig((document) => {
      for (const tenant of document.tenants) {
        tenant.controls = IMPLEMENTED_CONTROLS.map((control) => control.meta.id);
        const { breakGlass } = expectedResults(ws.sim.tenant(tenant.name)).assumptions;
        Object.assign(tenant, { settings: { breakGlass } });
      }
    });
    queue = openScanQueue(ws.config);
    events = openScanQueueEvents(ws.config);
    await events.waitUntilReady();

    ws.sim.setFaults(countingRules(0, 0));
    const { results, inventory } = await runToEnd(await enqueue(), startWorkerProcess(ws));
    uninterrupted = { results, inventory, counts: counts(ws) };
  }, 120_000);
  afterAll(async () => {
    await events.close();
    await queue.close();
    await ws.close();
  });

  it('killed twice mid-collection: a third worker finishes from the checkpoints, with equal results', async () => {
    // About 6 s of user pages and 6 s of mailbox pages, collected side by side: room to land two kills in each.
    ws.sim.setFaults(countingRules(150, 300));
    const job = await enqueue();

    const first = startWorkerProcess(ws);
    await progressReached(events, job.id!, (pages) => (pages.users ?? 0) >= 8 && (pages.mailboxes ?? 0) >= 1);
    await kill(first);

    const second = startWorkerProcess(ws);
    await progressReached(events, job.id!, (pages) => (pages.mailboxes ?? 0) >= 10);
    await kill(second);

    const third = startWorkerProcess(ws);
    const { results, inventory } = await runToEnd(job, third);

    expect(comparable(results)).toEqual(comparable(uninterrupted.results));
    // The inventory sheets, spooled page by page in the checkpoint, hold every user and mailbox exactly once.
    expect(inventory.users).toHaveLength(USERS);
    expect(new Set(inventory.users).size).toBe(USERS);
    expect(inventory).toEqual(uninterrupted.inventory);
    expect(results.summary).toEqual(uninterrupted.results.summary);
    expect(results.controls.reduce((n, c) => n + c.findings.length, 0)).toBeGreaterThan(100);

    // Each later worker said where it resumed, from the checkpoint the one before it left.
    const resumedAt = (worker: WorkerProcess, stream: string) =>
      jobLogEntries(worker, job.id).find((entry) => entry.msg === `resuming ${stream} from checkpoint`)
        ?.pages;
    expect(resumedAt(second, 'users')).toBeGreaterThanOrEqual(8);
    expect(resumedAt(second, 'mailboxes')).toBeGreaterThanOrEqual(1);
    expect(resumedAt(third, 'mailboxes')).toBeGreaterThanOrEqual(10);
    // The users were either done (not read again at all) or resumed further on.
    const thirdUsers = resumedAt(third, 'users');
    if (thirdUsers !== undefined)
      expect(thirdUsers).toBeGreaterThanOrEqual(resumedAt(second, 'users') as number);

    // Requests: the uninterrupted run's, plus at most the page in flight on each side at each kill (a restart
    // would add every page read before the kill: at least 8 user pages, 10 mailbox pages and their batches).
    const interrupted = counts(ws);
    const kills = 2;
    const batchesPerMailboxPage = 1000 / 20;
    expect(interrupted.userPages).toBeLessThanOrEqual(uninterrupted.counts.userPages + kills);
    expect(interrupted.exchangeCalls).toBeLessThanOrEqual(uninterrupted.counts.exchangeCalls + kills);
    expect(interrupted.batches).toBeLessThanOrEqual(
      uninterrupted.counts.batches + kills * batchesPerMailboxPage,
    );

    // A stalled job is no failed attempt; the checkpoint is gone once the report is written.
    const finished = (await queue.getJob(job.id!))!;
    expect(finished.failedReason ?? null).toBeNull();
    const redis = new IORedis(REDIS_URL);
    try {
      expect(await redis.keys(`${ws.prefix}:checkpoint:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 180_000);
});
