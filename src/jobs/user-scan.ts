import type { GraphClient } from '../cloud/graph-client';
import type { ProgressSink } from '../collectors/progress';
import { collected } from '../collectors/tenant-snapshot';
import type { Collected } from '../collectors/types';
import { streamUsers } from '../collectors/user-stream';
import type { Control, ControlContext, UserJudge, UserScan } from '../controls/control';
import type { Finding } from '../controls/types';

/**
 * Streams every user once through the per-user controls (ID-04, ID-05, ID-09): only their findings are kept,
 * so memory stays bounded by the findings whatever the tenant size. signInActivity is requested only when a
 * control that reads it runs.
 */
export async function scanUsers(
  graph: GraphClient,
  controls: readonly Control[],
  context: ControlContext,
  progress: ProgressSink,
): Promise<Collected<UserScan>> {
  const judges: Array<[string, UserJudge]> = [];
  for (const control of controls) {
    const judge = control.judgeUsers?.(context);
    if (judge) judges.push([control.meta.id, judge]);
  }
  const findings = new Map<string, Finding[]>(controls.map((c) => [c.meta.id, []]));
  const wantSignIns = controls.some((c) => c.readsSignInActivity === true);
  return collected(async () => {
    const outcome = await streamUsers(
      graph,
      wantSignIns,
      (user) => {
        for (const [id, judge] of judges) {
          const finding = judge(user);
          if (finding) findings.get(id)?.push(finding);
        }
      },
      progress,
    );
    return {
      findings,
      signInActivity: outcome.signInActivity.ok ? { ok: true, value: true } : outcome.signInActivity,
    };
  });
}
