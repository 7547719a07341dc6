// Retention of the report store: keep each tenant's newest `keepRuns` complete runs, delete the older ones.
// Only complete runs (results.json present, see report-store.ts) count and only they are deleted: a folder without
// results.json may be a run still being written. A run is deleted results.json first, so a crash mid-delete
// leaves an incomplete folder that nothing lists or compares against. Symbolic links are never followed: a run
// folder that is a link is neither counted nor deleted, and fs.rm removes links inside a run, not their targets.
// A run whose results.json cannot be read is left in place and reported in `failed` (it cannot be ordered, and
// an operator should look at it), so it does not count towards `keepRuns` either.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareCodeUnits } from './results-json';
import { RESULTS_FILE } from './run-paths';
/** results.json starts with schemaVersion, tenant, runId, startedAt (results-json.ts); they fit in far less. */
const HEAD_BYTES = 64 * 1024;

export interface RetentionCandidate {
  directory: string;
  runId: string;
  startedAt: string;
}

export interface PruneOptions {
  /** Run folder never to delete, whatever its age: the run just written. */
  keep?: string;
}

export interface PruneResult {
  /** Run folders deleted. */
  removed: string[];
  /** Run folders left in place because they could not be read or deleted, with the reason. */
  failed: Array<{ directory: string; reason: string }>;
}

/**
 * The complete runs to delete: all but the newest `keepRuns` (by startedAt, then runId, as report-store.ts
 * lists them) and never `keep`. An old `keep` (a resumed run) is kept beside the newest `keepRuns`.
 */
export function runsToRemove<T extends RetentionCandidate>(
  runs: readonly T[],
  keepRuns: number,
  keep?: string,
): T[] {
  assertKeepRuns(keepRuns);
  const kept = keep === undefined ? undefined : path.resolve(keep);
  const oldestFirst = [...runs].sort(
    (a, b) => compareCodeUnits(a.startedAt, b.startedAt) || compareCodeUnits(a.runId, b.runId),
  );
  return oldestFirst
    .slice(0, Math.max(0, oldestFirst.length - keepRuns))
    .filter((run) => path.resolve(run.directory) !== kept);
}

/**
 * Deletes the tenant's complete runs beyond the newest `keepRuns`. Disk problems never reject: they are returned
 * in `failed`. Rejects only for an invalid `keepRuns` or tenant name (programming errors).
 */
export async function pruneRuns(
  reportsDir: string,
  tenant: string,
  keepRuns: number,
  options: PruneOptions = {},
): Promise<PruneResult> {
  assertKeepRuns(keepRuns);
  // Config tenant names are already safe path segments; this guards against deleting outside the store.
  if (tenant === '' || tenant === '.' || tenant === '..' || tenant !== path.basename(tenant))
    throw new RangeError(`pruneRuns: tenant ${JSON.stringify(tenant)} is not a folder name`);
  const tenantDir = path.join(reportsDir, tenant);
  const result: PruneResult = { removed: [], failed: [] };

  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(tenantDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      result.failed.push({
        directory: tenantDir,
        reason: `cannot list the tenant's runs: ${message(error)}`,
      });
    return result;
  }

  const runs: RetentionCandidate[] = [];
  // Dirent types come from lstat: a symbolic link is never isDirectory(), so a linked run folder is skipped.
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const directory = path.join(tenantDir, entry.name);
    try {
      const head = await readRunHead(path.join(directory, RESULTS_FILE));
      if (head !== undefined) runs.push({ directory, ...head });
    } catch (error) {
      result.failed.push({
        directory,
        reason: `results.json unreadable, run left in place: ${message(error)}`,
      });
    }
  }

  for (const run of runsToRemove(runs, keepRuns, options.keep)) {
    try {
      await fs.promises.rm(path.join(run.directory, RESULTS_FILE), { force: true });
      await fs.promises.rm(run.directory, { recursive: true, force: true });
      result.removed.push(run.directory);
    } catch (error) {
      result.failed.push({ directory: run.directory, reason: `cannot delete: ${message(error)}` });
    }
  }
  return result;
}

/**
 * runId and startedAt of a complete run; undefined when the run is incomplete (no results.json). Reads only the
 * file's head: a results.json with a million findings is hundreds of MB, far too much to parse per run kept.
 * Keys are matched as raw `"name":` text, which cannot occur inside a JSON string (its quotes are escaped).
 */
async function readRunHead(resultsPath: string): Promise<{ runId: string; startedAt: string } | undefined> {
  let file: fs.promises.FileHandle;
  try {
    file = await fs.promises.open(resultsPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new Error('results.json is a symbolic link');
    throw error;
  }
  let head: string;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.toString('utf8', 0, bytesRead);
  } finally {
    await file.close();
  }
  const schemaVersion = /"schemaVersion"\s*:\s*(\d+)/.exec(head)?.[1];
  const runId = jsonString(head, 'runId');
  const startedAt = jsonString(head, 'startedAt');
  if (schemaVersion !== '1' || runId === undefined || startedAt === undefined)
    throw new Error('not a results.json of schemaVersion 1 (schemaVersion, runId or startedAt not found)');
  if (Number.isNaN(Date.parse(startedAt)))
    throw new Error(`startedAt ${JSON.stringify(startedAt)} is no date`);
  return { runId, startedAt };
}

function jsonString(text: string, key: string): string | undefined {
  const literal = new RegExp(`"${key}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(text)?.[1];
  return literal === undefined ? undefined : (JSON.parse(literal) as string);
}

function assertKeepRuns(keepRuns: number): void {
  if (!Number.isInteger(keepRuns) || keepRuns < 1)
    throw new RangeError(`keepRuns must be a positive integer, got ${keepRuns}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
