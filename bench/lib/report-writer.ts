// One workbook of N finding rows, in a child process of its own so that its peak RSS is this writer's alone.
// BENCH_REPORT_MODE=stream: the report's own writer (writeWorkbook: exceljs WorkbookWriter, backpressure, atomic
// rename) with the Findings sheet's columns and styles, rows produced lazily; memory: exceljs's in-memory Workbook
// with the same rows and styles (the baseline). Prints one JSON line: {rows, seconds, rowsPerSecond, maxRssMB}.
//   env: BENCH_REPORT_MODE, BENCH_REPORT_ROWS, BENCH_REPORT_FILE
import ExcelJS from 'exceljs';
import type { RunResults } from '../../src/controls/types';
import { findingsSheet, type CellValue, type WorkbookLayout } from '../../src/reports/workbook-layout';
import { writeWorkbook } from '../../src/reports/write-workbook';

const CONTROLS = ['CRW-EXO-05', 'CRW-ID-09', 'CRW-EXO-04', 'CRW-ID-04'];
const SEVERITIES = ['high', 'medium', 'low'];
const REMEDIATION =
  'Review each listed rule with the mailbox owner (a forwarding rule the owner did not create is a sign of a ' +
  'compromised account), remove it with Remove-InboxRule, and block automatic external forwarding org-wide.';
const FIRST_SEEN = [new Date('2026-10-01T03:00:00Z'), new Date('2026-11-01T03:00:00Z')];

/** Row i of the Findings sheet: realistic lengths, a few hostile strings (formula starts, RTL, emoji). */
function findingRow(i: number): CellValue[] {
  const hostile = i % 97 === 0 ? '=HYPERLINK("http://evil")' : i % 89 === 0 ? 'שלום 😀 ' : '';
  return [
    CONTROLS[i % CONTROLS.length] ?? '',
    SEVERITIES[i % SEVERITIES.length] ?? 'high',
    i % 2 === 0 ? 'mailbox' : 'user',
    `${hostile}user${i}@contoso.onmicrosoft.com`,
    `${(i * 2654435761).toString(16).padStart(8, '0')}-1f2e-4d3c-8b7a-${String(i).padStart(12, '0')}`,
    `inbox rule "Forward to home ${i % 13}" forwards to external recipients: x${i}@example.net, y${i}@example.org`,
    REMEDIATION,
    FIRST_SEEN[i % 2] ?? null,
    i % 2 === 0 ? 'persisting' : 'new',
  ];
}

function* findingRows(count: number): Generator<CellValue[]> {
  for (let i = 0; i < count; i++) yield findingRow(i);
}

/** Results without findings: the Findings sheet's columns, with the rows supplied by the bench. */
const EMPTY_RESULTS: RunResults = {
  schemaVersion: 1,
  tenant: { name: 'bench', tenantId: '00000000-0000-0000-0000-000000000000' },
  runId: 'bench',
  startedAt: new Date(0).toISOString(),
  finishedAt: new Date(0).toISOString(),
  controls: [],
  summary: { pass: 0, fail: 0, error: 0, skipped: 0, findings: 0 },
};

async function streamed(rows: number, file: string): Promise<void> {
  const sheet = findingsSheet(EMPTY_RESULTS);
  const layout: WorkbookLayout = {
    properties: { title: 'bench', subject: 'bench/report', created: new Date() },
    sheets: [{ ...sheet, rowCount: rows, rows: findingRows(rows) }],
  };
  await writeWorkbook(file, layout);
}

async function inMemory(rows: number, file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Findings', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = findingsSheet(EMPTY_RESULTS).columns.map(({ header }) => ({ header, width: 20 }));
  sheet.getRow(1).font = { bold: true };
  for (const values of findingRows(rows)) {
    const row = sheet.addRow(values);
    row.getCell(6).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(7).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(8).numFmt = 'yyyy-mm-dd hh:mm:ss';
  }
  await workbook.xlsx.writeFile(file);
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_REPORT_MODE;
  const rows = Number(process.env.BENCH_REPORT_ROWS ?? 100_000);
  const file = process.env.BENCH_REPORT_FILE ?? '';
  const started = process.hrtime.bigint();
  if (mode === 'stream') await streamed(rows, file);
  else if (mode === 'memory') await inMemory(rows, file);
  else throw new Error(`BENCH_REPORT_MODE must be stream or memory, not ${mode}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `${JSON.stringify({ rows, seconds, rowsPerSecond: Math.round(rows / seconds), maxRssMB })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('report-writer:', error);
    process.exit(1);
  },
);
