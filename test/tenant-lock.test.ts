// Acceptance (issue 5): one scan per tenant at a time, even with several workers; two workers on one Redis share
// the jobs of many tenants.
import { Writable } from 'node:stream';
import IORedis from 'ioredis';
import type { Job } from 'bullmq';
import { newRunId } from '../src/jobs/run-id';
import { createScanServices } from '../src/jobs/scan-services';
import { SCAN_JOB_NAME } from '../src/jobs/scan-job';
import { createLogger } from '../src/observability/logger';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker } from '../src/worker/scan-worker';
import { RedisTenantLocks } from '../src/worker/tenant-lock';
import { deleteKeys, REDIS_URL, uniquePrefix } from './helpers/redis-keys';
import { openSimWorkspace } from './helpers/sim-workspace';

const until = async (check: () => Promise<boolean>): Promise<void> => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
};

describe('RedisTenantLocks', () => {
  const prefix = uniquePrefix('lock-unit');
  let redis: IORedis;
  const logLines: string[] = [];
  const logger = createLogger(
    { level: 'debug', name: 'lock-unit' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const locks = (ttlMs: number) => new RedisTenantLocks(redis, prefix, ttlMs, logger);

  beforeAll(() => {
    redis = new IORedis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('takes a free lock under the BullMQ prefix with the job id as value, and refuses another owner', async () => {
    const l = locks(10_000);
    const held = await l.acquire('alpha', 'job-1');
    expect(held.acquired).toBe(true);
    expect(l.key('alpha')).toBe(`${prefix}:scans:tenant-lock:alpha`);
    expect(await redis.get(l.key('alpha'))).toBe('job-1');
    expect(await l.acquire('alpha', 'job-2')).toEqual({ acquired: false, holder: 'job-1' });
    // Another tenant is independent.
    const other = await l.acquire('bravo', 'job-2');
    expect(other.acquired).toBe(true);
    if (held.acquired) await held.release();
    if (other.acquired) await other.release();
    expect(await redis.exists(l.key('alpha'), l.key('bravo'))).toBe(0);
  });

  it('lets the same job re-take its own lock (retry, stalled-job recovery)', async () => {
    const l = locks(10_000);
    const first = await l.acquire('alpha', 'job-1');
    const again = await l.acquire('alpha', 'job-1');
    expect(first.acquired && again.acquired).toBe(true);
    if (again.acquired) await again.release();
    if (first.acquired) await first.release(); // once released, a second handle finds nothing of its own
    expect(await redis.exists(l.key('alpha'))).toBe(0);
  });

  it('renews and releases only for the owner', async () => {
    const l = locks(10_000);
    await redis.set(l.key('alpha'), 'job-1', 'PX', 1_000);
    expect(await l.renew('alpha', 'job-2')).toBe(false);
    expect(await redis.pttl(l.key('alpha'))).toBeLessThanOrEqual(1_000);
    expect(await l.renew('alpha', 'job-1')).toBe(true);
    expect(await redis.pttl(l.key('alpha'))).toBeGreaterThan(1_000);
    expect(await l.release('alpha', 'job-2')).toBe(false);
    expect(await redis.get(l.key('alpha'))).toBe('job-1');
    expect(await l.release('alpha', 'job-1')).toBe(true);
    expect(await redis.exists(l.key('alpha'))).toBe(0);
  });

  it('a held lock is renewed while its owner runs; a dead owner’s lock expires and frees the tenant', async () => {
    const l = locks(300);
    const held = await l.acquire('alpha', 'job-1');
    // Renewal every 100 ms keeps it alive through several TTLs.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(await redis.get(l.key('alpha'))).toBe('job-1');
    }
    if (held.acquired) await held.release();

    // A "dead" owner: taken, never renewed, never released.
    await redis.set(l.key('charlie'), 'job-9', 'PX', 200);
    expect((await l.acquire('charlie', 'job-10')).acquired).toBe(false);
    await until(async () => (await redis.exists(l.key('charlie'))) === 0);
    const next = await l.acquire('charlie', 'job-10');
    expect(next.acquired).toBe(true);
    if (next.acquired) await next.release();
  });
});

describe('two workers, many tenants', () => {
  const TENANTS = ['alpha', 'bravo', 'charlie'];

  it('runs every job, both workers take part, scans of one tenant never overlap, locks are gone', async () => {
    // Every Graph answer takes 40 ms, so scans last long enough to overlap.
    const ws = await openSimWorkspace('tenant-lock', {
      tenants: TENANTS.map((name, i) => ({
        name,
        seed: i + 1,
        users: 40,
        credential: 'certificate' as const,
      })),
      graphLatencyMs: 40,
    });
    const services = createScanServices(ws.config);
    const options = { tenantBusyDelayMs: 200, tenantLockTtlMs: 5_000 };
    const workers = ['w1', 'w2'].map((name) =>
      startScanWorker(ws.config, services, ws.logger, { ...options, name }),
    );
    const queue = openScanQueue(ws.config);
    const events = openScanQueueEvents(ws.config);
    const redis = new IORedis(REDIS_URL);
    try {
      expect(ws.config.worker.concurrency).toBe(2);
      await Promise.all([events.waitUntilReady(), ...workers.map((w) => w.worker.waitUntilReady())]);
      const jobs: Job[] = [];
      for (let round = 0; round < 2; round++)
        for (const tenant of TENANTS)
          jobs.push(await queue.add(SCAN_JOB_NAME, { tenant, runId: newRunId(), trigger: 'manual' }));
      await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 50_000)));

      const entries = ws.logLines.map(
        (line) => JSON.parse(line) as { msg: string; tenant?: string; jobId?: string; worker?: string },
      );
      // Each scan is the span of log lines from its "scan started" to its "scan finished" (order, not time).
      for (const tenant of TENANTS) {
        const spans: Array<[number, number]> = [];
        entries.forEach((entry, index) => {
          if (entry.tenant !== tenant || entry.msg !== 'scan started') return;
          const end = entries.findIndex(
            (e, i) => i > index && e.jobId === entry.jobId && e.msg === 'scan finished',
          );
          expect(end).toBeGreaterThan(index);
          spans.push([index, end]);
        });
        expect(spans).toHaveLength(2);
        const [first, second] = spans as [[number, number], [number, number]];
        expect(second[0]).toBeGreaterThan(first[1]);
      }
      // Six jobs on four slots: some job found its tenant busy and was deferred, naming the holder.
      const deferred = entries.filter((e) => e.msg.startsWith('tenant busy: job '));
      expect(deferred.length).toBeGreaterThan(0);

      const finished = await Promise.all(jobs.map((job) => queue.getJob(job.id!)));
      expect(new Set(finished.map((job) => job!.processedBy))).toEqual(new Set(['w1', 'w2']));
      // Deferring spends no attempt.
      expect(finished.every((job) => job!.attemptsMade <= 1 && !job!.failedReason)).toBe(true);
      expect(await redis.keys(`${ws.prefix}:scans:tenant-lock:*`)).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.close(5_000)));
      services.http.close();
      redis.disconnect();
      await events.close();
      await queue.close();
      await ws.close();
    }
  });
});
