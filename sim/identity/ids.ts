// Identifiers of the simulated directory: stable GUIDs derived from a label, so that the same sim setup gives the
// same tenant and client ids from run to run (secrets and keys stay random).
import { createHash } from 'node:crypto';

/** A GUID (version-4 layout) derived from `label`: the same label always gives the same GUID. */
export function stableGuid(label: string): string {
  const bytes = createHash('sha256').update(`crw-sim:${label}`).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
