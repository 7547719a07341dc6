// A minimal XML tag reader for machine-generated CSDL: yields start, end and empty-element tags with their
// attributes, skipping text, comments and processing instructions. Not a general XML parser (no DTDs, no CDATA
// sections with markup inside), which the CSDL does not need.

export interface XmlTag {
  /** Element name as written, prefix included (e.g. "edmx:Edmx", "EntityType"). */
  name: string;
  /** "start" (<a>), "end" (</a>) or "empty" (<a/>). */
  kind: 'start' | 'end' | 'empty';
  attributes: Record<string, string>;
}

// One alternation per construct; attribute values may contain ">" (XML only escapes "<" and "&").
const TAG =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(ATTRIBUTE)) {
    attributes[match[1] ?? ''] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

/** Tags of `xml` in document order. */
export function* xmlTags(xml: string): Generator<XmlTag> {
  for (const match of xml.matchAll(TAG)) {
    const name = match[2];
    if (name === undefined) continue; // comment or processing instruction
    const kind = match[1] ? 'end' : match[4] ? 'empty' : 'start';
    yield { name, kind, attributes: match[3] ? parseAttributes(match[3]) : {} };
  }
}
