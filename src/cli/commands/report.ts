import { listRuns } from '../../reports/report-store';
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
