import type { Queue } from 'bullmq';
import { SCAN_JOB_NAME, type ScanJobData } from '../jobs/scan-job';
import { scanJobOptions, type RetrySettings } from './queue-options';

/** A tenant's schedule as configured. */
export interface TenantSchedule {
  tenant: string;
  name: string;
  cron: string;
  tz: string;
}

export interface ScheduleListing extends TenantSchedule {
  id: string;
  /** Next run (epoch ms), as BullMQ computed it in the schedule's zone. */
  next: number | null;
}

const PREFIX = 'scan:';

/** One BullMQ job scheduler per tenant schedule; the id says whose it is so that stale ones can be found. */
export function schedulerId(tenant: string, scheduleName: string): string {
  return `${PREFIX}${tenant}:${scheduleName}`;
}

function parseSchedulerId(id: string): { tenant: string; name: string } | null {
  if (!id.startsWith(PREFIX)) return null;
  const [tenant, name] = id.slice(PREFIX.length).split(':');
  return tenant && name ? { tenant, name } : null;
}

/**
 * Makes Redis hold exactly the configured schedules: upserts each (idempotent: applying twice changes nothing)
 * and removes schedulers of this service whose tenant or schedule is no longer configured.
 */
export async function applySchedules(
  queue: Queue,
  schedules: readonly TenantSchedule[],
  retry: RetrySettings,
): Promise<{ upserted: string[]; removed: string[] }> {
  const wanted = new Set<string>();
  for (const s of schedules) {
    const id = schedulerId(s.tenant, s.name);
    wanted.add(id);
    const data: ScanJobData = { tenant: s.tenant, trigger: 'schedule', schedule: s.name };
    await queue.upsertJobScheduler(
      id,
      { pattern: s.cron, tz: s.tz },
      { name: SCAN_JOB_NAME, data, opts: scanJobOptions(retry) },
    );
  }
  const removed: string[] = [];
  for (const existing of await listSchedulerIds(queue)) {
    if (!wanted.has(existing)) {
      await queue.removeJobScheduler(existing);
      removed.push(existing);
    }
  }
  return { upserted: [...wanted], removed };
}

export async function listSchedules(queue: Queue): Promise<ScheduleListing[]> {
  const schedulers = await queue.getJobSchedulers(0, -1, true);
  const listings: ScheduleListing[] = [];
  for (const s of schedulers) {
    const id = s.id ?? s.key;
    const owner = parseSchedulerId(id);
    if (!owner) continue;
    listings.push({
      id,
      tenant: owner.tenant,
      name: owner.name,
      cron: s.pattern ?? '',
      tz: s.tz ?? 'UTC',
      next: s.next ?? null,
    });
  }
  return listings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Removes this service's schedulers, of one tenant or all. */
export async function removeSchedules(queue: Queue, tenant?: string): Promise<string[]> {
  const removed: string[] = [];
  for (const id of await listSchedulerIds(queue)) {
    if (tenant !== undefined && parseSchedulerId(id)?.tenant !== tenant) continue;
    await queue.removeJobScheduler(id);
    removed.push(id);
  }
  return removed;
}

async function listSchedulerIds(queue: Queue): Promise<string[]> {
  const schedulers = await queue.getJobSchedulers(0, -1, true);
  return schedulers.map((s) => s.id ?? s.key).filter((id) => parseSchedulerId(id) !== null);
}

/** "2026-11-30 06:00 Europe/Berlin (Mon)" — the next run as a person in that zone reads it. */
export function formatInZone(epochMs: number, tz: string): string {
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
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${get('weekday')} ${tz} (${get('timeZoneName')})`;
}
