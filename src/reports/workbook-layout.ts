// Pure layout of the run's workbook: what each sheet shows, in which order. No exceljs here; the writer turns
// these specs into cells and styles. Text is passed as is; the writer makes it safe (cell-text.ts).

import type { ControlResult, Finding, RunResults, Severity } from '../controls/types';
import { computeDrift, describeControlChange, findingKey, type Drift, type DriftFinding } from './drift';
import { compareCodeUnits } from './results-json';

/** A link to a cell of another sheet of the same workbook, e.g. `Findings!A12`. */
export interface InternalLink {
  text: string;
  location: string;
}

export type CellValue = string | number | boolean | Date | InternalLink | null;

/**
 * How the writer presents a column: `wrap` for long text, `status` for coloured pass/fail/error/skipped, `date`
 * for Date cells (a spooled inventory column carries ISO text until it is decoded).
 */
export type ColumnKind = 'text' | 'wrap' | 'number' | 'status' | 'date';

export interface ColumnSpec {
  header: string;
  /** Width in Excel character units. */
  width: number;
  kind: ColumnKind;
}

/** One "label: value" line of the block above a sheet's table. */
export interface FieldSpec {
  label: string;
  value: CellValue;
  /** `percent`: value is a fraction (0.5 shows as 50.0%). Dates always get a date format. */
  format?: 'percent';
}

export interface SheetSpec {
  /** Sheet name: at most 31 characters, none of : \ / ? * [ ]. */
  name: string;
  /** Lines above the table (may be empty); a blank row separates them from the table. */
  fields: FieldSpec[];
  columns: ColumnSpec[];
  /** Number of table rows (the autofilter covers them before they are produced). */
  rowCount: number;
  /**
   * The table rows, produced as the writer asks for them: a million findings are never all rows at once.
   * Inventory rows come asynchronously, from the run's checkpoint.
   */
  rows: Iterable<CellValue[]> | AsyncIterable<CellValue[]>;
}

export interface WorkbookLayout {
  properties: { title: string; subject: string; created: Date };
  sheets: SheetSpec[];
}

/**
 * Something the compliance officer should know about the run itself rather than the tenant: a credential that
 * expires soon, permissions missing or beyond what the controls need. Shown in the Summary, not in results.json.
 */
export interface ReportNotice {
  kind: 'credential-expiry' | 'missing-permission' | 'excess-permission' | 'previous-run';
  message: string;
}

const NOTICE_LABELS: Record<ReportNotice['kind'], string> = {
  'credential-expiry': 'Warning: credential expiry',
  'missing-permission': 'Warning: missing permission',
  'excess-permission': 'Warning: excess permission',
  'previous-run': 'Warning: no comparison',
};

const SEVERITIES_MOST_SEVERE_FIRST: readonly Severity[] = ['high', 'medium', 'low'];

/** The Findings sheet's name; the Summary links into it. */
export const FINDINGS_SHEET = 'Findings';
/** The Findings sheet has no fields above its table: its header is row 1. */
const FINDINGS_HEADER_ROW = 1;

/** What the workbook shows besides the results. */
export interface ReportInputs {
  /** Warnings about the run itself (credential expiry, permissions, no comparison). */
  notices?: readonly ReportNotice[];
  /** Drift against the tenant's previous run (default: none, as for a first run). */
  drift?: Drift;
  /** Each control's remediation text, by control id (the control catalogue). */
  remediation?: ReadonlyMap<string, string>;
  /** The inventory sheets (after Findings and Changes) and the Summary's "assets scanned" lines. */
  inventory?: { sheets: SheetSpec[]; assets: FieldSpec[] };
}

export function buildWorkbookLayout(results: RunResults, inputs: ReportInputs = {}): WorkbookLayout {
  const drift = inputs.drift ?? computeDrift(null, results);
  return {
    properties: {
      title: `Compliance report: ${results.tenant.name} (${results.startedAt.slice(0, 10)})`,
      subject: `Microsoft 365 compliance controls for tenant ${results.tenant.name}, run ${results.runId}`,
      // The run's end, not the wall clock, so that the layout is a pure function of the results.
      created: new Date(results.finishedAt),
    },
    sheets: [
      summarySheet(results, { ...inputs, drift }),
      findingsSheet(results, drift, inputs.remediation),
      changesSheet(drift),
      ...(inputs.inventory?.sheets ?? []),
    ],
  };
}

/** Passed controls over evaluated ones (pass + fail); null when no control could be evaluated. */
export function complianceScore(results: Pick<RunResults, 'summary'>): number | null {
  const evaluated = results.summary.pass + results.summary.fail;
  return evaluated === 0 ? null : results.summary.pass / evaluated;
}

export function summarySheet(results: RunResults, inputs: ReportInputs = {}): SheetSpec {
  const score = complianceScore(results);
  const { summary } = results;
  const drift = inputs.drift ?? computeDrift(null, results);
  const notices = inputs.notices ?? [];
  const firstRows = firstFindingRows(results.controls);
  return {
    name: 'Summary',
    fields: [
      { label: 'Tenant name', value: results.tenant.name },
      { label: 'Tenant id', value: results.tenant.tenantId },
      { label: 'Run id', value: results.runId },
      { label: 'Run window start (UTC)', value: new Date(results.startedAt) },
      { label: 'Run window end (UTC)', value: new Date(results.finishedAt) },
      ...(inputs.inventory?.assets ?? []),
      score === null
        ? { label: 'Score (passed / evaluated)', value: 'n/a: no control could be evaluated' }
        : { label: 'Score (passed / evaluated)', value: score, format: 'percent' },
      { label: 'Controls passed', value: summary.pass },
      { label: 'Controls failed', value: summary.fail },
      { label: 'Controls in error', value: summary.error },
      { label: 'Controls skipped', value: summary.skipped },
      { label: 'Findings', value: summary.findings },
      ...notices.map((notice) => ({ label: NOTICE_LABELS[notice.kind], value: notice.message })),
    ],
    columns: [
      { header: 'Control', width: 26, kind: 'text' },
      { header: 'Title', width: 55, kind: 'wrap' },
      { header: 'Severity', width: 10, kind: 'text' },
      { header: 'Status', width: 10, kind: 'status' },
      { header: 'Findings', width: 10, kind: 'number' },
      { header: 'Change since last run', width: 28, kind: 'wrap' },
      { header: 'Reason', width: 60, kind: 'wrap' },
    ],
    rowCount: results.controls.length,
    rows: results.controls.map((control) => {
      const row = firstRows.get(control.id);
      return [
        // The control's first finding is one click away.
        row === undefined ? control.id : { text: control.id, location: `${FINDINGS_SHEET}!A${row}` },
        control.title,
        control.severity,
        control.status,
        control.findings.length,
        describeControlChange(drift, control.id, control.status),
        control.reason,
      ];
    }),
  };
}

/** The Findings sheet row of each control's first finding, counted along the sheet's own order. */
function firstFindingRows(controls: readonly ControlResult[]): Map<string, number> {
  const rows = new Map<string, number>();
  let row = FINDINGS_HEADER_ROW;
  for (const { control } of orderedFindings(controls)) {
    row++;
    if (!rows.has(control.id)) rows.set(control.id, row);
  }
  return rows;
}

/** The columns of a finding, shared by the Findings sheet and the Changes sheet. */
const FINDING_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Control', width: 14, kind: 'text' },
  { header: 'Severity', width: 10, kind: 'text' },
  { header: 'Asset type', width: 11, kind: 'text' },
  { header: 'Asset', width: 40, kind: 'text' },
  { header: 'Asset id', width: 38, kind: 'text' },
  { header: 'Detail', width: 80, kind: 'wrap' },
];

/**
 * One row per finding, most severe first, with what to do about it and since when it has been open. Without a
 * drift (a first run, or a layout built alone) every finding is new as of this run.
 */
export function findingsSheet(
  results: RunResults,
  drift: Drift = computeDrift(null, results),
  remediation: ReadonlyMap<string, string> = new Map(),
): SheetSpec {
  const startedAt = new Date(results.startedAt);
  return {
    name: FINDINGS_SHEET,
    fields: [],
    columns: [
      ...FINDING_COLUMNS,
      { header: 'Remediation', width: 60, kind: 'wrap' },
      { header: 'First seen (UTC)', width: 20, kind: 'date' },
      { header: 'New or persisting', width: 12, kind: 'text' },
    ],
    rowCount: results.controls.reduce((n, control) => n + control.findings.length, 0),
    rows: mapRows(orderedFindings(results.controls), ({ control, finding, severity }) => {
      // No key to build when nothing persists (a first run): a million rows stay cheap.
      const firstSeen =
        drift.persisting.size === 0 ? undefined : drift.persisting.get(findingKey(control.id, finding));
      return [
        control.id,
        severity,
        finding.assetType,
        finding.assetName,
        finding.assetId,
        finding.detail,
        remediation.get(control.id) ?? null,
        firstSeen === undefined ? startedAt : new Date(firstSeen),
        firstSeen === undefined ? 'new' : 'persisting',
      ];
    }),
  };
}

function* mapRows<T>(items: Iterable<T>, row: (item: T) => CellValue[]): Generator<CellValue[]> {
  for (const item of items) yield row(item);
}

/** What changed since the tenant's previous run: status changes, new failures, resolved findings. */
export function changesSheet(drift: Drift): SheetSpec {
  const rows: CellValue[][] = [
    ...drift.statusChanges.map((c) => [
      'status changed',
      c.controlId,
      null,
      null,
      null,
      null,
      `${c.title}: ${c.from} → ${c.to}`,
    ]),
    ...drift.newFindings.map((f) => findingChangeRow('new finding', f)),
    ...drift.resolvedFindings.map((f) => findingChangeRow('resolved', f)),
  ];
  return {
    name: 'Changes',
    fields: [
      {
        label: 'Compared with run',
        value: drift.previous ? `${drift.previous.runId} (${drift.previous.startedAt})` : 'none: first run',
      },
      { label: 'Controls that changed status', value: drift.statusChanges.length },
      { label: 'New findings', value: drift.newFindings.length },
      { label: 'Resolved findings', value: drift.resolvedFindings.length },
    ],
    columns: [{ header: 'Change', width: 16, kind: 'text' }, ...FINDING_COLUMNS],
    rowCount: rows.length,
    rows,
  };
}

function findingChangeRow(change: string, { controlId, severity, finding }: DriftFinding): CellValue[] {
  return [change, controlId, severity, finding.assetType, finding.assetName, finding.assetId, finding.detail];
}

interface FindingRow {
  control: ControlResult;
  finding: Finding;
  severity: Severity;
}

/**
 * Most severe first, then by control id, then in results order: one pass over the controls per severity
 * instead of a sort, so that no row is built before the writer asks for it.
 */
export function* orderedFindings(controls: readonly ControlResult[]): Generator<FindingRow> {
  const byId = [...controls].sort((a, b) => compareCodeUnits(a.id, b.id));
  for (const severity of SEVERITIES_MOST_SEVERE_FIRST) {
    for (const control of byId) {
      for (const finding of control.findings) {
        if ((finding.severity ?? control.severity) === severity) yield { control, finding, severity };
      }
    }
  }
}
