// What the report mail says, reduced from a run's results and its drift when the report is written: small enough to
// travel in the delivery job's payload (a million findings become a handful of numbers), so that a delivery never
// re-reads the report store to compose its message. Pure.

import type { ControlStatus, RunResults, Severity } from '../controls/types';
import type { Drift } from '../reports/drift';
import { complianceScore } from '../reports/workbook-layout';

/** At most this many failing controls are named in the mail; the workbook has them all. */
export const TOP_FAILING = 5;

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export interface ReportDigest {
  tenant: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Passed over evaluated controls; null when none could be evaluated. */
  score: number | null;
  controls: Record<ControlStatus, number>;
  /** Findings by their severity (a finding's own severity, else its control's). */
  findingsBySeverity: Record<Severity, number>;
  findings: number;
  /** Failing controls, most severe first, then most findings: at most TOP_FAILING. */
  topFailing: Array<{ id: string; title: string; severity: Severity; findings: number }>;
  /** Against the tenant's previous complete run; null for its first run. */
  change: {
    previousRunId: string;
    newFindings: number;
    resolvedFindings: number;
    statusChanges: Array<{ id: string; from: ControlStatus; to: ControlStatus }>;
  } | null;
}

export function reportDigest(results: RunResults, drift: Drift): ReportDigest {
  const findingsBySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const control of results.controls) {
    for (const finding of control.findings) findingsBySeverity[finding.severity ?? control.severity]++;
  }
  const topFailing = results.controls
    .filter((c) => c.status === 'fail')
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        b.findings.length - a.findings.length ||
        (a.id < b.id ? -1 : 1),
    )
    .slice(0, TOP_FAILING)
    .map((c) => ({ id: c.id, title: c.title, severity: c.severity, findings: c.findings.length }));
  const { pass, fail, error, skipped, findings } = results.summary;
  return {
    tenant: results.tenant.name,
    runId: results.runId,
    startedAt: results.startedAt,
    finishedAt: results.finishedAt,
    score: complianceScore(results),
    controls: { pass, fail, error, skipped },
    findingsBySeverity,
    findings,
    topFailing,
    change:
      drift.previous === null
        ? null
        : {
            previousRunId: drift.previous.runId,
            newFindings: drift.newFindings.length,
            resolvedFindings: drift.resolvedFindings.length,
            statusChanges: drift.statusChanges.map((c) => ({ id: c.controlId, from: c.from, to: c.to })),
          },
  };
}
