// bench/sim-raw: the sim's raw Graph throughput for a 100,000-user tenant (throttling off, no latency), measured
// over real HTTPS with keep-alive from the same process: users/s paging /users at $top=999, then $batch items/s
// (20 GET /users/{id} per batch) if the sim serves /$batch. Prints human lines, then one JSON line.
//   npm run -s build && node dist/bench/sim-raw.js            (profile: node --cpu-prof dist/bench/sim-raw.js)
import { readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import { startSim } from '../sim/index';
import { requestJson } from './lib/https-json';
import { graphTokenFor } from './lib/sim-token';

const USERS = Number(process.env.SIM_RAW_USERS ?? 100_000);
const PAGE_SIZE = 999;
const USER_SELECT = 'id,userPrincipalName,accountEnabled,userType';
/** Full paging passes; the median counts (the first pass also warms up the JIT). */
const PAGING_RUNS = 3;
const BATCH_SIZE = 20;
/** Batches in flight at once (Graph clients commonly keep a few batches outstanding). */
const BATCH_CONCURRENCY = 4;
const TENANT = 'bench';

interface PagingRun {
  users: number;
  pages: number;
  bytes: number;
  seconds: number;
}

type Page = { value?: { id?: string }[]; '@odata.nextLink'?: string };

async function pageAllUsers(
  agent: https.Agent,
  origin: string,
  auth: Record<string, string>,
): Promise<{ run: PagingRun; ids: string[] }> {
  const ids: string[] = [];
  let url: string | undefined = `${origin}/v1.0/users?$select=${USER_SELECT}&$top=${PAGE_SIZE}`;
  let pages = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  while (url) {
    const response = await requestJson(agent, new URL(url), { headers: auth });
    if (response.status !== 200)
      throw new Error(`GET ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
    const page = response.body as Page;
    for (const user of page.value ?? []) ids.push(user.id ?? '');
    pages += 1;
    bytes += response.bytes;
    url = page['@odata.nextLink'];
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { run: { users: ids.length, pages, bytes, seconds }, ids };
}

/** 404/400/405 to a one-item probe: the sim has no $batch yet. */
async function batchAvailable(
  agent: https.Agent,
  origin: string,
  auth: Record<string, string>,
  id: string,
): Promise<string | undefined> {
  const probe = await requestJson(agent, new URL(`${origin}/v1.0/$batch`), {
    method: 'POST',
    headers: auth,
    body: { requests: [{ id: '1', method: 'GET', url: `/users/${id}?$select=id` }] },
  });
  if (probe.status === 200) return undefined;
  const error = (probe.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return `POST /v1.0/$batch answered ${probe.status}${error ? ` ${error.code ?? ''}: ${error.message ?? ''}` : ''}`;
}

async function batchAll(
  agent: https.Agent,
  origin: string,
  auth: Record<string, string>,
  ids: string[],
): Promise<{ items: number; seconds: number }> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
  let next = 0;
  let items = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      const requests = batch.map((id, index) => ({
        id: String(index + 1),
        method: 'GET',
        url: `/users/${id}?$select=${USER_SELECT}`,
      }));
      const response = await requestJson(agent, new URL(`${origin}/v1.0/$batch`), {
        method: 'POST',
        headers: auth,
        body: { requests },
      });
      const answers = (response.body as { responses?: { status?: number }[] }).responses ?? [];
      if (
        response.status !== 200 ||
        answers.length !== batch.length ||
        answers.some((answer) => answer.status !== 200)
      )
        throw new Error(`$batch answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
      items += answers.length;
    }
  };
  await Promise.all(Array.from({ length: BATCH_CONCURRENCY }, worker));
  return { items, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Peak resident set size of this process (sim and bench client together), sampled every 50 ms. */
function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

async function main(): Promise<void> {
  const rss = trackPeakRss();
  const sim = await startSim({ tenants: [{ name: TENANT, seed: 1, users: USERS, credential: 'secret' }] });
  const ca = readFileSync(sim.ready.caFile, 'utf8');
  const agent = new https.Agent({ keepAlive: true, maxSockets: BATCH_CONCURRENCY, ca });
  try {
    const auth = { authorization: `Bearer ${await graphTokenFor(sim, TENANT, ca)}` };
    const origin = sim.ready.graphUrl;
    console.log(
      `sim-raw: ${USERS} users, node ${process.version}, ${os.cpus().length} cpus, sim at ${origin}`,
    );

    const runs: PagingRun[] = [];
    let ids: string[] = [];
    for (let i = 0; i < PAGING_RUNS; i++) {
      const result = await pageAllUsers(agent, origin, auth);
      if (result.run.users !== USERS)
        throw new Error(`paging returned ${result.run.users} users, expected ${USERS}`);
      runs.push(result.run);
      ids = result.ids;
      const { users, pages, bytes, seconds } = result.run;
      console.log(
        `  paging run ${i + 1}: ${users} users in ${pages} pages, ${(bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(3)} s → ${Math.round(users / seconds)} users/s`,
      );
    }
    const usersPerSecond = Math.round(median(runs.map((run) => run.users / run.seconds)));
    console.log(
      `users/s (median of ${PAGING_RUNS}): ${usersPerSecond}${usersPerSecond < 100_000 ? '  (below the 100,000 target)' : ''}`,
    );

    let batchItemsPerSecond: number | null = null;
    let note: string | undefined = await batchAvailable(agent, origin, auth, ids[0] ?? '');
    if (note === undefined) {
      const { items, seconds } = await batchAll(agent, origin, auth, ids);
      batchItemsPerSecond = Math.round(items / seconds);
      console.log(
        `$batch: ${items} items in ${items / BATCH_SIZE} batches of ${BATCH_SIZE}, ${BATCH_CONCURRENCY} in flight, ${seconds.toFixed(3)} s → ${batchItemsPerSecond} items/s`,
      );
    } else {
      note = `no $batch: ${note}`;
      console.log(`$batch: not measured, ${note}`);
    }
    const peakRssMB = Math.round(rss.stop() / 2 ** 20);
    console.log(`peak RSS of sim + client: ${peakRssMB} MB`);
    console.log(
      JSON.stringify({
        bench: 'sim-raw',
        users: USERS,
        usersPerSecond,
        batchItemsPerSecond,
        peakRssMB,
        node: process.version,
        cpus: os.cpus().length,
        ...(note !== undefined && { note }),
      }),
    );
  } finally {
    agent.destroy();
    await sim.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
