import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import * as XLSX from 'xlsx';

/** The report's sheets, in order, as compliance officers see them (the specification, not the code's constants). */
export const REPORT_SHEET_NAMES = [
  'Summary',
  'Findings',
  'Changes',
  'Users',
  'Administrators',
  'Mailboxes',
  'Conditional Access',
];

/** The Findings sheet's header row. */
export const FINDINGS_HEADER = [
  'Control',
  'Severity',
  'Asset type',
  'Asset',
  'Asset id',
  'Detail',
  'Remediation',
  'First seen (UTC)',
  'New or persisting',
];

/** The workbook as an independent reader (SheetJS, not exceljs) sees it: rows of cell values per sheet. */
export function readWorkbookRows(file: string): { sheetNames: string[]; rows: Record<string, unknown[][]> } {
  const workbook = XLSX.read(readFileSync(file), { type: 'buffer', cellDates: true, cellFormula: true });
  const rows: Record<string, unknown[][]> = {};
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name]!;
    rows[name] = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, defval: null, blankrows: false });
  }
  return { sheetNames: workbook.SheetNames, rows };
}

/** Every XML part of the .xlsx package, decompressed, as one string (for greps of raw content). */
export async function workbookXmlText(file: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const parts = await Promise.all(Object.values(zip.files).map((entry) => entry.async('string')));
  return parts.join('\n');
}
