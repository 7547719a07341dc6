// The worker's HTTP endpoints for SREs: /metrics counts scans, findings per control and queue depth; /healthz
// answers while the process runs; /readyz is 200 while the worker takes jobs and 503 from the moment it closes.
// A real worker (in-process, then `crw worker` as a child process) against sim/ and real Redis.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Queue, QueueEvents } from 'bullmq';
import type { RunResults } from '../src/controls/types';
import { newRunId } from '../src/jobs/run-id';
import { createScanServices } from '../src/jobs/scan-services';
import { SCAN_JOB_NAME, type ScanJobResult } from '../src/jobs/scan-job';
import type { ScanServices } from '../src/jobs/run-scan';
import { startWorkerHttpServer, type WorkerHttpServer } from '../src/worker/http-server';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker, type RunningScanWorker } from '../src/worker/scan-worker';
import { parsePrometheusText, sampleValue } from './helpers/prometheus-text';
import { childEnv, CLI, openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('worker HTTP endpoints', () => {
  let ws: SimWorkspace;
  let services: ScanServices;
  let running: RunningScanWorker;
  let server: WorkerHttpServer;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    ws = await openSimWorkspace('http', {
      tenants: [{ name: 'contoso', seed: 1, users: 120, credential: 'certificate' }],
    });
    services = createScanServices(ws.config);
    running = startScanWorker(ws.config, services, ws.logger);
    server = await startWorkerHttpServer(ws.config, running, ws.logger, { host: '127.0.0.1', port: 0 });
    queue = openScanQueue(ws.config);
    events = openScanQueueEvents(ws.config);
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await running.close(5000);
    await server.close();
    services.http.close();
    await events.close();
    await queue.close();
    await ws.close();
  });

  it('answers /healthz and /readyz with 200 while the worker runs', async () => {
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 200, body: '{"status":"ok"}\n' });
    expect(await get(`${server.url}/readyz`)).toMatchObject({ status: 200, body: '{"status":"ready"}\n' });
  });

  it('counts a completed scan, its findings per control and the jobs in the queue', async () => {
    const job = await queue.add(SCAN_JOB_NAME, { tenant: 'contoso', runId: newRunId(), trigger: 'manual' });
    const done = (await job.waitUntilFinished(events, 60_000)) as ScanJobResult;
    const run = JSON.parse(readFileSync(done.resultsPath, 'utf8')) as RunResults;
    // A job for a tenant that is not configured fails at once; a delayed one stays delayed.
    const stray = await queue.add(SCAN_JOB_NAME, { tenant: 'gone', trigger: 'manual' });
    await expect(stray.waitUntilFinished(events, 60_000)).rejects.toThrow('not in the configuration');
    await queue.add(SCAN_JOB_NAME, { tenant: 'contoso', trigger: 'manual' }, { delay: 3_600_000 });

    const res = await get(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    const samples = parsePrometheusText(res.body);
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);

    expect(value('crw_scans_total', { tenant: 'contoso', status: 'completed' })).toBe(1);
    expect(value('crw_scans_total', { tenant: '(unconfigured)', status: 'failed' })).toBe(1);
    expect(value('crw_scans_total', { tenant: 'contoso', status: 'failed' })).toBeUndefined();
    expect(value('crw_scan_duration_seconds_count', { tenant: 'contoso' })).toBe(1);
    expect(value('crw_scan_duration_seconds_sum', { tenant: 'contoso' })).toBeGreaterThan(0);
    const finishedAt = Date.parse(run.finishedAt) / 1000;
    expect(value('crw_last_successful_scan_timestamp_seconds', { tenant: 'contoso' })).toBeGreaterThanOrEqual(
      Math.floor(finishedAt),
    );

    // One series per control of the run, labelled with its status, valued with its finding count.
    const findings = samples.filter((s) => s.name === 'crw_scan_findings');
    expect(findings.map((s) => ({ ...s.labels, value: s.value }) as Series).sort(byControl)).toEqual(
      run.controls
        .map((c) => ({ tenant: 'contoso', control: c.id, status: c.status, value: c.findings.length }))
        .sort(byControl),
    );
    expect(value('crw_scan_findings', { control: 'CRW-ID-01' })).toBeGreaterThan(0);

    const queueJobs = (state: string) => value('crw_queue_jobs', { queue: 'scans', state });
    expect({
      waiting: queueJobs('waiting'),
      active: queueJobs('active'),
      delayed: queueJobs('delayed'),
      failed: queueJobs('failed'),
      completed: queueJobs('completed'),
    }).toEqual({ waiting: 0, active: 0, delayed: 1, failed: 1, completed: 1 });

    // Default process metrics carry the prefix; the credential expiry gauge is registered (set elsewhere).
    expect(value('crw_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(res.body).toContain('# TYPE crw_credential_expiry_timestamp_seconds gauge');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await get(`${server.url}/dashboard`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers /readyz with 503 from the moment the worker closes; /healthz stays 200', async () => {
    const closing = running.close(5000);
    const during = await get(`${server.url}/readyz`);
    expect(during.status).toBe(503);
    expect(JSON.parse(during.body)).toEqual({ status: 'not ready', reason: 'the worker is shutting down' });
    await closing;
    expect((await get(`${server.url}/readyz`)).status).toBe(503);
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('crw worker', () => {
  let ws: SimWorkspace;
  beforeAll(async () => {
    ws = await openSimWorkspace('http-cli', {
      tenants: [{ name: 'contoso', seed: 1, users: 50, credential: 'secret' }],
    });
  });
  afterAll(() => ws.close());

  it('serves the endpoints on CRW_HTTP_PORT and closes them on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'worker'], {
      env: { ...childEnv(ws), CRW_HTTP_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      while (!output.includes('serving /metrics')) {
        if (child.exitCode !== null) throw new Error(`crw worker exited early:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const base = `http://127.0.0.1:${port}`;
      expect((await get(`${base}/healthz`)).status).toBe(200);
      expect((await get(`${base}/readyz`)).status).toBe(200);
      const metrics = parsePrometheusText((await get(`${base}/metrics`)).body);
      expect(sampleValue(metrics, 'crw_queue_jobs', { queue: 'scans', state: 'waiting' })).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

type Series = Record<string, string | number>;

function byControl(a: Series, b: Series): number {
  return String(a['control']).localeCompare(String(b['control']));
}

/** A port nothing listens on right now (the OS picks it; the child binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
