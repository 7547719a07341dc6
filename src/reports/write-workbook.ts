// Streams a WorkbookLayout into an .xlsx file, atomically: rows are committed as they are written, the bytes go
// to `<file>.tmp-<random>` in the same folder, and only a complete, synced file is renamed into place. On any
// failure the temporary file is removed and a ReportWriteError names the path, the cause and what to do.
//
// The file stream is opened here and handed to exceljs (`stream`, not `filename`): with `filename`, exceljs
// listens for stream errors only once commit() finalises, so an open or write error raised earlier (ENOSPC,
// ENOTDIR…) is swallowed and commit() never settles. Owning the stream lets every error reject.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

import { removeXmlInvalidChars, safeCellText, safeSheetName } from './cell-text';
import type { CellValue, ColumnSpec, SheetSpec, WorkbookLayout } from './workbook-layout';

const CREATOR = 'compliance-report-worker';
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const PERCENT_FORMAT = '0.0%';
/** Rows between yields to the event loop, so that the zip and file streams drain while rows are produced. */
const ROWS_PER_YIELD = 1000;

const HEADER_FILL = 'FFD9E1F2';
const LINK_COLOUR = 'FF0563C1';
/** Fill and font colours per status (Excel's Good / Bad / orange / neutral grey). */
const STATUS_COLOURS: Record<string, { fill: string; font: string }> = {
  pass: { fill: 'FFC6EFCE', font: 'FF006100' },
  fail: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  error: { fill: 'FFFFD8A8', font: 'FF9C4A00' },
  skipped: { fill: 'FFE0E0E0', font: 'FF404040' },
};

export interface WriteWorkbookOptions {
  /**
   * Opens the byte stream for the temporary file (default: a new file, created exclusively). Lets tests
   * substitute a real failing stream such as one on /dev/full.
   */
  openStream?: (tmpPath: string) => Writable;
}

/** Failed to write a report file; `path` is the file (or folder) that could not be written. */
export class ReportWriteError extends Error {
  override readonly name = 'ReportWriteError';
  readonly path: string;
  readonly code: string | undefined;

  constructor(path: string, cause: unknown, action: 'writing' | 'creating' = 'writing') {
    const code = errorCode(cause);
    const known = code === undefined ? undefined : KNOWN_FAILURES[code];
    const message = known
      ? `${known.problem} while ${action} ${path} (${code}): ${known.advice}`
      : `Failed while ${action} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`;
    super(message, { cause });
    this.path = path;
    this.code = code;
  }
}

const KNOWN_FAILURES: Record<string, { problem: string; advice: string }> = {
  ENOSPC: { problem: 'Disk full', advice: 'free space on the reports volume, then run the report again' },
  EDQUOT: {
    problem: 'Disk quota exceeded',
    advice: 'raise the quota or free space, then run the report again',
  },
  EACCES: { problem: 'Permission denied', advice: "let the worker's user write to the reports directory" },
  EPERM: {
    problem: 'Operation not permitted',
    advice: "let the worker's user write to the reports directory",
  },
  EROFS: { problem: 'Read-only file system', advice: 'point the reports directory at a writable volume' },
  ENOTDIR: {
    problem: 'A file is in the way',
    advice: 'a parent of this path is a file, not a folder; check the configured reports directory',
  },
  ENOENT: { problem: 'Missing folder', advice: 'the folder of this path does not exist' },
  EISDIR: { problem: 'A folder is in the way', advice: 'remove the folder that has the name of this file' },
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** A unique temporary name beside `filePath` (same folder, so that rename is atomic). */
export function temporaryPathFor(filePath: string): string {
  return `${filePath}.tmp-${randomBytes(6).toString('hex')}`;
}

export async function writeWorkbook(
  filePath: string,
  layout: WorkbookLayout,
  options: WriteWorkbookOptions = {},
): Promise<void> {
  const tmpPath = temporaryPathFor(filePath);
  const openStream = options.openStream ?? ((p: string) => fs.createWriteStream(p, { flags: 'wx' }));
  const stream = openStream(tmpPath);
  let streamError: unknown;
  const failed = new Promise<never>((_, reject) =>
    stream.once('error', (error: Error) => {
      streamError = error;
      reject(error);
    }),
  );
  const closed = new Promise<void>((resolve) => stream.once('close', resolve));
  try {
    await Promise.race([fillWorkbook(stream, layout), failed]);
    // exceljs resolves on 'finish'; wait for 'close' so the descriptor is released before the rename.
    await Promise.race([closed, failed]);
    await syncToDisk(tmpPath);
    await fs.promises.rename(tmpPath, filePath);
  } catch (error) {
    stream.destroy();
    await closed; // the open may still be in flight: let it finish before removing what it created
    await fs.promises.rm(tmpPath, { force: true }).catch(() => undefined); // keep the original error
    // A stream error (ENOSPC…) is the root cause even when the row loop noticed the dead stream first.
    throw new ReportWriteError(filePath, streamError ?? error);
  }
}

/** fsync before rename, so that a crash cannot leave a renamed but empty report. */
export async function syncToDisk(filePath: string): Promise<void> {
  const handle = await fs.promises.open(filePath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fillWorkbook(stream: Writable, layout: WorkbookLayout): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = CREATOR;
  workbook.lastModifiedBy = CREATOR;
  workbook.created = layout.properties.created;
  workbook.modified = layout.properties.created;
  workbook.title = removeXmlInvalidChars(layout.properties.title);
  workbook.subject = removeXmlInvalidChars(layout.properties.subject);

  // One sheet at a time: exceljs opens a sheet's zip entry when the sheet is added, and the zip drains
  // entries in order, so a second open sheet would buffer all its rows in memory.
  const names = new Set<string>();
  for (const sheet of layout.sheets) {
    const name = safeSheetName(sheet.name, names);
    names.add(name);
    await writeSheet(workbook, { ...sheet, name }, stream);
  }
  await workbook.commit();
}

async function writeSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: SheetSpec,
  stream: Writable,
): Promise<void> {
  const headerRow = sheet.fields.length === 0 ? 1 : sheet.fields.length + 2;
  const lastRow = headerRow + sheet.rowCount;
  const worksheet = workbook.addWorksheet(sheet.name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  worksheet.columns = sheet.columns.map((column) => ({ width: column.width }));
  worksheet.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: lastRow, column: sheet.columns.length },
  };

  sheet.fields.forEach((field, index) => {
    const row = worksheet.getRow(index + 1);
    const label = row.getCell(1);
    label.value = safeCellText(field.label);
    label.font = { bold: true };
    const value = row.getCell(2);
    setValue(worksheet, value, field.value);
    if (field.format === 'percent') value.numFmt = PERCENT_FORMAT;
    value.alignment = { horizontal: 'left' };
    row.commit();
  });

  const header = worksheet.getRow(headerRow);
  sheet.columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = safeCellText(column.header);
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
  });
  header.commit();

  let index = 0;
  /** Writes one row; every ROWS_PER_YIELD rows, returns the wait for the streams to drain. */
  const put = (values: CellValue[]): Promise<void> | undefined => {
    if (index === sheet.rowCount) throw new Error(`sheet ${sheet.name} has more rows than its rowCount`);
    const row = worksheet.getRow(headerRow + 1 + index);
    sheet.columns.forEach((column, c) =>
      writeTableCell(worksheet, row.getCell(c + 1), column, values[c] ?? null),
    );
    row.commit();
    index++;
    return index % ROWS_PER_YIELD === 0 ? backpressure(worksheet, stream) : undefined;
  };
  // Sync rows (findings) stay a plain loop, awaiting only the drains: a microtask per row costs ~10%.
  if (isAsyncIterable(sheet.rows)) {
    for await (const values of sheet.rows) await put(values);
  } else {
    for (const values of sheet.rows) {
      const drain = put(values);
      if (drain) await drain;
    }
  }
  if (index !== sheet.rowCount)
    throw new Error(`sheet ${sheet.name} has ${index} rows, not ${sheet.rowCount}`);
  worksheet.commit();
}

function isAsyncIterable<T>(rows: Iterable<T> | AsyncIterable<T>): rows is AsyncIterable<T> {
  return Symbol.asyncIterator in rows;
}

async function backpressure(worksheet: ExcelJS.Worksheet, stream: Writable): Promise<void> {
  const sheetSink = sheetSinkOf(worksheet);
  if (sheetSink) await drained(sheetSink, stream);
  await drained(stream, stream);
}

/** What backpressure needs of a stream: Node's Writable, or the readable-stream copy that exceljs's zip uses. */
interface BufferingStream {
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  destroyed?: boolean;
  writableNeedDrain?: boolean;
  _writableState?: { needDrain?: boolean };
}

/**
 * The stream that exceljs 4.4 pipes a sheet's XML into (readable-stream's PassThrough, feeding the zip's deflate).
 * exceljs writes into it without heeding backpressure, and deflate is slower than row production: without
 * waiting for it, it would buffer most of the sheet (38 MB for 90,000 findings).
 */
function sheetSinkOf(worksheet: ExcelJS.Worksheet): BufferingStream | undefined {
  const internal = worksheet as unknown as { stream?: { pipes?: unknown[] } };
  const sink = internal.stream?.pipes?.[0] as BufferingStream | undefined;
  return typeof sink?.once === 'function' && typeof sink.off === 'function' ? sink : undefined;
}

function needsDrain(stream: BufferingStream): boolean {
  return stream.writableNeedDrain ?? stream._writableState?.needDrain ?? false;
}

/**
 * Backpressure: lets the zip work, then waits while `stream`'s buffer is full, so that memory stays flat however
 * many rows come (slow compression or a slow disk slows the rows, it does not pile them up). Fails once the file
 * stream (`output`) is gone.
 */
async function drained(stream: BufferingStream, output: Writable): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (needsDrain(stream) && stream.destroyed !== true && !output.destroyed) {
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        output.off('close', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
      // A dead file stream (ENOSPC…) never lets the zip drain: stop waiting then, the caller reports it.
      output.once('close', done);
    });
  }
  if (output.destroyed) throw new Error('the output stream closed before the workbook was complete');
}

/**
 * A table cell: its value, and one of a few shared style objects. exceljs caches a style's id by the style object
 * (a WeakMap in its styles writer); a fresh object per cell, its default, costs a render of the style's XML per
 * cell, a fifth of the writing time. The shared objects are never mutated.
 */
function writeTableCell(
  worksheet: ExcelJS.Worksheet,
  cell: ExcelJS.Cell,
  column: ColumnSpec,
  value: CellValue,
): void {
  setValue(worksheet, cell, value);
  cell.style = tableStyle(column, value);
}

type CellStyle = Partial<ExcelJS.Style>;

const TABLE_STYLES = {
  plain: {},
  wrap: { alignment: { wrapText: true, vertical: 'top' } },
  date: { numFmt: DATE_FORMAT },
  link: { font: { underline: true, color: { argb: LINK_COLOUR } } },
} satisfies Record<string, CellStyle>;

const STATUS_STYLES: Record<string, CellStyle> = Object.fromEntries(
  Object.entries(STATUS_COLOURS).map(([status, colours]) => [
    status,
    {
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: colours.fill } },
      font: { color: { argb: colours.font }, bold: status === 'fail' },
    },
  ]),
);

function tableStyle(column: ColumnSpec, value: CellValue): CellStyle {
  if (value instanceof Date) return TABLE_STYLES.date;
  if (value !== null && typeof value === 'object') return TABLE_STYLES.link;
  if (column.kind === 'status' && typeof value === 'string')
    return STATUS_STYLES[value] ?? TABLE_STYLES.plain;
  return column.kind === 'wrap' ? TABLE_STYLES.wrap : TABLE_STYLES.plain;
}

// Every string goes through safeCellText; exceljs writes strings as values, never as formulas.
function setValue(worksheet: ExcelJS.Worksheet, cell: ExcelJS.Cell, value: CellValue): void {
  if (value === null) return;
  if (typeof value === 'string') {
    cell.value = safeCellText(value);
  } else if (value instanceof Date) {
    cell.value = value;
    cell.numFmt = DATE_FORMAT;
  } else if (typeof value === 'object') {
    cell.value = safeCellText(value.text);
    cell.font = { underline: true, color: { argb: LINK_COLOUR } };
    addInternalLink(worksheet, cell.address, value.location);
  } else {
    cell.value = value;
  }
}

/**
 * A link to a cell of this workbook, written as OOXML's `<hyperlink ref location>`. exceljs 4.4's streaming writer
 * only writes external links (a relationship with TargetMode External), so the link goes straight into the list
 * its worksheet writer renders, where HyperlinkXform writes `location` for a `Sheet!A1` target.
 */
function addInternalLink(worksheet: ExcelJS.Worksheet, address: string, location: string): void {
  const rels = (worksheet as unknown as { _sheetRelsWriter?: { _hyperlinks?: unknown[] } })._sheetRelsWriter;
  if (!Array.isArray(rels?._hyperlinks))
    throw new Error('exceljs internals changed: cannot write links (check addInternalLink after an upgrade)');
  rels._hyperlinks.push({ address, target: location });
}
