import { describeValue, type UnexpectedFields } from '../collectors/shape';

/**
 * A control met an asset whose data does not match Microsoft's documented shape in a field the control needs to
 * judge it: missing, null, another type, or an enum value this version does not know. Thrown by evaluate() and by
 * per-asset judges; that control reports `error` with the reason, the scan and the other controls go on
 * (evaluate-controls.ts for evaluate(), judgeAsset in judge-assets.ts for the streams).
 */
export class DataShapeError extends Error {
  override readonly name = 'DataShapeError';
  constructor(
    /** The asset in words, e.g. `user adele@contoso.com (0b1e…)`, `Conditional Access policy "Admins MFA" (…)`. */
    readonly asset: string,
    readonly field: string,
    /** The value as sent, described: "missing", "null" or its JSON text. */
    readonly value: string,
    /** What the documentation allows, e.g. "true or false". */
    readonly expected: string,
  ) {
    super(`${asset}: ${field} is ${value}, expected ${expected}`);
  }

  /** The control's `error` reason. */
  get reason(): string {
    return `data does not match the documented shape: ${this.message}; the control cannot judge it (check this object, and whether the service changed what it returns)`;
  }
}

/** What an asset carries to say which of its fields came in another shape (see collectors/shape.ts). */
export interface NotedAsset {
  unexpected?: UnexpectedFields;
}

/** The value of `field` as it was sent: the collector's note when there is one, else the typed value. */
export function sentValue(asset: NotedAsset, field: string, typed: unknown): string {
  return asset.unexpected?.[field] ?? describeValue(typed);
}

/** The first noted field at or under `field` ("assignedLicenses" finds "assignedLicenses[2].skuId"), if any. */
export function notedUnder(asset: NotedAsset, field: string): { field: string; value: string } | undefined {
  for (const [noted, value] of Object.entries(asset.unexpected ?? {})) {
    if (noted === field || noted.startsWith(`${field}.`) || noted.startsWith(`${field}[`))
      return { field: noted, value };
  }
  return undefined;
}

/** A judged condition: true, false, or the DataShapeError that keeps it from being known. */
export type Condition = boolean | DataShapeError;

/** Runs `judge`, turning a DataShapeError into an unknown condition. */
export function condition(judge: () => boolean): Condition {
  try {
    return judge();
  } catch (err) {
    if (err instanceof DataShapeError) return err;
    throw err;
  }
}

/**
 * Whether every condition holds. One known to be false decides (a field in another shape cannot change that);
 * otherwise the first unknown one is thrown: the outcome depends on it.
 */
export function allHold(conditions: readonly Condition[]): boolean {
  if (conditions.some((c) => c === false)) return false;
  const unknown = conditions.find((c): c is DataShapeError => c instanceof DataShapeError);
  if (unknown) throw unknown;
  return true;
}
