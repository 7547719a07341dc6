// The sim for bench/scan as a process of its own (so the worker's peak RSS is the worker's alone): dist/sim/main.js
// plus a tally of identity resource units. The sim's statistics group requests by route template, which drops the
// query ($select, $top) that the RU price depends on, so every Graph request (and $batch item) is priced here with
// the sim's own table as it arrives. Talks to bench/scan over IPC: sends {ready}, answers 'units' with the tally.
//   env: BENCH_SIM_USERS, BENCH_SIM_THROTTLING ('on' | 'off')
import { startSim } from '../../sim/index';
import { classifyGraphRequest } from '../../sim/throttle/graph-routes';
import { identityRequestCost } from '../../sim/throttle/identity-cost';

/** Identity RU by route template, counted at arrival (429s included; bench/scan takes them out). */
export interface IdentityUnits {
  [template: string]: { requests: number; units: number };
}

export type SimHostMessage =
  | { type: 'ready'; ready: Awaited<ReturnType<typeof startSim>>['ready'] }
  | { type: 'units'; units: IdentityUnits };

const units: IdentityUnits = {};

function price(method: string, url: URL): void {
  const route = classifyGraphRequest(method, url);
  if (route.family !== 'identity') return;
  const entry = (units[route.template] ??= { requests: 0, units: 0 });
  entry.requests += 1;
  entry.units += identityRequestCost(route);
}

function onGraphRequest(method: string, url: URL, body: Buffer): void {
  if (!url.pathname.startsWith('/v1.0/')) return;
  if (url.pathname !== '/v1.0/$batch') return price(method, url);
  try {
    const batch = JSON.parse(body.toString('utf8')) as { requests?: { method?: string; url?: string }[] };
    for (const item of batch.requests ?? []) {
      const relative = (item.url ?? '').replace(/^\/?(v1\.0\/)?/, '');
      price(item.method ?? 'GET', new URL(`/v1.0/${relative}`, url));
    }
  } catch {
    // A malformed envelope is the sim's to refuse; it costs no identity units.
  }
}

async function main(): Promise<void> {
  const sim = await startSim({
    tenants: [{ name: 'bench', seed: 1, users: Number(process.env.BENCH_SIM_USERS), credential: 'secret' }],
    throttling: process.env.BENCH_SIM_THROTTLING === 'on',
    onGraphRequest,
  });
  const send = (message: SimHostMessage): void => void process.send?.(message);
  process.on('message', (message) => {
    if (message === 'units') send({ type: 'units', units });
    if (message === 'stop') void sim.stop().then(() => process.exit(0));
  });
  process.on('disconnect', () => void sim.stop().then(() => process.exit(0)));
  send({ type: 'ready', ready: sim.ready });
}

main().catch((error: unknown) => {
  console.error('sim-host:', error);
  process.exit(3);
});
