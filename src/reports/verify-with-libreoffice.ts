// Opens a workbook with LibreOffice headless (Debian package libreoffice-calc) and reports whether it loaded
// cleanly. LibreOffice exits 0 even when it cannot load a file, and it silently keeps what it can of a damaged
// sheet, so "needs repair" is decided by comparing its output with what the package itself declares:
//   (a) soffice exits non-zero, is killed, or runs past the timeout;
//   (b) its output has an error line ("Error: source file could not be loaded", "General Error", I/O error);
//   (c) it writes no output at all;
//   (d) a worksheet declared in the workbook part is missing from its output, or LibreOffice loaded a different
//       number of rows than the sheet's XML holds (last row with a value): content was dropped or repaired;
//   (e) the package is damaged where LibreOffice would repair silently: an entry fails its CRC-32, an XML part is
//       not well-formed (truncated, broken tags), or a sheet's part is missing.
// Every sheet is loaded and exported to CSV (one file per sheet, LibreOffice 7.2+), in a fresh temporary folder
// with a fresh LibreOffice profile, so nothing is written next to the report and no running LibreOffice interferes.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readWorkbookContents, type DeclaredSheet } from './xlsx-contents';
import { ZipFormatError } from './zip-entries';

export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;

/** Export every sheet (-1, LibreOffice 7.2+) as UTF-8 CSV, comma-separated, '"'-quoted, values as shown. */
const CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';
const ERROR_LINE = /^\s*Error\b|could not be loaded|General Error|input\/output error|I\/O error/i;
const INSTALL_HINT = 'install the Debian package libreoffice-calc (apt-get install libreoffice-calc)';

export interface SheetRows {
  name: string;
  /** Rows LibreOffice loaded: up to its last row with a value. */
  rows: number;
}

export interface VerifyResult {
  ok: boolean;
  file: string;
  /** Each problem as one line naming the file. */
  problems: string[];
  /** The sheets LibreOffice loaded, in the workbook's order. */
  sheets: SheetRows[];
  durationMs: number;
}

export interface VerifyOptions {
  /** The LibreOffice executable (default "soffice" on the PATH). */
  soffice?: string;
  timeoutMs?: number;
}

/** LibreOffice cannot be run at all (not installed, or too old to export every sheet). */
export class LibreOfficeUnavailableError extends Error {
  override readonly name = 'LibreOfficeUnavailableError';
}

export async function verifyWithLibreOffice(
  file: string,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const started = Date.now();
  const absolute = path.resolve(file);
  const soffice = options.soffice ?? 'soffice';
  const problems: string[] = [];

  let declared: DeclaredSheet[] = [];
  try {
    const contents = await readWorkbookContents(absolute);
    declared = contents.sheets;
    for (const damage of contents.damage) problems.push(`${file}: damaged package: ${damage}`);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    problems.push(`${file}: not an .xlsx workbook: ${error.message}`);
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-verify-'));
  try {
    const outDir = path.join(work, 'out');
    fs.mkdirSync(outDir);
    const run = await runSoffice(
      soffice,
      [
        '--headless',
        '--norestore',
        '--nolockcheck',
        `-env:UserInstallation=${pathToFileURL(path.join(work, 'profile')).href}`,
        '--convert-to',
        CSV_FILTER,
        '--outdir',
        outDir,
        absolute,
      ],
      work,
      options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
    );
    if (run.timedOut) problems.push(`${file}: LibreOffice did not finish within ${run.timeoutMs / 1000} s`);
    else if (run.code !== 0)
      problems.push(`${file}: LibreOffice exited with ${run.code ?? `signal ${run.signal}`}`);
    for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
      if (ERROR_LINE.test(line) && !/^(convert |Writing sheet )/.test(line))
        problems.push(`${file}: LibreOffice: ${line.trim()}`);
    }

    const base = path.basename(absolute, path.extname(absolute));
    const outputs = fs.readdirSync(outDir).filter((name) => name.endsWith('.csv'));
    if (outputs.includes(`${base}.csv`))
      throw new LibreOfficeUnavailableError(
        `${soffice} exported one sheet only: LibreOffice 7.2 or later is needed (${INSTALL_HINT})`,
      );
    if (outputs.length === 0 && !run.timedOut) problems.push(`${file}: LibreOffice wrote no output`);

    // A sheet's CSV is <base>-<sheet name>.csv; compare the declared sheets, or list what was written.
    const names =
      declared.length > 0
        ? declared.map((sheet) => sheet.name)
        : outputs.map((name) => name.slice(base.length + 1, -'.csv'.length));
    const sheets: SheetRows[] = [];
    for (const name of names) {
      const csv = path.join(outDir, `${base}-${name}.csv`);
      if (!fs.existsSync(csv)) {
        if (outputs.length > 0) problems.push(`${file}: LibreOffice did not load sheet "${name}"`);
        continue;
      }
      const rows = await csvRowCount(csv);
      sheets.push({ name, rows });
      const lastRow = declared.find((sheet) => sheet.name === name)?.lastRow;
      if (lastRow !== undefined && lastRow !== null && lastRow !== rows)
        problems.push(
          `${file}: sheet "${name}" holds values up to row ${lastRow}, LibreOffice loaded ${rows} rows (content dropped or repaired)`,
        );
    }
    return { ok: problems.length === 0, file, problems, sheets, durationMs: Date.now() - started };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface SofficeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  timeoutMs: number;
}

function runSoffice(command: string, args: string[], cwd: string, timeoutMs: number): Promise<SofficeRun> {
  return new Promise((resolve, reject) => {
    // Its own process group: soffice is a script starting oosplash, which starts soffice.bin; a timeout must
    // stop all of them.
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new LibreOfficeUnavailableError(`LibreOffice (${command}) is not installed: ${INSTALL_HINT}`)
          : error,
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, timeoutMs });
    });
  });
}

/** Records up to the last one with a value (a newline inside quotes is part of a cell, not a record end). */
async function csvRowCount(file: string): Promise<number> {
  let record = 1;
  let lastWithValue = 0;
  let hasValue = false;
  let quoted = false;
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' })) {
    const text = chunk as string;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (quoted) {
        if (c === 34) quoted = false;
      } else if (c === 34) {
        quoted = true;
        hasValue = true;
      } else if (c === 10) {
        if (hasValue) lastWithValue = record;
        record += 1;
        hasValue = false;
      } else if (c !== 44 && c !== 13) hasValue = true;
    }
  }
  return hasValue ? record : lastWithValue;
}
