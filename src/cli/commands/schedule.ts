import type { Config } from '../../config/schema';
import {
  applySchedules,
  formatInZone,
  listSchedules,
  removeSchedules,
  type TenantSchedule,
} from '../../worker/schedules';
import { openReachableScanQueue } from '../../worker/scan-queue';
import { EXIT } from '../exit-codes';
import { loadCliConfig, type GlobalOptions } from '../load';

export function configuredSchedules(config: Config): TenantSchedule[] {
  return config.tenants.flatMap((t) =>
    t.schedules.map((s) => ({ tenant: t.name, name: s.name, cron: s.cron, tz: s.tz })),
  );
}

/** `crw schedule apply`: Redis ends up with exactly the configured schedules. */
export async function scheduleApplyCommand(options: GlobalOptions): Promise<number> {
  const config = loadCliConfig(options);
  const queue = await openReachableScanQueue(config);
  try {
    const { upserted, removed } = await applySchedules(queue, configuredSchedules(config), config.worker);
    for (const id of upserted) process.stdout.write(`applied  ${id}\n`);
    for (const id of removed) process.stdout.write(`removed  ${id} (no longer in the configuration)\n`);
    process.stdout.write(`${upserted.length} schedules applied, ${removed.length} removed\n`);
    return EXIT.ok;
  } finally {
    await queue.close();
  }
}

/** `crw schedule list`: each scheduler with its next run in the schedule's own time zone. */
export async function scheduleListCommand(options: GlobalOptions): Promise<number> {
  const config = loadCliConfig(options);
  const queue = await openReachableScanQueue(config);
  try {
    const listings = await listSchedules(queue);
    if (listings.length === 0) {
      process.stdout.write('no schedules in Redis; run "crw schedule apply"\n');
      return EXIT.ok;
    }
    const rows = listings.map((s) => [
      s.tenant,
      s.name,
      s.cron,
      s.next === null ? '-' : formatInZone(s.next, s.tz),
    ]);
    process.stdout.write(formatTable(['TENANT', 'SCHEDULE', 'CRON', 'NEXT RUN'], rows));
    return EXIT.ok;
  } finally {
    await queue.close();
  }
}

/** `crw schedule remove [--tenant NAME]`: removes this service's schedulers (of one tenant, or all). */
export async function scheduleRemoveCommand(options: GlobalOptions & { tenant?: string }): Promise<number> {
  // No check against the configuration: removing the schedules of a tenant that was deleted from it is legitimate.
  const config = loadCliConfig(options);
  const queue = await openReachableScanQueue(config);
  try {
    const removed = await removeSchedules(queue, options.tenant);
    for (const id of removed) process.stdout.write(`removed  ${id}\n`);
    process.stdout.write(`${removed.length} schedules removed\n`);
    return EXIT.ok;
  } finally {
    await queue.close();
  }
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
