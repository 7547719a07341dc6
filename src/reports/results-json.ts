// Builds the content of results.json (CONTROLS.md): canonical order, summary counts, ISO-8601 timestamps.
// Identical tenant states must give identical `controls` arrays, so every sort is total and uses plain
// code-unit comparison (JavaScript's default sort), never locale-aware comparison.

import type { ControlResult, Finding, ResultsSummary, RunResults } from '../controls/types';

export interface RunResultsInput {
  tenant: { name: string; tenantId: string };
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  controls: ControlResult[];
}

/** Code-unit comparison, the same order as `Array.prototype.sort()` without a comparator. */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Orders findings by assetName, then detail, then assetId. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareCodeUnits(a.assetName, b.assetName) ||
    compareCodeUnits(a.detail, b.detail) ||
    compareCodeUnits(a.assetId, b.assetId)
  );
}

export function buildRunResults(input: RunResultsInput): RunResults {
  const controls = input.controls.map(copyControl).sort((a, b) => compareCodeUnits(a.id, b.id));
  return {
    schemaVersion: 1,
    tenant: { name: input.tenant.name, tenantId: input.tenant.tenantId },
    runId: input.runId,
    startedAt: toIso(input.startedAt, 'startedAt'),
    finishedAt: toIso(input.finishedAt, 'finishedAt'),
    controls,
    summary: summarize(controls),
  };
}

export function summarize(controls: readonly ControlResult[]): ResultsSummary {
  const summary: ResultsSummary = { pass: 0, fail: 0, error: 0, skipped: 0, findings: 0 };
  for (const control of controls) {
    summary[control.status] += 1;
    summary.findings += control.findings.length;
  }
  return summary;
}

// A fixed key order so that the JSON text is stable too; never mutates the caller's arrays. The findings are
// shared, not copied (a million of them would double the memory): resultsJsonChunks writes their keys in order.
function copyControl(control: ControlResult): ControlResult {
  return {
    id: control.id,
    title: control.title,
    severity: control.severity,
    status: control.status,
    reason: control.reason,
    references: [...control.references],
    findings: [...control.findings].sort(compareFindings),
  };
}

/**
 * The text of results.json (built by buildRunResults), exactly `JSON.stringify(results, null, 2)` with canonical
 * key order, in pieces: one finding at a time, so that a million findings never become one string in memory.
 */
export function* resultsJsonChunks(results: RunResults): Generator<string> {
  const { schemaVersion, tenant, runId, startedAt, finishedAt, controls, summary } = results;
  const head = stringifyAt({ schemaVersion, tenant, runId, startedAt, finishedAt }, 0);
  yield `${head.slice(0, -2)},\n  "controls": [`;
  for (const [index, control] of controls.entries()) {
    const { id, title, severity, status, reason, references, findings } = control;
    const metaText = stringifyAt({ id, title, severity, status, reason, references }, 2);
    yield `${index === 0 ? '' : ','}\n    ${metaText.slice(0, -6)},\n      "findings": [`;
    for (const [at, finding] of findings.entries()) {
      yield `${at === 0 ? '' : ','}\n        ${stringifyAt(copyFinding(finding), 4)}`;
    }
    yield findings.length === 0 ? ']\n    }' : '\n      ]\n    }';
  }
  yield controls.length === 0 ? ']' : '\n  ]';
  yield `,\n  "summary": ${stringifyAt(summary, 1)}\n}`;
}

/** JSON.stringify(value, null, 2) as it reads nested `depth` levels deep (JSON text has no raw newlines). */
function stringifyAt(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

function copyFinding(finding: Finding): Finding {
  const copy: Finding = {
    assetType: finding.assetType,
    assetId: finding.assetId,
    assetName: finding.assetName,
    detail: finding.detail,
  };
  if (finding.severity !== undefined) copy.severity = finding.severity;
  return copy;
}

function toIso(date: Date, field: string): string {
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`Cannot build results.json: ${field} is an invalid Date`);
  }
  return date.toISOString();
}
