import type { ScanCheckpoint } from '../checkpoints/scan-checkpoint';
import type { GraphClient } from '../cloud/graph-client';
import type { ProgressSink } from '../collectors/progress';
import { collected } from '../collectors/tenant-snapshot';
import type { Collected, ScannedUser } from '../collectors/types';
import { userPages, type UserPage } from '../collectors/user-stream';
import type { Control, ControlContext, UserScan } from '../controls/control';
import { judgeAsset, SHAPE_ERRORS_NOTE, shapeErrorsIn, type AssetJudge } from '../controls/judge-assets';
import type { Finding } from '../controls/types';
import type { Logger } from '../observability/logger';
import { userInventoryNames, userInventoryRow } from '../reports/inventory';
import { runCheckpointedStream } from './checkpointed-stream';

/**
 * Streams every user once through the per-user controls (ID-04, ID-05, ID-09): each page's findings and
 * inventory rows go to the run's checkpoint with the link to the next page, so a resumed run goes on where it stopped. signInActivity is
 * requested only when a control that reads it runs.
 */
export async function scanUsers(
  graph: GraphClient,
  controls: readonly Control[],
  context: ControlContext,
  checkpoint: ScanCheckpoint,
  progress: ProgressSink,
  logger: Logger,
): Promise<Collected<UserScan>> {
  const judges: Array<AssetJudge<ScannedUser>> = [];
  for (const control of controls) {
    const judge = control.judgeUsers?.(context);
    if (judge) judges.push({ id: control.meta.id, judge });
  }
  const wantSignIns = controls.some((c) => c.readsSignInActivity === true);
  const names = userInventoryNames(context.subscribedSkus, context.privilegedAccess);
  return collected(async () => {
    const outcome = await runCheckpointedStream({
      checkpoint,
      name: 'users',
      controlIds: controls.map((c) => c.meta.id),
      open: (from) =>
        userPages(
          graph,
          wantSignIns,
          from?.next ? { next: from.next, notes: from.notes as UserPage['notes'] } : undefined,
        ),
      judge: (users, notes) => {
        const findings = new Map<string, Finding[]>(judges.map(({ id }) => [id, []]));
        const shapeErrors = shapeErrorsIn(notes);
        for (const user of users) judgeAsset(judges, user, findings, shapeErrors);
        return Promise.resolve({
          findings,
          inventory: users.map((user) => userInventoryRow(user, names)),
          notes: { [SHAPE_ERRORS_NOTE]: shapeErrors },
        });
      },
      progress,
      logger,
    });
    const notes = outcome.notes as Partial<UserPage['notes']>;
    let signInActivity: Collected<true>;
    if (notes.variant === 'withSignIns') signInActivity = { ok: true, value: true };
    else signInActivity = { ok: false, reason: notes.signInRefusal ?? 'signInActivity was not requested' };
    return { findings: outcome.findings, signInActivity, shapeErrors: shapeErrorsIn(outcome.notes) };
  });
}
