// The report store: <reportsDir>/<tenant>/<YYYY-MM-DD>-<runId>/{report.xlsx,results.json}. A run counts once its
// results.json exists (it is written last, after the complete workbook), so a run still being written or one
// that failed is never listed and never compared against.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResultsSummary, RunResults } from '../controls/types';
import { readFirstSeen } from './first-seen';
import { FIRST_SEEN_FILE, RESULTS_FILE } from './run-paths';

export interface StoredRun {
  tenant: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  summary: ResultsSummary;
  directory: string;
  resultsPath: string;
}

export interface StoreListing {
  runs: StoredRun[];
  /** results.json files that could not be read, with the reason (listed, never fatal). */
  unreadable: Array<{ path: string; reason: string }>;
}

function subdirectories(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Reads and checks one results.json; throws with the reason when it is not one. */
export function readResults(resultsPath: string): RunResults {
  const parsed = JSON.parse(fs.readFileSync(resultsPath, 'utf8')) as Partial<RunResults>;
  if (parsed.schemaVersion !== 1 || typeof parsed.startedAt !== 'string' || !Array.isArray(parsed.controls))
    throw new Error('not a results.json of schemaVersion 1');
  return parsed as RunResults;
}

/** Every complete run, of one tenant or all, oldest first. */
export function listRuns(reportsDir: string, tenant?: string): StoreListing {
  const listing: StoreListing = { runs: [], unreadable: [] };
  const tenants = tenant === undefined ? subdirectories(reportsDir) : [tenant];
  for (const name of tenants) {
    for (const runDir of subdirectories(path.join(reportsDir, name))) {
      const directory = path.join(reportsDir, name, runDir);
      const resultsPath = path.join(directory, RESULTS_FILE);
      if (!fs.existsSync(resultsPath)) continue;
      try {
        const results = readResults(resultsPath);
        listing.runs.push({
          tenant: results.tenant.name,
          runId: results.runId,
          startedAt: results.startedAt,
          finishedAt: results.finishedAt,
          summary: results.summary,
          directory,
          resultsPath,
        });
      } catch (error) {
        listing.unreadable.push({ path: resultsPath, reason: (error as Error).message });
      }
    }
  }
  listing.runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
  return listing;
}

/** A stored run as the next run compares against it. */
export interface PreviousRun {
  results: RunResults;
  /** When each of its findings was first seen, by findingKey; empty for a run from before first-seen.json. */
  firstSeen: Map<string, string>;
}

/**
 * The tenant's latest complete run that started before `before` (ISO), other than `runId`, with what it recorded
 * of its findings' first sightings; null when none. A run without first-seen.json (written before it existed)
 * counts each of its findings as first seen at its own start.
 */
export function previousRun(
  reportsDir: string,
  tenant: string,
  before: string,
  runId: string,
): PreviousRun | null {
  const found = previousResults(reportsDir, tenant, before, runId);
  if (found === null) return null;
  const firstSeenPath = path.join(found.directory, FIRST_SEEN_FILE);
  if (!fs.existsSync(firstSeenPath)) return { results: found.results, firstSeen: new Map() };
  return { results: found.results, firstSeen: readFirstSeen(firstSeenPath, found.results) };
}

/**
 * The tenant's latest complete run that started before `before` (ISO), other than `runId`, and its folder; null
 * when none. Run folders start with their UTC start date, so only the newest day that has an earlier run is
 * read, not the whole history.
 */
export function previousResults(
  reportsDir: string,
  tenant: string,
  before: string,
  runId: string,
): { results: RunResults; directory: string } | null {
  const tenantDir = path.join(reportsDir, tenant);
  const byDay = new Map<string, string[]>();
  for (const name of subdirectories(tenantDir)) {
    const day = /^\d{4}-\d{2}-\d{2}(?=-)/.exec(name)?.[0];
    if (day === undefined || day > before.slice(0, 10)) continue;
    byDay.set(day, [...(byDay.get(day) ?? []), name]);
  }
  for (const day of [...byDay.keys()].sort().reverse()) {
    let latest: { results: RunResults; directory: string } | null = null;
    for (const name of byDay.get(day) ?? []) {
      const directory = path.join(tenantDir, name);
      const resultsPath = path.join(directory, RESULTS_FILE);
      if (!fs.existsSync(resultsPath)) continue;
      const results = readResults(resultsPath);
      if (results.runId === runId || results.startedAt >= before) continue;
      if (latest === null || results.startedAt > latest.results.startedAt) latest = { results, directory };
    }
    if (latest !== null) return latest;
  }
  return null;
}
