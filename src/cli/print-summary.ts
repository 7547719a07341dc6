import type { RunResults } from '../controls/types';
import type { ScanJobResult } from '../jobs/scan-job';

const MAX_FINDINGS_SHOWN = 8;

/** The one-screen summary of a run: where the files are, the score, each evaluated control, top findings. */
export function formatRunSummary(
  paths: Pick<ScanJobResult, 'workbookPath' | 'resultsPath'>,
  results: RunResults,
): string {
  const { summary } = results;
  const evaluated = summary.pass + summary.fail;
  const score = evaluated === 0 ? 'n/a' : `${Math.round((summary.pass / evaluated) * 100)}%`;
  const lines = [
    `report.xlsx:  ${paths.workbookPath}`,
    `results.json: ${paths.resultsPath}`,
    '',
    `Tenant ${results.tenant.name} (${results.tenant.tenantId}), run ${results.runId}`,
    `Score ${score}: ${summary.pass} pass, ${summary.fail} fail, ${summary.error} error, ${summary.skipped} skipped, ${summary.findings} findings`,
    '',
  ];
  for (const c of results.controls) {
    if (c.status === 'skipped') continue;
    const note =
      c.status === 'error'
        ? `  ${c.reason ?? ''}`
        : c.findings.length
          ? `  ${c.findings.length} finding${c.findings.length === 1 ? '' : 's'}`
          : '';
    lines.push(
      `  ${c.status.toUpperCase().padEnd(5)} ${c.id.padEnd(11)} ${c.severity.padEnd(6)} ${c.title}${note}`,
    );
  }
  const findings = results.controls.flatMap((c) => c.findings.map((f) => ({ control: c.id, ...f })));
  if (findings.length > 0) {
    lines.push('', 'Findings:');
    for (const f of findings.slice(0, MAX_FINDINGS_SHOWN))
      lines.push(clip(`  ${f.control}  ${f.assetName}: ${f.detail}`));
    if (findings.length > MAX_FINDINGS_SHOWN) {
      lines.push(`  … and ${findings.length - MAX_FINDINGS_SHOWN} more in the workbook`);
    }
  }
  return lines.join('\n') + '\n';
}

export function printRunSummary(
  out: NodeJS.WritableStream,
  paths: Pick<ScanJobResult, 'workbookPath' | 'resultsPath'>,
  results: RunResults,
): void {
  out.write(formatRunSummary(paths, results));
}

function clip(line: string, width = 120): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
