// Writes a run's files into <reportsDir>/<tenant>/<YYYY-MM-DD>-<runId>/: report.xlsx, first-seen.json, then
// results.json. Each file is written to a temporary name and renamed, and results.json comes last, so a reader
// that finds results.json also finds the complete workbook beside it. If any write fails, none is left.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { RunResults } from '../controls/types';
import { resultsJsonChunks } from './results-json';
import { computeDrift, type Drift } from './drift';
import { firstSeenChunks } from './first-seen';
import { previousRun } from './report-store';
import { FIRST_SEEN_FILE, RESULTS_FILE, runDirectory, WORKBOOK_FILE } from './run-paths';
import { buildWorkbookLayout, type ReportInputs, type ReportNotice } from './workbook-layout';
import { ReportWriteError, syncToDisk, temporaryPathFor, writeWorkbook } from './write-workbook';

export interface RunReportPaths {
  directory: string;
  workbookPath: string;
  resultsPath: string;
  /** What the report compared against the tenant's previous run (for the report mail). */
  drift: Drift;
}

/** What the workbook shows besides the results; drift is computed here, against the report store. */
export type RunReportInputs = Omit<ReportInputs, 'drift'>;

export async function writeRunReport(
  reportsDir: string,
  results: RunResults,
  inputs: RunReportInputs = {},
): Promise<RunReportPaths> {
  const directory = runDirectory(reportsDir, results.tenant.name, new Date(results.startedAt), results.runId);
  const workbookPath = path.join(directory, WORKBOOK_FILE);
  const firstSeenPath = path.join(directory, FIRST_SEEN_FILE);
  const resultsPath = path.join(directory, RESULTS_FILE);

  let createdDirectory: string | undefined;
  try {
    createdDirectory = await fs.promises.mkdir(directory, { recursive: true });
  } catch (error) {
    throw new ReportWriteError(directory, error, 'creating');
  }

  // A previous run that cannot be read costs the comparison, not the report (the Summary says why).
  const compared = driftSincePreviousRun(reportsDir, results);
  const { drift } = compared;
  try {
    const notices = [...(inputs.notices ?? []), ...(compared.notice ? [compared.notice] : [])];
    await writeWorkbook(workbookPath, buildWorkbookLayout(results, { ...inputs, notices, drift }));
    await writeAtomically(firstSeenPath, firstSeenChunks(results, drift));
    await writeAtomically(resultsPath, resultsJsonChunks(results));
  } catch (error) {
    for (const file of [workbookPath, firstSeenPath])
      await fs.promises.rm(file, { force: true }).catch(() => undefined);
    // Remove the run folder only if this call created it and it is empty; never touch older runs.
    if (createdDirectory !== undefined) await fs.promises.rmdir(directory).catch(() => undefined);
    throw error;
  }
  return { directory, workbookPath, resultsPath, drift };
}

/**
 * Drift against the tenant's previous complete run in the store. A previous results.json that cannot be read
 * costs the comparison, not the report: the Summary says why there is none.
 */
function driftSincePreviousRun(
  reportsDir: string,
  results: RunResults,
): { drift: Drift; notice?: ReportNotice } {
  try {
    const previous = previousRun(reportsDir, results.tenant.name, results.startedAt, results.runId);
    if (previous === null) return { drift: computeDrift(null, results) };
    return { drift: computeDrift(previous.results, results, previous.firstSeen) };
  } catch (error) {
    return {
      drift: computeDrift(null, results),
      notice: {
        kind: 'previous-run',
        message: `no comparison with the previous run: ${(error as Error).message} (in ${path.join(reportsDir, results.tenant.name)})`,
      },
    };
  }
}

/** A JSON file through a temporary file, written piece by piece with backpressure, then synced and renamed. */
async function writeAtomically(filePath: string, chunks: Iterable<string>): Promise<void> {
  const tmpPath = temporaryPathFor(filePath);
  try {
    await pipeline(Readable.from(batched(chunks)), fs.createWriteStream(tmpPath, { flags: 'wx' }));
    await syncToDisk(tmpPath);
    await fs.promises.rename(tmpPath, filePath);
  } catch (error) {
    await fs.promises.rm(tmpPath, { force: true }).catch(() => undefined);
    throw new ReportWriteError(filePath, error);
  }
}

/** Joins small pieces into writes of about 64 KiB, ending with the file's final newline. */
function* batched(chunks: Iterable<string>): Generator<string> {
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}\n`;
}
