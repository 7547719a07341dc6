// Acceptance (issue 2): SIGTERM during a running scan — the worker takes no new job, and the running job either
// completes before the worker exits or is handed back to the queue and completes on the next worker.
import type { Job, Queue, QueueEvents } from 'bullmq';
import { newRunId } from '../src/jobs/run-id';
import { SCAN_JOB_NAME, type ScanJobResult } from '../src/jobs/scan-job';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { jobLog, startWorkerProcess, type WorkerProcess } from './helpers/worker-process';

/** Resolves once the worker has logged that it stopped taking jobs (it has handled the signal). */
async function closingLogged(worker: WorkerProcess): Promise<void> {
  while (!worker.output().includes('worker closing')) await new Promise((r) => setTimeout(r, 20));
}

/** Resolves once the job has reached the collect phase on some worker (it is mid-scan). */
function collecting(events: QueueEvents, jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }) => {
      if (id === jobId && (data as { phase?: string }).phase === 'collect') {
        events.off('progress', onProgress);
        resolve();
      }
    };
    events.on('progress', onProgress);
  });
}

describe('worker shutdown on SIGTERM', () => {
  let ws: SimWorkspace;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    // Every Graph answer takes 150 ms, so a scan lasts a few seconds: long enough to be interrupted.
    ws = await openSimWorkspace('shutdown', {
      tenants: [{ name: 'contoso', seed: 1, users: 120, credential: 'certificate' }],
      graphLatencyMs: 150,
    });
    queue = openScanQueue(ws.config);
    events = openScanQueueEvents(ws.config);
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events.close();
    await queue.close();
    await ws.close();
  });

  const enqueue = () => queue.add(SCAN_JOB_NAME, { tenant: 'contoso', runId: newRunId(), trigger: 'manual' });

  it('hands a running scan back to the queue when the grace period ends; the next worker completes it', async () => {
    ws.rewriteConfig((doc) => (doc.worker.shutdownGraceSeconds = 1));
    const first = startWorkerProcess(ws);
    const running = await enqueue();
    await collecting(events, running.id!);

    first.child.kill('SIGTERM');
    await closingLogged(first);
    const afterSignal = await enqueue();
    expect(await first.exited).toBe(0);

    expect(jobLog(first, running.id)).toContain(
      'worker shutting down: returning the running scan to the queue',
    );
    // BullMQ may still deliver a job it was fetching when close() began; the closing worker returns it unstarted.
    expect(jobLog(first, afterSignal.id)).not.toContain('scan started');
    expect(['waiting', 'delayed']).toContain(await queue.getJobState(running.id!));
    expect(['waiting', 'delayed']).toContain(await queue.getJobState(afterSignal.id!));

    const second = startWorkerProcess(ws);
    try {
      const results = await Promise.all(
        [running, afterSignal].map((job: Job) => job.waitUntilFinished(events, 60_000)),
      );
      expect((results as ScanJobResult[]).map((r) => r.tenant)).toEqual(['contoso', 'contoso']);
      expect(jobLog(second, running.id)).toContain('scan finished');
      // Handing back is not a failure: no attempt was spent.
      const finished = (await queue.getJob(running.id!))!;
      expect(finished.attemptsMade).toBeLessThanOrEqual(1);
      expect(finished.failedReason ?? null).toBeNull();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('lets a running scan complete within the grace period, then exits without taking new jobs', async () => {
    ws.rewriteConfig((doc) => (doc.worker.shutdownGraceSeconds = 60));
    const worker = startWorkerProcess(ws);
    const running = await enqueue();
    await collecting(events, running.id!);

    worker.child.kill('SIGTERM');
    await closingLogged(worker);
    const afterSignal = await enqueue();
    expect(await worker.exited).toBe(0);

    expect(await queue.getJobState(running.id!)).toBe('completed');
    expect(jobLog(worker, running.id)).toContain('scan finished');
    expect(jobLog(worker, afterSignal.id)).not.toContain('scan started');
    expect(['waiting', 'delayed']).toContain(await queue.getJobState(afterSignal.id!));
  });
});
