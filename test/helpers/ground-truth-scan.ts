// Scans of sim/ tenants through the real BullMQ queue (worker, Redis, HTTPS, Azure SDK clients) and the comparison
// of their results.json with the sim's ground truth; shared by the no-fault and the fault acceptance tests.
import { readFileSync } from 'node:fs';
import { expectedResults } from '../../sim/tenant';
import type { SimTenantOptions } from '../../sim/types';
import { IMPLEMENTED_CONTROLS } from '../../src/controls/catalogue';
import type { RunResults } from '../../src/controls/types';
import { newRunId } from '../../src/jobs/run-id';
import type { ScanServices } from '../../src/jobs/run-scan';
import { createScanServices } from '../../src/jobs/scan-services';
import { SCAN_JOB_NAME, type ScanJobResult } from '../../src/jobs/scan-job';
import { openScanQueue, openScanQueueEvents } from '../../src/worker/scan-queue';
import { startScanWorker } from '../../src/worker/scan-worker';
import type { SimWorkspace } from './sim-workspace';

/** Seeds 1, 2 and 3 at 200 users, both credential kinds: the acceptance tenants. */
export const SEEDED_TENANTS: SimTenantOptions[] = [
  { name: 'contoso', seed: 1, users: 200, credential: 'certificate' },
  { name: 'fabrikam', seed: 2, users: 200, credential: 'secret' },
  { name: 'northwind', seed: 3, users: 200, credential: 'certificate' },
];

export interface ScanOutcome {
  job: ScanJobResult;
  results: RunResults;
  /** BullMQ attempts the job took (1: the scan itself coped with whatever went wrong). */
  attempts: number;
}

export interface ScanThroughQueueOptions {
  /** worker.concurrency; default the sim config's (2). */
  concurrency?: number;
  jobTimeoutMs?: number;
}

/**
 * Scans every tenant of the workspace once through the queue, with every implemented control judged as the
 * ground truth assumes (its break-glass accounts, its "now"). Returns each tenant's job result and results.json.
 */
export async function scanThroughQueue(
  ws: SimWorkspace,
  tenants: readonly string[],
  options: ScanThroughQueueOptions = {},
): Promise<Map<string, ScanOutcome>> {
  const config = ws.rewriteConfig((document) => {
    if (options.concurrency !== undefined) document.worker.concurrency = options.concurrency;
    for (const tenant of document.tenants) {
      tenant.controls = IMPLEMENTED_CONTROLS.map((control) => control.meta.id);
      const { breakGlass } = expectedResults(ws.sim.tenant(tenant.name)).assumptions;
      Object.assign(tenant, { settings: { breakGlass } });
    }
  });
  const now = new Date(expectedResults(ws.sim.tenant(tenants[0]!)).assumptions.now);
  const services: ScanServices = { ...createScanServices(config), now: () => now };
  const worker = startScanWorker(config, services, ws.logger);
  const queue = openScanQueue(config);
  const events = openScanQueueEvents(config);
  const outcomes = new Map<string, ScanOutcome>();
  try {
    await events.waitUntilReady();
    const jobs = await Promise.all(
      tenants.map((tenant) => queue.add(SCAN_JOB_NAME, { tenant, runId: newRunId(), trigger: 'manual' })),
    );
    for (const job of jobs) {
      const done = (await job.waitUntilFinished(events, options.jobTimeoutMs ?? 60_000)) as ScanJobResult;
      const finished = await queue.getJob(job.id!);
      outcomes.set(done.tenant, {
        job: done,
        results: JSON.parse(readFileSync(done.resultsPath, 'utf8')) as RunResults,
        attempts: finished?.attemptsMade ?? Number.NaN,
      });
    }
  } finally {
    await worker.close(5000);
    services.http.close();
    await events.close();
    await queue.close();
  }
  return outcomes;
}

/** Every implemented control's status and finding list (assets in order, high-severity ones) equal the truth. */
export function expectGroundTruth(ws: SimWorkspace, tenant: string, run: RunResults): void {
  const truth = expectedResults(ws.sim.tenant(tenant));
  // The ground truth covers every control; compare those this version of the worker evaluates.
  const implemented = new Set(IMPLEMENTED_CONTROLS.map((control) => control.meta.id));
  const compared = truth.controls.filter((control) => implemented.has(control.id));
  expect(compared.length).toBe(implemented.size);
  for (const expected of compared) {
    const actual = run.controls.find((c) => c.id === expected.id);
    expect({
      id: actual?.id,
      status: actual?.status,
      assets: actual?.findings.map((f) => f.assetName),
    }).toEqual({
      id: expected.id,
      status: expected.status,
      assets: expected.findingAssetNames,
    });
    if (expected.highSeverityAssetNames) {
      const high = actual?.findings.filter((f) => f.severity === 'high').map((f) => f.assetName);
      expect(high).toEqual(expected.highSeverityAssetNames);
    }
  }
}
