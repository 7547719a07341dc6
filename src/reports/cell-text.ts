// Makes arbitrary tenant-supplied text safe to put in a workbook cell.
//
// 1. XML 1.0 cannot carry some characters even escaped (C0 controls other than tab/CR/LF, lone surrogates,
//    U+FFFE, U+FFFF); Excel refuses a file that contains them, so they are removed.
// 2. CSV/formula injection (OWASP): the writer never emits formulas, but a value starting with = + - @, tab,
//    CR or LF becomes live when a user edits the cell or exports the sheet to CSV. Such values get a visible
//    leading apostrophe, as OWASP recommends: the reader sees that the text was neutralised, nothing is lost.
// 3. Excel holds at most 32,767 characters in a cell; longer text is cut and ends with a visible marker that
//    gives the original length (the full text stays in results.json).

/** Excel's limit on the characters in one cell (counted in UTF-16 code units). */
export const MAX_CELL_TEXT = 32_767;

const FORMULA_TRIGGER = /^[=+\-@\t\r\n]/;
const FORMULA_GUARD = "'";

// Code-unit ranges (no `u` flag) so that lone surrogates can be matched at all. Matching control characters
// is the point here.
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters that XML 1.0 (and so xlsx) cannot represent. */
export function removeXmlInvalidChars(value: string): string {
  return value.replace(XML_INVALID, '');
}

/** The text to store in a cell for `value`: XML-valid, never read as a formula, at most 32,767 characters. */
export function safeCellText(value: string): string {
  const clean = removeXmlInvalidChars(value);
  const guarded = FORMULA_TRIGGER.test(clean) ? FORMULA_GUARD + clean : clean;
  if (guarded.length <= MAX_CELL_TEXT) return guarded;

  const marker = `… [truncated: ${clean.length} chars]`;
  let end = MAX_CELL_TEXT - marker.length;
  // Do not split a surrogate pair: that would leave a lone surrogate, which is invalid again.
  const last = guarded.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return guarded.slice(0, end) + marker;
}

/** Excel's limit on a sheet name's length. */
export const MAX_SHEET_NAME = 31;

/**
 * A sheet name Excel accepts, from any text: no : \ / ? * [ ], no XML-invalid characters, no apostrophe at either
 * end, 1 to 31 characters. Names that end up equal (Excel compares them case-insensitively) get " (2)", " (3)"….
 */
export function safeSheetName(name: string, taken: ReadonlySet<string> = new Set()): string {
  const cleaned = removeXmlInvalidChars(name)
    .replace(/[:\\/?*[\]]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim();
  const base = [...(cleaned === '' ? 'Sheet' : cleaned)].slice(0, MAX_SHEET_NAME).join('').trim();
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  let candidate = base;
  for (let n = 2; used.has(candidate.toLowerCase()); n++) {
    const suffix = ` (${n})`;
    candidate = [...base].slice(0, MAX_SHEET_NAME - suffix.length).join('') + suffix;
  }
  return candidate;
}
