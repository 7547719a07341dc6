// bench/scan: the real scan (runScan, every control) of a large sim tenant, the worker in a child process of its
// own and the sim in another (bench/lib/sim-host), so that the worker's peak RSS is its alone. Measures
// (1) throttling off, 100,000 users: wall time, users/s end to end, ratio to bench/sim-raw's users/s, peak RSS;
// (2) throttling off, 1,000,000 users: peak RSS and wall time; (3) throttling on, 100,000 users: wall time, requests
// and 429s per family, efficiency against the documented budgets (bench/README.md). Human lines, then one JSON line.
//   npm run -s build && node dist/bench/scan.js
//   env: SCAN_USERS, SCAN_BIG_USERS, SCAN_THROTTLED_USERS (0 skips a measurement), SIM_RAW_USERS_PER_SECOND,
//   SCAN_WORKER_FLAGS (extra Node flags for the worker, e.g. --cpu-prof)
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { SimStats } from '../sim/index';
import {
  CONDITIONAL_ACCESS_REQUESTS_PER_S,
  GLOBAL_REQUESTS_PER_10S,
  identityBudget,
  OUTLOOK_REQUESTS_PER_10MIN,
  REPORTS_REQUESTS_PER_10S,
} from '../sim/throttle/graph-throttle';
import { requestJson } from './lib/https-json';
import type { IdentityUnits, SimHostMessage } from './lib/sim-host';
import type { ScanWorkerResult } from './lib/scan-worker';

const USERS = envCount('SCAN_USERS', 100_000);
const BIG_USERS = envCount('SCAN_BIG_USERS', 1_000_000);
const THROTTLED_USERS = envCount('SCAN_THROTTLED_USERS', 100_000);

type Ready = Extract<SimHostMessage, { type: 'ready' }>['ready'];

interface Measurement {
  users: number;
  worker: ScanWorkerResult;
  stats: SimStats;
  units: IdentityUnits;
}

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

/** Starts the sim host, runs one scan worker against it, collects the sim's statistics, stops both. */
async function measure(users: number, throttling: boolean): Promise<Measurement> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crw-bench-scan-'));
  const sim = fork(path.join(__dirname, 'lib/sim-host.js'), [], {
    env: { ...process.env, BENCH_SIM_USERS: String(users), BENCH_SIM_THROTTLING: throttling ? 'on' : 'off' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<SimHostMessage> =>
    new Promise((resolve, reject) => {
      sim.once('message', (message) => resolve(message as SimHostMessage));
      sim.once('exit', (code) => reject(new Error(`the sim exited (${code})`)));
    });
  try {
    const ready = await next();
    if (ready.type !== 'ready') throw new Error('the sim sent no ready message');
    const worker = await runWorker(ready.ready, dir);
    const stats = await simStats(ready.ready);
    sim.send('units');
    const units = await next();
    if (units.type !== 'units') throw new Error('the sim sent no units');
    return { users, worker, stats, units: units.units };
  } finally {
    sim.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The worker's Node options as deployed: the Dockerfile's NODE_OPTIONS (its heap budget), so that the peak RSS
 * printed here is the one a container sees. V8 sizes its heap growth by the heap limit: without one it defaults
 * to a share of the machine's memory and grows the heap far beyond what the scan keeps alive.
 */
function deployedNodeOptions(): string[] {
  const dockerfile = readFileSync(path.join(__dirname, '../../Dockerfile'), 'utf8');
  const options = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1];
  if (options === undefined) throw new Error('the Dockerfile sets no NODE_OPTIONS="…"');
  return options.split(/\s+/).filter(Boolean);
}

function runWorker(ready: Ready, dir: string): Promise<ScanWorkerResult> {
  return new Promise((resolve, reject) => {
    const script = path.join(__dirname, 'lib/scan-worker.js');
    // SCAN_WORKER_FLAGS adds Node flags to the worker only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const extra = (process.env.SCAN_WORKER_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...deployedNodeOptions(), ...extra, script], {
      env: { ...process.env, BENCH_READY: JSON.stringify(ready), BENCH_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) resolve(JSON.parse(last) as ScanWorkerResult);
      else reject(new Error(`the scan worker exited with ${code}: ${last}`));
    });
  });
}

async function simStats(ready: Ready): Promise<SimStats> {
  const agent = new https.Agent({ ca: readFileSync(ready.caFile, 'utf8') });
  try {
    const response = await requestJson(agent, new URL(`${ready.controlUrl}/stats`));
    if (response.status !== 200) throw new Error(`GET /_sim/stats answered ${response.status}`);
    return response.body as SimStats;
  } finally {
    agent.destroy();
  }
}

interface SimRaw {
  usersPerSecond: number;
  /** $batch items/s; null when given by SIM_RAW_USERS_PER_SECOND. */
  batchItemsPerSecond: number | null;
  source: string;
}

/** bench/sim-raw's rates for the same tenant size: SIM_RAW_USERS_PER_SECOND, else measured now (~10 s). */
function simRaw(users: number): Promise<SimRaw> {
  const given = process.env.SIM_RAW_USERS_PER_SECOND;
  if (given) {
    return Promise.resolve({
      usersPerSecond: Number(given),
      batchItemsPerSecond: null,
      source: 'SIM_RAW_USERS_PER_SECOND',
    });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'sim-raw.js')], {
      env: { ...process.env, SIM_RAW_USERS: String(users) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`sim-raw exited with ${code}`));
      const rates = JSON.parse(last) as { usersPerSecond: number; batchItemsPerSecond: number | null };
      resolve({
        usersPerSecond: rates.usersPerSecond,
        batchItemsPerSecond: rates.batchItemsPerSecond,
        source: 'measured',
      });
    });
  });
}

interface FamilyBound {
  /** Admitted requests (429s are refused and take nothing from the budget). */
  requests: number;
  throttled: number;
  /** Admitted cost in the family's unit (identity: resource units; others: requests). */
  cost: number;
  /** Seconds the budget needs at least: the bucket starts full, the rest refills at the documented rate. */
  minimumSeconds: number;
  /** The same without the initial burst: cost / rate. */
  costOverRateSeconds: number;
}

function bound(
  requests: number,
  throttled: number,
  cost: number,
  capacity: number,
  perSecond: number,
): FamilyBound {
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    requests,
    throttled,
    cost: round(cost),
    minimumSeconds: round(Math.max(0, cost - capacity) / perSecond),
    costOverRateSeconds: round(cost / perSecond),
  };
}

/** Per-family lower bounds on the wall time of the requests the scan made, from sim/throttle's budgets. */
function familyBounds(m: Measurement): Record<string, FamilyBound> {
  const { families, routes } = m.stats.graphTraffic;
  const admitted = (f: keyof typeof families): number => families[f].requests - families[f].throttled;
  // Identity RU were priced at arrival; a template's 429s are taken out at its average price.
  let identityUnits = 0;
  for (const [template, { requests, units }] of Object.entries(m.units)) {
    const throttled = routes[template]?.throttled ?? 0;
    identityUnits += units * (1 - throttled / requests);
  }
  const identity = identityBudget(m.users);
  // Outlook's budget is per mailbox; the scan spreads its requests over the mailboxes (~1 each).
  const perMailbox = Math.ceil(admitted('outlook') / m.users);
  const all = (['identity', 'reports', 'conditionalAccess', 'outlook'] as const).reduce(
    (sum, f) => ({ requests: sum.requests + admitted(f), throttled: sum.throttled + families[f].throttled }),
    { requests: 0, throttled: 0 },
  );
  return {
    identity: bound(
      admitted('identity'),
      families.identity.throttled,
      identityUnits,
      identity,
      identity / 10,
    ),
    reports: bound(
      admitted('reports'),
      families.reports.throttled,
      admitted('reports'),
      REPORTS_REQUESTS_PER_10S,
      REPORTS_REQUESTS_PER_10S / 10,
    ),
    conditionalAccess: bound(
      admitted('conditionalAccess'),
      families.conditionalAccess.throttled,
      admitted('conditionalAccess'),
      CONDITIONAL_ACCESS_REQUESTS_PER_S,
      CONDITIONAL_ACCESS_REQUESTS_PER_S,
    ),
    outlook: bound(
      admitted('outlook'),
      families.outlook.throttled,
      perMailbox,
      OUTLOOK_REQUESTS_PER_10MIN,
      OUTLOOK_REQUESTS_PER_10MIN / 600,
    ),
    global: bound(
      all.requests,
      all.throttled,
      all.requests,
      GLOBAL_REQUESTS_PER_10S,
      GLOBAL_REQUESTS_PER_10S / 10,
    ),
  };
}

function totals(m: Measurement): {
  requests: number;
  throttled: number;
  batches: number;
  batchItems: number;
} {
  const f = m.stats.graphTraffic.families;
  const items = [f.identity, f.reports, f.conditionalAccess, f.outlook];
  return {
    requests: items.reduce((sum, c) => sum + c.requests, 0),
    throttled: items.reduce((sum, c) => sum + c.throttled, 0),
    batches: f.batch.requests,
    // Every Outlook request of a scan is an inbox-rule read inside a $batch.
    batchItems: f.outlook.requests,
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

async function main(): Promise<void> {
  console.log(
    `bench/scan: node ${process.version}, ${os.cpus().length} cpus; every control, sim in its own process`,
  );
  const output: Record<string, unknown> = { bench: 'scan' };
  const rss: Record<string, number | null> = { users100k: null, users1m: null, ratio: null };

  if (USERS > 0) {
    const raw = await simRaw(USERS);
    const m = await measure(USERS, false);
    const usersPerSecond = Math.round(USERS / m.worker.seconds);
    const ratio = round3(usersPerSecond / raw.usersPerSecond);
    const t = totals(m);
    // The same work at sim-raw's rates: every user paged once plus every inbox-rule $batch item (a lower bound:
    // the registration report and the Exchange mailbox pages are not in sim-raw and count as free).
    const rawSecondsSameWork =
      raw.batchItemsPerSecond === null
        ? null
        : USERS / raw.usersPerSecond + t.batchItems / raw.batchItemsPerSecond;
    const ratioSameWork = rawSecondsSameWork === null ? null : round3(rawSecondsSameWork / m.worker.seconds);
    console.log(
      `throttling off, ${USERS} users: ${m.worker.seconds.toFixed(1)} s, ${usersPerSecond} users/s, ` +
        `${t.requests} Graph requests (${t.batches} $batch envelopes, ${t.batchItems} items); sim-raw ` +
        `${raw.usersPerSecond} users/s, ${raw.batchItemsPerSecond ?? '?'} batch items/s (${raw.source}) → ` +
        `ratio ${ratio} (users/s), ${ratioSameWork ?? '?'} (same requests at raw rates); ` +
        `worker peak RSS ${m.worker.maxRssMB} MB`,
    );
    console.log(
      `  seconds per collector (first to last progress): ${JSON.stringify(m.worker.collectorSeconds)}; ` +
        `report phase ${m.worker.reportSeconds ?? '?'} s`,
    );
    output.throttlingOff = {
      users: USERS,
      seconds: round1(m.worker.seconds),
      usersPerSecond,
      simRawUsersPerSecond: raw.usersPerSecond,
      simRawSource: raw.source,
      ratioToRaw: ratio,
      simRawBatchItemsPerSecond: raw.batchItemsPerSecond,
      rawSecondsSameWork: rawSecondsSameWork === null ? null : round1(rawSecondsSameWork),
      ratioToRawSameWork: ratioSameWork,
      requests: t.requests,
      batches: t.batches,
      batchItems: t.batchItems,
      collectorSeconds: m.worker.collectorSeconds,
      reportSeconds: m.worker.reportSeconds,
      peakRssMB: m.worker.maxRssMB,
    };
    rss.users100k = m.worker.maxRssMB;
  }

  if (BIG_USERS > 0) {
    const m = await measure(BIG_USERS, false);
    console.log(
      `throttling off, ${BIG_USERS} users: ${m.worker.seconds.toFixed(1)} s, ` +
        `${Math.round(BIG_USERS / m.worker.seconds)} users/s; worker peak RSS ${m.worker.maxRssMB} MB`,
    );
    output.throttlingOffBig = {
      users: BIG_USERS,
      seconds: round1(m.worker.seconds),
      usersPerSecond: Math.round(BIG_USERS / m.worker.seconds),
      peakRssMB: m.worker.maxRssMB,
    };
    rss.users1m = m.worker.maxRssMB;
    if (rss.users100k) rss.ratio = round3(m.worker.maxRssMB / rss.users100k);
  }

  if (THROTTLED_USERS > 0) {
    const m = await measure(THROTTLED_USERS, true);
    const bounds = familyBounds(m);
    const t = totals(m);
    const [bindingFamily, binding] = Object.entries(bounds).reduce((a, b) =>
      b[1].minimumSeconds > a[1].minimumSeconds ? b : a,
    );
    // No budget binds (small tenant): every request fits in the initial bursts, so efficiency says nothing.
    const efficiency = binding.minimumSeconds > 0 ? round3(binding.minimumSeconds / m.worker.seconds) : null;
    const costOverRate = Math.max(...Object.values(bounds).map((b) => b.costOverRateSeconds));
    console.log(
      `throttling on, ${THROTTLED_USERS} users: ${m.worker.seconds.toFixed(1)} s, ${t.requests} requests, ` +
        `${t.throttled} 429s (${((100 * t.throttled) / Math.max(1, t.requests)).toFixed(2)} %)`,
    );
    for (const [family, b] of Object.entries(bounds))
      console.log(
        `  ${family}: ${b.requests} admitted, ${b.throttled} 429s, cost ${b.cost} → at least ${b.minimumSeconds} s`,
      );
    console.log(
      `  efficiency ${efficiency} (${bindingFamily} bound ${binding.minimumSeconds} s / ${m.worker.seconds.toFixed(1)} s); ` +
        `without the initial burst ${round3(costOverRate / m.worker.seconds)}`,
    );
    output.throttlingOn = {
      users: THROTTLED_USERS,
      seconds: round1(m.worker.seconds),
      requests: t.requests,
      throttled: t.throttled,
      throttledShare: round3(t.throttled / Math.max(1, t.requests)),
      families: bounds,
      bindingFamily,
      minimumSeconds: binding.minimumSeconds,
      efficiency,
      efficiencyWithoutBurst: round3(costOverRate / m.worker.seconds),
    };
  }

  console.log(`worker peak RSS: ${JSON.stringify(rss)}`);
  console.log(JSON.stringify({ ...output, rss, node: process.version, cpus: os.cpus().length }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
