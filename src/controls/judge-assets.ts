// Per-asset judging for the streams (users, mailboxes): which controls met an asset they could not judge. Pure.
import { DataShapeError } from './data-shape-error';
import type { Finding } from './types';

/**
 * Control id → its `error` reason, for the controls of one stream that met an asset they could not judge. Plain
 * JSON, so that it can travel in a checkpointed stream's notes from page to page and across a resume.
 */
export type ShapeErrors = Record<string, string>;

/** Where a stream's notes keep its ShapeErrors. */
export const SHAPE_ERRORS_NOTE = 'shapeErrors';

/** One control's per-asset judge: a UserJudge or a MailboxJudge with its control id. */
export interface AssetJudge<A> {
  id: string;
  judge: (asset: A) => Finding | readonly Finding[] | null;
}

/**
 * Runs every judge on one asset and adds what it finds to `findings` (by control id). A judge that throws
 * DataShapeError makes its control `error`: the first such reason goes into `shapeErrors` and that control judges
 * no further asset (its findings could only be incomplete), while the other controls go on. Any other exception
 * is a bug, not data, and propagates.
 */
export function judgeAsset<A>(
  judges: readonly AssetJudge<A>[],
  asset: A,
  findings: Map<string, Finding[]>,
  shapeErrors: ShapeErrors,
): void {
  for (const { id, judge } of judges) {
    if (shapeErrors[id] !== undefined) continue;
    let found: Finding | readonly Finding[] | null;
    try {
      found = judge(asset);
    } catch (err) {
      if (!(err instanceof DataShapeError)) throw err;
      shapeErrors[id] = err.reason;
      continue;
    }
    if (found === null) continue;
    let list = findings.get(id);
    if (list === undefined) findings.set(id, (list = []));
    if (Array.isArray(found)) list.push(...(found as readonly Finding[]));
    else list.push(found as Finding);
  }
}

/** The ShapeErrors kept in a stream's notes (none yet: {}); a copy, for judgeAsset to add to. */
export function shapeErrorsIn(notes: object): ShapeErrors {
  const saved = (notes as Record<string, unknown>)[SHAPE_ERRORS_NOTE];
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return {};
  return Object.fromEntries(
    Object.entries(saved).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
