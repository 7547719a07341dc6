// Acceptance: `crw schedule apply` twice leaves exactly one scheduler per tenant schedule; `crw schedule list`
// prints the next run in the schedule's time zone; removing a tenant from the config and applying removes its
// scheduler. Real Redis (private prefix), the real CLI as a child process.
import { spawn } from 'node:child_process';
import { Queue, type JobSchedulerJson } from 'bullmq';
import { parseExpression } from 'cron-parser';
import { ENV_OVERRIDES } from '../src/config/load-config';
import { SCAN_JOB_NAME, SCAN_QUEUE } from '../src/jobs/scan-job';
import { redisConnectionOptions } from '../src/worker/redis';
import { childEnv, CLI, openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

const TENANTS = [
  { name: 'contoso', seed: 1, users: 60, credential: 'certificate' as const },
  { name: 'fabrikam', seed: 2, users: 60, credential: 'secret' as const },
];

const SCHEDULES: Record<string, Array<{ name: string; cron: string; tz: string }>> = {
  contoso: [
    { name: 'weekly', cron: '0 6 * * 1', tz: 'Europe/Berlin' },
    { name: 'monthly', cron: '0 5 1 * *', tz: 'Europe/Berlin' },
  ],
  fabrikam: [{ name: 'weekly', cron: '30 7 * * 1', tz: 'America/New_York' }],
};

/** What a person in the schedule's zone must read as the next run (local wall-clock fields). */
const LOCAL_EXPECTATIONS: Record<string, { time: string; weekday?: string; day?: string }> = {
  'scan:contoso:weekly': { time: '06:00', weekday: 'Mon' },
  'scan:contoso:monthly': { time: '05:00', day: '01' },
  'scan:fabrikam:weekly': { time: '07:30', weekday: 'Mon' },
};

/** A scheduler that is not this service's (no "scan:" id): apply and remove must leave it alone. */
const FOREIGN_SCHEDULER = 'housekeeping';

interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node CLI …args` without blocking this process (sim/ runs in it); killed if it hangs. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Expects a clean exit 0; on failure the message shows what the CLI said. */
function expectOk(result: CliResult): void {
  expect({ status: result.status, signal: result.signal, stderr: result.stderr }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });
}

/** Occurrences of `cron` in `tz` strictly after `from` (cron-parser, independently of BullMQ and the CLI). */
function occurrencesAfter(cron: string, tz: string, from: number, count: number): number[] {
  const iterator = parseExpression(cron, { tz, currentDate: new Date(from) });
  return Array.from({ length: count }, () => iterator.next().getTime());
}

/** The local wall-clock fields of `epochMs` in `tz`. */
function localFields(epochMs: number, tz: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(epochMs));
  return Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, p.value]));
}

/** Rows of `crw schedule list` below its header, split on the table's column gaps (2+ spaces). */
function listRows(stdout: string): string[][] {
  const lines = stdout.trimEnd().split('\n');
  expect(lines[0]?.split(/\s{2,}/)).toEqual(['TENANT', 'SCHEDULE', 'CRON', 'NEXT RUN']);
  return lines.slice(1).map((line) => line.split(/\s{2,}/));
}

describe('crw schedule against real Redis', () => {
  let ws: SimWorkspace;
  let queue: Queue;
  let env: NodeJS.ProcessEnv;
  let beforeFirstApply: number;

  /** The config with SCHEDULES, keeping only `tenants`. */
  const writeConfig = (tenants: readonly string[]) =>
    ws.rewriteConfig((document) => {
      document.tenants = document.tenants
        .filter((t) => tenants.includes(t.name))
        .map((t) => ({ ...t, schedules: SCHEDULES[t.name]! }));
    });

  const crw = (...args: string[]) => runCli(['--config', ws.configPath, ...args], env);

  const ourSchedulers = async (): Promise<JobSchedulerJson[]> =>
    (await queue.getJobSchedulers(0, -1, true)).filter((s) => s.key !== FOREIGN_SCHEDULER);

  const schedulerIds = async () => (await ourSchedulers()).map((s) => s.key).sort();

  /** Delayed jobs per scheduler id (BullMQ keeps the next run of each scheduler as one delayed job). */
  const delayedPerScheduler = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const job of await queue.getJobs(['delayed'], 0, -1)) {
      if (job.repeatJobKey === FOREIGN_SCHEDULER) continue;
      const key = job.repeatJobKey ?? `(no scheduler: ${job.id})`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    ws = await openSimWorkspace('schedules', { tenants: TENANTS });
    env = childEnv(ws);
    // The child must read exactly the workspace's file: no deployment overrides from this shell.
    for (const override of ENV_OVERRIDES) delete env[override.name];
    queue = new Queue(SCAN_QUEUE, {
      connection: redisConnectionOptions(ws.config.redis.url),
      prefix: ws.prefix,
    });
    await queue.upsertJobScheduler(FOREIGN_SCHEDULER, { every: 3_600_000 }, { name: 'housekeeping' });
    writeConfig(['contoso', 'fabrikam']);
  });

  afterAll(async () => {
    await queue?.close();
    await ws?.close();
  });

  it('apply twice leaves exactly one scheduler (and one pending run) per tenant schedule', async () => {
    beforeFirstApply = Date.now();
    const first = await crw('schedule', 'apply');
    expectOk(first);
    expect(first.stdout).toContain('3 schedules applied, 0 removed');

    const second = await crw('schedule', 'apply');
    expectOk(second);
    expect(second.stdout).toContain('applied  scan:contoso:weekly');
    expect(second.stdout).toContain('applied  scan:contoso:monthly');
    expect(second.stdout).toContain('applied  scan:fabrikam:weekly');
    expect(second.stdout).toContain('3 schedules applied, 0 removed');
    expect(second.stdout).not.toContain('removed  ');

    const schedulers = await ourSchedulers();
    expect(
      schedulers
        .map((s) => ({ id: s.key, pattern: s.pattern, tz: s.tz }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual([
      { id: 'scan:contoso:monthly', pattern: '0 5 1 * *', tz: 'Europe/Berlin' },
      { id: 'scan:contoso:weekly', pattern: '0 6 * * 1', tz: 'Europe/Berlin' },
      { id: 'scan:fabrikam:weekly', pattern: '30 7 * * 1', tz: 'America/New_York' },
    ]);
    expect(await delayedPerScheduler()).toEqual({
      'scan:contoso:monthly': 1,
      'scan:contoso:weekly': 1,
      'scan:fabrikam:weekly': 1,
    });

    // The pending runs are scan jobs of the right tenant and schedule.
    const delayed = await queue.getJobs(['delayed'], 0, -1);
    expect(
      delayed
        .filter((job) => job.repeatJobKey?.startsWith('scan:'))
        .map((job) => ({ key: job.repeatJobKey, name: job.name, data: job.data as unknown }))
        .sort((a, b) => a.key!.localeCompare(b.key!)),
    ).toEqual([
      {
        key: 'scan:contoso:monthly',
        name: SCAN_JOB_NAME,
        data: { tenant: 'contoso', trigger: 'schedule', schedule: 'monthly' },
      },
      {
        key: 'scan:contoso:weekly',
        name: SCAN_JOB_NAME,
        data: { tenant: 'contoso', trigger: 'schedule', schedule: 'weekly' },
      },
      {
        key: 'scan:fabrikam:weekly',
        name: SCAN_JOB_NAME,
        data: { tenant: 'fabrikam', trigger: 'schedule', schedule: 'weekly' },
      },
    ]);
  });

  it("BullMQ's next run of each scheduler is the cron's next occurrence in the schedule's zone", async () => {
    const schedulers = new Map((await ourSchedulers()).map((s) => [s.key, s]));
    for (const [tenant, schedules] of Object.entries(SCHEDULES)) {
      for (const { name, cron, tz } of schedules) {
        const id = `scan:${tenant}:${name}`;
        // The configured zone, not the scheduler's: a zone lost on the way must show as a different instant.
        const [first, second] = occurrencesAfter(cron, tz, beforeFirstApply, 2);
        // The first occurrence after the test's first apply; the second only if the clock crossed an occurrence
        // while the CLI ran (so the check never depends on timing).
        expect({ id, next: schedulers.get(id)?.next }).toEqual({
          id,
          next: schedulers.get(id)?.next === second ? second : first,
        });
      }
    }
  });

  it("list prints each schedule's next run as local date and time in its zone", async () => {
    const result = await crw('schedule', 'list');
    expectOk(result);
    const rows = listRows(result.stdout);
    expect(rows.map(([tenant, name, cron]) => [tenant, name, cron])).toEqual([
      ['contoso', 'monthly', '0 5 1 * *'],
      ['contoso', 'weekly', '0 6 * * 1'],
      ['fabrikam', 'weekly', '30 7 * * 1'],
    ]);

    const schedulers = new Map((await ourSchedulers()).map((s) => [s.key, s]));
    for (const [tenant, name, , nextRun] of rows) {
      const id = `scan:${tenant}:${name}`;
      const tz = SCHEDULES[tenant!]!.find((s) => s.name === name)!.tz;
      const local = localFields(schedulers.get(id)!.next!, tz);
      expect({ id, nextRun }).toEqual({
        id,
        nextRun:
          `${local.year}-${local.month}-${local.day} ${local.hour}:${local.minute} ${local.weekday} ` +
          `${tz} (${local.timeZoneName})`,
      });
      // Fixed wall-clock expectations: these would fail if the zone were ignored when scheduling or printing.
      const expected = LOCAL_EXPECTATIONS[id]!;
      expect({ id, time: nextRun!.split(' ')[1] }).toEqual({ id, time: expected.time });
      if (expected.weekday) expect({ id, weekday: nextRun!.split(' ')[2] }).toEqual({ id, weekday: 'Mon' });
      if (expected.day) expect({ id, day: nextRun!.slice(8, 10) }).toEqual({ id, day: expected.day });
    }
  });

  it('removing a tenant from the config and applying removes its scheduler and its pending run', async () => {
    writeConfig(['contoso']);
    const result = await crw('schedule', 'apply');
    expectOk(result);
    expect(result.stdout).toContain('removed  scan:fabrikam:weekly');
    expect(result.stdout).toContain('2 schedules applied, 1 removed');

    expect(await schedulerIds()).toEqual(['scan:contoso:monthly', 'scan:contoso:weekly']);
    expect(await delayedPerScheduler()).toEqual({ 'scan:contoso:monthly': 1, 'scan:contoso:weekly': 1 });
    expect((await queue.getJobScheduler(FOREIGN_SCHEDULER))?.every).toBe(3_600_000);
  });

  it('schedule remove --tenant contoso removes only contoso', async () => {
    writeConfig(['contoso', 'fabrikam']);
    expectOk(await crw('schedule', 'apply'));
    expect(await schedulerIds()).toHaveLength(3);

    const result = await crw('schedule', 'remove', '--tenant', 'contoso');
    expectOk(result);
    expect(result.stdout).toContain('removed  scan:contoso:weekly');
    expect(result.stdout).toContain('removed  scan:contoso:monthly');
    expect(result.stdout).toContain('2 schedules removed');

    expect(await schedulerIds()).toEqual(['scan:fabrikam:weekly']);
    expect(await delayedPerScheduler()).toEqual({ 'scan:fabrikam:weekly': 1 });
    expect((await queue.getJobScheduler(FOREIGN_SCHEDULER))?.every).toBe(3_600_000);
  });

  it('list with no schedulers of this service says how to create them', async () => {
    expectOk(await crw('schedule', 'remove'));
    expect(await schedulerIds()).toEqual([]);
    const result = await crw('schedule', 'list');
    expectOk(result);
    expect(result.stdout).toBe('no schedules in Redis; run "crw schedule apply"\n');
  });

  it('with nothing answering at redis.url, apply fails (exit 3) naming the address instead of retrying forever', async () => {
    ws.rewriteConfig((document) => {
      document.redis.url = 'redis://127.0.0.1:1';
    });
    // runCli kills a hanging child: a BullMQ queue left to retry would show as signal SIGTERM, not exit 3.
    const result = await crw('schedule', 'apply');
    expect({ status: result.status, signal: result.signal, stdout: result.stdout }).toEqual({
      status: 3,
      signal: null,
      stdout: '',
    });
    expect(result.stderr).toContain('no Redis answers at 127.0.0.1:1');
  });
});
