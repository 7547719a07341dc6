// Data that does not match Microsoft's documented shapes. Fields that name an asset (ids, names) are required: an
// asset without them cannot be judged nor reported, so the collector fails that part of the scan (UnexpectedShape).
// Fields the controls judge are noted per asset instead (`unexpected`), so that only a control that needs such a
// field reports `error`, naming the asset, the field and the value.
import { GraphError } from '../cloud/graph-error';

/** Field → the value as sent, described by describeValue. Plain strings: saved in checkpoints as they are. */
export type UnexpectedFields = Readonly<Record<string, string>>;

/** "missing" (absent), "null", or the value's JSON text (shortened): how a reason names what was sent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Notes `field` as unexpected in `notes` and returns null, the typed value such a field gets. */
export function noteUnexpected(notes: Record<string, string>, field: string, value: unknown): null {
  notes[field] = describeValue(value);
  return null;
}

/** `{ unexpected }` when something was noted, else nothing (most assets have the documented shape). */
export function unexpectedPart(notes: Record<string, string>): { unexpected?: UnexpectedFields } {
  return Object.keys(notes).length > 0 ? { unexpected: notes } : {};
}

/** The error of a Graph response that lacks what the collector cannot do without. */
export function graphShapeError(
  path: string,
  asset: string,
  field: string,
  value: unknown,
  expected: string,
): GraphError {
  return new GraphError(
    200,
    'UnexpectedShape',
    path,
    `${asset}: ${field} is ${describeValue(value)}, expected ${expected}`,
  );
}

/** A string field that names the asset (id, UPN, display name): without it the asset cannot be reported. */
export function requireString(value: unknown, field: string, asset: string, path: string): string {
  if (typeof value !== 'string' || value === '')
    throw graphShapeError(path, asset, field, value, 'a non-empty string');
  return value;
}
