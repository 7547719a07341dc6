// Time in a generated tenant: every date is relative to one fixed reference instant, never to the wall clock, so
// the same options always give the same directory and the ground truth knows which "now" it assumes.
import { REFERENCE_TIME_MS } from './ids';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** The reference time as Graph writes timestamps ("2026-01-01T00:00:00Z"). */
export const REFERENCE_TIME = graphDateTime(REFERENCE_TIME_MS);

/** What Graph sends for "never" in some sign-in fields (data older than the field itself). */
export const YEAR_ONE = '0001-01-01T00:00:00Z';

/** A Graph DateTimeOffset: UTC, whole seconds, "Z" (Graph omits a zero fraction). */
export function graphDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The instant `days` (may be fractional) before the reference time. */
export function daysBeforeReference(days: number): number {
  return REFERENCE_TIME_MS - Math.round(days * DAY_MS);
}
