// `npm run verify:report -- FILE` / `crw report verify FILE`: LibreOffice headless loads every sheet of a real
// report; a damaged copy (truncated or broken sheet XML, rows LibreOffice drops) and a file that is not a workbook
// fail naming the file. Needs LibreOffice (Debian package libreoffice-calc): skipped without it, except in CI.
import { forwardingControl } from './helpers/report-fixtures';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import JSZip from 'jszip';

import { buildRunResults } from '../src/reports/results-json';
import { LibreOfficeUnavailableError, verifyWithLibreOffice } from '../src/reports/verify-with-libreoffice';
import { writeRunReport } from '../src/reports/write-run-report';
import { CLI } from './helpers/sim-workspace';

const FINDINGS_PART = 'xl/worksheets/sheet2.xml';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));
}

const HAVE_SOFFICE = onPath('soffice');
if (!HAVE_SOFFICE)
  console.warn(
    'verify-report tests skipped: soffice not found; install the Debian package libreoffice-calc ' +
      '(apt-get install --no-install-recommends libreoffice-calc)',
  );
const withSoffice = HAVE_SOFFICE ? describe : describe.skip;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function results(findings: number) {
  return buildRunResults({
    tenant: { name: 'contoso', tenantId: '11111111-1111-1111-1111-111111111111' },
    runId: 'run-verify',
    startedAt: new Date('2026-01-05T06:00:00Z'),
    finishedAt: new Date('2026-01-05T06:01:00Z'),
    controls: [
      forwardingControl(
        Array.from({ length: findings }, (_, i) => ({
          assetType: 'mailbox',
          assetId: `mbx-${i}`,
          assetName: i % 3 === 0 ? `=HYPERLINK("https://evil.example/${i}")` : `user${i}@contoso.com`,
          detail: i % 4 === 0 ? `forwards to "x${i}",\nsecond line: מחלקת 📧` : 'forwards',
        })),
      ),
      {
        id: 'CRW-ID-02',
        title: 'Global Administrator count is within range',
        severity: 'high',
        status: 'pass',
        reason: null,
        references: [],
        findings: [],
      },
    ],
  });
}

let dir: string;
let good: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-verify-report-'));
  good = (await writeRunReport(path.join(dir, 'reports'), results(40))).workbookPath;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the good workbook with one part rewritten. */
async function damagedCopy(name: string, rewrite: (xml: string) => string): Promise<string> {
  const zip = await JSZip.loadAsync(fs.readFileSync(good));
  const part = zip.file(FINDINGS_PART);
  if (part === null) throw new Error(`${FINDINGS_PART} is not in ${good}`);
  zip.file(FINDINGS_PART, rewrite(await part.async('string')));
  const file = path.join(dir, name);
  fs.writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return file;
}

it('has LibreOffice where CI runs (.ci/run installs libreoffice-calc)', () => {
  if (process.env.CI && !HAVE_SOFFICE)
    throw new Error('soffice is not on the PATH: install the Debian package libreoffice-calc');
});

it('names the Debian package when LibreOffice is not installed', async () => {
  await expect(verifyWithLibreOffice(good, { soffice: path.join(dir, 'no-soffice') })).rejects.toThrow(
    LibreOfficeUnavailableError,
  );
  await expect(verifyWithLibreOffice(good, { soffice: path.join(dir, 'no-soffice') })).rejects.toThrow(
    /install the Debian package libreoffice-calc/,
  );
});

withSoffice('verifyWithLibreOffice', () => {
  it('opens a written report: every sheet, every row, nothing written beside it', async () => {
    const before = fs.readdirSync(path.dirname(good)).sort();
    const started = Date.now();
    const result = await verifyWithLibreOffice(good);
    console.log(`one verification took ${Date.now() - started} ms`);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const names = result.sheets.map((sheet) => sheet.name);
    expect(names.slice(0, 3)).toEqual(['Summary', 'Findings', 'Changes']);
    // Findings: a header and one row per finding (cells with newlines stay one row).
    expect(result.sheets.find((sheet) => sheet.name === 'Findings')?.rows).toBe(41);
    expect(fs.readdirSync(path.dirname(good)).sort()).toEqual(before);
  });

  it('fails on a truncated sheet, naming the file and the part', async () => {
    const file = await damagedCopy('truncated.xlsx', (xml) => xml.slice(0, Math.floor(xml.length / 2)));
    const result = await verifyWithLibreOffice(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(
      expect.stringMatching(`^${escapeRegExp(`${file}: damaged package: ${FINDINGS_PART}`)}.*truncated`),
    );
  });

  it('fails on broken XML inside a sheet', async () => {
    const file = await damagedCopy('broken.xlsx', (xml) => xml.replace('<row r="5"', '<row r="5" <'));
    const result = await verifyWithLibreOffice(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(
      expect.stringMatching(
        `^${escapeRegExp(`${file}: damaged package: ${FINDINGS_PART}: not well-formed XML`)}`,
      ),
    );
  });

  it('fails when LibreOffice loads fewer rows than the sheet holds', async () => {
    // Well-formed, but beyond LibreOffice's last row (1,048,576): it drops the row without a word.
    const file = await damagedCopy('too-long.xlsx', (xml) =>
      xml.replace(
        '</sheetData>',
        '<row r="2000000"><c r="A2000000" t="str"><v>lost</v></c></row></sheetData>',
      ),
    );
    const result = await verifyWithLibreOffice(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      `${file}: sheet "Findings" holds values up to row 2000000, LibreOffice loaded 41 rows (content dropped or repaired)`,
    ]);
  });

  it('fails on a file that is not a workbook', async () => {
    const file = path.join(dir, 'text.xlsx');
    fs.writeFileSync(file, 'tenant,score\ncontoso,44%\n');
    const result = await verifyWithLibreOffice(file);
    expect(result.ok).toBe(false);
    expect(result.sheets).toEqual([]);
    expect(result.problems).toContainEqual(
      `${file}: not an .xlsx workbook: not a ZIP archive (no end of central directory record)`,
    );
    expect(result.problems).toContainEqual(`${file}: LibreOffice: Error: source file could not be loaded`);
  });
});

describe('crw report verify', () => {
  const crw = (file: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [CLI, 'report', 'verify', file], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  (HAVE_SOFFICE ? it : it.skip)('exits 0 for a good report and 3 for a damaged one', async () => {
    const ok = crw(good);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Summary: \d+ rows\nFindings: 41 rows\nChanges: \d+ rows\n/);
    expect(ok.stdout).toMatch(
      new RegExp(`\nok: LibreOffice opened ${escapeRegExp(good)} without errors or repairs\n$`),
    );

    const damaged = await damagedCopy('cli-truncated.xlsx', (xml) => xml.slice(0, 1000));
    const bad = crw(damaged);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain(`${damaged}: damaged package: ${FINDINGS_PART}: not well-formed XML`);
  });

  it('exits 2 for a missing file or one that is not .xlsx', () => {
    const missing = crw(path.join(dir, 'nope.xlsx'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `crw: ${path.join(dir, 'nope.xlsx')}: no such file (give the path of a report.xlsx, see crw report list)\n`,
    );
    const csv = path.join(dir, 'report.csv');
    fs.writeFileSync(csv, 'a,b\n');
    const notXlsx = crw(csv);
    expect(notXlsx.status).toBe(2);
    expect(notXlsx.stderr).toBe(`crw: ${csv}: not an .xlsx file (give the path of a report.xlsx)\n`);
  });

  it('exits 3 naming the Debian package when LibreOffice is missing', () => {
    const out = crw(good, { CRW_SOFFICE: path.join(dir, 'no-soffice') });
    expect(out.status).toBe(3);
    expect(out.stderr).toContain('install the Debian package libreoffice-calc');
  });
});
