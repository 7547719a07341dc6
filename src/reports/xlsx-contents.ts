// What an .xlsx declares, read independently of any spreadsheet application: its worksheets (name, part, last row
// holding a value) and any damage in the package (an entry that fails its CRC-32, an XML part that is not
// well-formed, a sheet part that is missing). The LibreOffice verifier compares this with what LibreOffice loaded:
// LibreOffice silently keeps what it can of a damaged part, so its exit code alone does not show a repair.

import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { listZipEntries, readZipEntry, type ZipEntry } from './zip-entries';

export interface DeclaredSheet {
  name: string;
  /** The sheet's XML part in the package, e.g. xl/worksheets/sheet1.xml. */
  part: string;
  /** The last row with a cell value (<v>, inline <t> or <f> with text); 0 for an empty sheet; null if unreadable. */
  lastRow: number | null;
}

export interface WorkbookContents {
  sheets: DeclaredSheet[];
  /** Each problem found in the package, naming the part. Empty for an intact package. */
  damage: string[];
}

const XML_PART = /\.(xml|rels)$/i;
const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTRIBUTES = /^(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*$/;
const ROW_NUMBER = /\sr\s*=\s*["'](\d+)["']/;

/**
 * Reads every entry of the package once (CRC-32, and well-formedness of XML parts, streaming), then the sheet list
 * from the workbook part. Throws ZipFormatError when the file is not a ZIP archive at all.
 */
export async function readWorkbookContents(file: string): Promise<WorkbookContents> {
  const entries = await listZipEntries(file);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const damage: string[] = [];
  const lastRows = new Map<string, number>();
  for (const entry of entries) {
    const scanner = XML_PART.test(entry.name) ? new XmlScanner() : undefined;
    try {
      const decoder = new StringDecoder('utf8');
      for await (const chunk of readZipEntry(file, entry)) scanner?.write(decoder.write(chunk));
      scanner?.write(decoder.end());
    } catch (error) {
      damage.push((error as Error).message);
      continue;
    }
    const problem = scanner?.end();
    if (problem !== undefined) damage.push(`${entry.name}: not well-formed XML: ${problem}`);
    else if (scanner) lastRows.set(entry.name, scanner.lastRow);
  }

  const sheets: DeclaredSheet[] = [];
  try {
    const root = parseRelationships(await readText(file, byName, '_rels/.rels'), '');
    const workbookPart = root.find((rel) => rel.type.endsWith('/officeDocument'))?.target;
    if (workbookPart === undefined) throw new Error('_rels/.rels names no workbook part (officeDocument)');
    const rels = parseRelationships(
      await readText(file, byName, relationshipsPartOf(workbookPart)),
      path.posix.dirname(workbookPart),
    );
    for (const sheet of elements(await readText(file, byName, workbookPart), 'sheet')) {
      const name = sheet.get('name') ?? '';
      const id = [...sheet].find(([key]) => key === 'r:id' || key.endsWith(':id'))?.[1];
      const rel = rels.find((r) => r.id === id);
      if (rel === undefined) {
        damage.push(`${workbookPart}: sheet "${name}" has no relationship ${id ?? '(no r:id)'}`);
      } else if (rel.type.endsWith('/worksheet')) {
        if (!byName.has(rel.target)) damage.push(`${rel.target}: part of sheet "${name}" is missing`);
        sheets.push({ name, part: rel.target, lastRow: lastRows.get(rel.target) ?? null });
      }
    }
  } catch (error) {
    damage.push((error as Error).message);
  }
  return { sheets, damage };
}

async function readText(file: string, byName: Map<string, ZipEntry>, name: string): Promise<string> {
  const entry = byName.get(name);
  if (entry === undefined) throw new Error(`${name}: part is missing`);
  const chunks: Buffer[] = [];
  for await (const chunk of readZipEntry(file, entry)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function relationshipsPartOf(part: string): string {
  return path.posix.join(path.posix.dirname(part), '_rels', `${path.posix.basename(part)}.rels`);
}

function parseRelationships(xml: string, baseDir: string) {
  return elements(xml, 'Relationship').map((attrs) => {
    const target = attrs.get('Target') ?? '';
    return {
      id: attrs.get('Id') ?? '',
      type: attrs.get('Type') ?? '',
      target: target.startsWith('/')
        ? target.slice(1)
        : path.posix.normalize(path.posix.join(baseDir, target)),
    };
  });
}

/** The attributes (unescaped) of every element with this local name; enough for the small workbook parts. */
function elements(xml: string, localName: string): Array<Map<string, string>> {
  const found: Array<Map<string, string>> = [];
  for (const match of xml.matchAll(new RegExp(`<(?:[\\w.-]+:)?${localName}(\\s[^>]*)?>`, 'g'))) {
    const attrs = new Map<string, string>();
    for (const attr of (match[1] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
      attrs.set(attr[1]!, unescapeXml(attr[2] ?? attr[3] ?? ''));
    found.push(attrs);
  }
  return found;
}

function unescapeXml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    return named[ref] ?? entity;
  });
}

/**
 * A streaming well-formedness check: tags are closed in order, nothing follows the root element, tags hold only
 * name="value" attributes. It also follows <row> elements to find the last row with a value. Not a full XML
 * parser (entities and character ranges are not checked), but truncation and broken markup are always caught.
 */
export class XmlScanner {
  lastRow = 0;
  private readonly stack: string[] = [];
  private tag: string | null = null;
  private quote = '';
  private seenRoot = false;
  private offset = 0;
  private error: string | undefined;
  private inRow = false;
  private row = 0;
  private rowHasValue = false;
  private inValue = false;

  write(text: string): void {
    let i = 0;
    while (i < text.length && this.error === undefined) {
      if (this.tag === null) {
        const lt = text.indexOf('<', i);
        const end = lt < 0 ? text.length : lt;
        if (end > i) this.text(text.slice(i, end), this.offset + i);
        if (lt < 0) break;
        this.tag = '';
        i = lt + 1;
      } else {
        const close = this.tagEnd(text, i);
        if (close < 0) {
          this.tag += text.slice(i);
          break;
        }
        this.tag += text.slice(i, close);
        i = close + 1;
        if (this.complete(this.tag, this.offset + i)) this.tag = null;
        else this.tag += '>';
      }
    }
    this.offset += text.length;
  }

  /** The problem found, or undefined for a well-formed document. */
  end(): string | undefined {
    if (this.error !== undefined) return this.error;
    if (this.tag !== null) return `ends inside a tag at character ${this.offset} (truncated)`;
    const open = this.stack.at(-1);
    if (open !== undefined) return `ends before </${open}> at character ${this.offset} (truncated)`;
    if (!this.seenRoot) return 'no root element (empty or truncated)';
    return undefined;
  }

  /** Index of the '>' closing the current tag, or -1; quotes are followed so a '>' in a value does not count. */
  private tagEnd(text: string, from: number): number {
    const markup = (this.tag === '' ? text[from] : this.tag?.[0]) === '!';
    if (markup) return text.indexOf('>', from); // comments, CDATA: complete() asks for more when needed
    for (let i = from; i < text.length; i += 1) {
      const c = text[i];
      if (this.quote !== '') {
        if (c === this.quote) this.quote = '';
      } else if (c === '"' || c === "'") this.quote = c;
      else if (c === '>') return i;
      else if (c === '<') {
        this.error = `'<' inside a tag at character ${this.offset + i}`;
        return -1;
      }
    }
    return -1;
  }

  private text(text: string, at: number): void {
    if (this.stack.length === 0) {
      if (/[^\s\uFEFF]/.test(text)) this.error = `text outside the root element at character ${at}`;
    } else if (this.inValue) this.rowHasValue = true;
  }

  /** Handles a tag's text (between '<' and '>'); false when a comment or CDATA section goes on past this '>'. */
  private complete(tag: string, at: number): boolean {
    if (tag.startsWith('!--')) return tag.length >= 5 && tag.endsWith('--');
    if (tag.startsWith('![CDATA[')) {
      if (!tag.endsWith(']]')) return false;
      this.text(tag.slice(8, -2), at);
      return true;
    }
    if (tag.startsWith('!') || tag.startsWith('?')) return true;
    const closing = tag.startsWith('/');
    const selfClosing = !closing && tag.endsWith('/');
    const body = closing ? tag.slice(1) : selfClosing ? tag.slice(0, -1) : tag;
    const name = NAME.exec(body)?.[0];
    if (
      name === undefined ||
      !ATTRIBUTES.test(body.slice(name.length)) ||
      (closing && body.trim() !== name)
    ) {
      this.error = `malformed tag <${tag.slice(0, 60)}> ending at character ${at}`;
      return true;
    }
    const local = name.slice(name.indexOf(':') + 1);
    if (closing) {
      const open = this.stack.pop();
      if (open !== name) this.error = `</${name}> closes <${open ?? 'nothing'}> at character ${at}`;
      if (local === 'row' && this.inRow) this.endRow();
      this.inValue = false;
      return true;
    }
    if (this.seenRoot && this.stack.length === 0) {
      this.error = `a second root element <${name}> at character ${at}`;
      return true;
    }
    this.seenRoot = true;
    if (local === 'row') {
      const r = ROW_NUMBER.exec(body);
      this.row = r ? Number(r[1]) : this.row + 1;
      this.inRow = !selfClosing;
      this.rowHasValue = false;
    } else if (this.inRow && !selfClosing && (local === 'v' || local === 't' || local === 'f')) {
      this.inValue = true;
    }
    if (!selfClosing) this.stack.push(name);
    return true;
  }

  private endRow(): void {
    if (this.rowHasValue && this.row > this.lastRow) this.lastRow = this.row;
    this.inRow = false;
  }
}
