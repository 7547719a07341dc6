// Where a run's files go: <reportsDir>/<tenant>/<YYYY-MM-DD>-<runId> (UTC date of the run's start).
// Tenant name and run id become path segments, so they are validated, not rewritten: a rewritten run id
// could collide with another run's folder, and a silently renamed tenant folder would be hard to find.

import * as path from 'node:path';

/** The files of a run folder; results.json is written last, so it marks a complete run. */
export const WORKBOOK_FILE = 'report.xlsx';
export const FIRST_SEEN_FILE = 'first-seen.json';
export const RESULTS_FILE = 'results.json';

const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_SEGMENT_LENGTH = 128;

export class InvalidRunPathError extends Error {
  override readonly name = 'InvalidRunPathError';
}

export function runDirectory(reportsDir: string, tenantName: string, startedAt: Date, runId: string): string {
  assertSafeSegment('tenant name', tenantName);
  assertSafeSegment('run id', runId);
  if (Number.isNaN(startedAt.getTime())) {
    throw new InvalidRunPathError(`Invalid run start for run ${runId}: the Date is invalid`);
  }
  const day = startedAt.toISOString().slice(0, 10);
  return path.join(reportsDir, tenantName, `${day}-${runId}`);
}

function assertSafeSegment(what: string, value: string): void {
  if (value.length <= MAX_SEGMENT_LENGTH && SAFE_SEGMENT.test(value)) return;
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  throw new InvalidRunPathError(
    `Invalid ${what} ${shown} for a report folder: use 1 to ${MAX_SEGMENT_LENGTH} characters from ` +
      `A-Z a-z 0-9 . _ - and do not start with '.'`,
  );
}
