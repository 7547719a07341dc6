import * as fs from 'node:fs';
import { listRuns } from '../../reports/report-store';
import { DEFAULT_VERIFY_TIMEOUT_MS, verifyWithLibreOffice } from '../../reports/verify-with-libreoffice';
import { complianceScore } from '../../reports/workbook-layout';
import { EXIT, UsageError } from '../exit-codes';
import { loadCliConfig, type GlobalOptions } from '../load';
import { formatTable } from './schedule';

/** `crw report list [--tenant NAME]`: the complete runs in the report store, oldest first. No Redis needed. */
export function reportListCommand(options: GlobalOptions & { tenant?: string }): Promise<number> {
  const config = loadCliConfig(options);
  if (options.tenant !== undefined && !config.tenants.some((t) => t.name === options.tenant)) {
    const known = config.tenants.map((t) => t.name).join(', ');
    throw new UsageError(`unknown tenant "${options.tenant}" (configured: ${known})`);
  }
  const { runs, unreadable } = listRuns(config.reports.dir, options.tenant);
  for (const problem of unreadable) process.stderr.write(`skipped ${problem.path}: ${problem.reason}\n`);
  if (runs.length === 0) {
    process.stdout.write(`no complete runs in ${config.reports.dir}\n`);
    return Promise.resolve(EXIT.ok);
  }
  const rows = runs.map((run) => {
    const score = complianceScore({ summary: run.summary });
    const { pass, fail, error, skipped, findings } = run.summary;
    return [
      run.tenant,
      run.startedAt.replace('T', ' ').slice(0, 19),
      run.runId,
      score === null ? 'n/a' : `${(score * 100).toFixed(1)}%`,
      `${pass}/${fail}/${error}/${skipped}`,
      String(findings),
      run.directory,
    ];
  });
  process.stdout.write(
    formatTable(
      ['TENANT', 'STARTED (UTC)', 'RUN', 'SCORE', 'PASS/FAIL/ERROR/SKIPPED', 'FINDINGS', 'FOLDER'],
      rows,
    ),
  );
  return Promise.resolve(EXIT.ok);
}

/**
 * `crw report verify FILE`: LibreOffice headless loads every sheet; exit 0 when it did so without errors or
 * repairs, 3 when it reported a problem (or is not installed), 2 when FILE is not an .xlsx file that exists.
 */
export async function reportVerifyCommand(file: string, options: { timeout?: string }): Promise<number> {
  if (!file.toLowerCase().endsWith('.xlsx'))
    throw new UsageError(`${file}: not an .xlsx file (give the path of a report.xlsx)`);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new UsageError(`${file}: no such file (give the path of a report.xlsx, see crw report list)`);
  const seconds = options.timeout === undefined ? DEFAULT_VERIFY_TIMEOUT_MS / 1000 : Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout ${options.timeout}: not a positive number of seconds`);

  const result = await verifyWithLibreOffice(file, {
    soffice: process.env.CRW_SOFFICE || undefined,
    timeoutMs: seconds * 1000,
  });
  for (const sheet of result.sheets) process.stdout.write(`${sheet.name}: ${sheet.rows} rows\n`);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${problem}\n`);
    return EXIT.runtime;
  }
  process.stdout.write(`ok: LibreOffice opened ${file} without errors or repairs\n`);
  return EXIT.ok;
}
