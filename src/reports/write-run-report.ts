// Writes a run's files into <reportsDir>/<tenant>/<YYYY-MM-DD>-<runId>/: report.xlsx, then results.json.
// Each file is written to a temporary name and renamed, and results.json comes last, so a reader that finds
// results.json also finds the complete workbook beside it. If either write fails, neither file is left.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { RunResults } from '../controls/types';
import { resultsJsonChunks } from './results-json';
import { computeDrift, type Drift } from './drift';
import { previousResults } from './report-store';
import { runDirectory } from './run-paths';
import { buildWorkbookLayout, type ReportNotice } from './workbook-layout';
import { ReportWriteError, syncToDisk, temporaryPathFor, writeWorkbook } from './write-workbook';

export const WORKBOOK_FILE = 'report.xlsx';
export const RESULTS_FILE = 'results.json';

export interface RunReportPaths {
  directory: string;
  workbookPath: string;
  resultsPath: string;
}

export async function writeRunReport(
  reportsDir: string,
  results: RunResults,
  notices: readonly ReportNotice[] = [],
): Promise<RunReportPaths> {
  const directory = runDirectory(reportsDir, results.tenant.name, new Date(results.startedAt), results.runId);
  const workbookPath = path.join(directory, WORKBOOK_FILE);
  const resultsPath = path.join(directory, RESULTS_FILE);

  let createdDirectory: string | undefined;
  try {
    createdDirectory = await fs.promises.mkdir(directory, { recursive: true });
  } catch (error) {
    throw new ReportWriteError(directory, error, 'creating');
  }

  try {
    const drift = driftSincePreviousRun(reportsDir, results);
    const allNotices = drift.notice ? [...notices, drift.notice] : notices;
    await writeWorkbook(workbookPath, buildWorkbookLayout(results, allNotices, drift.drift));
    await writeResultsAtomically(resultsPath, results);
  } catch (error) {
    await fs.promises.rm(workbookPath, { force: true }).catch(() => undefined);
    // Remove the run folder only if this call created it and it is empty; never touch older runs.
    if (createdDirectory !== undefined) await fs.promises.rmdir(directory).catch(() => undefined);
    throw error;
  }
  return { directory, workbookPath, resultsPath };
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
    const previous = previousResults(reportsDir, results.tenant.name, results.startedAt, results.runId);
    return { drift: computeDrift(previous, results) };
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

/** results.json through a temporary file, written piece by piece with backpressure, then synced and renamed. */
async function writeResultsAtomically(filePath: string, results: RunResults): Promise<void> {
  const tmpPath = temporaryPathFor(filePath);
  try {
    await pipeline(
      Readable.from(batched(resultsJsonChunks(results))),
      fs.createWriteStream(tmpPath, { flags: 'wx' }),
    );
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
