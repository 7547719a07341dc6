import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { DataShapeError } from '../controls/data-shape-error';
import { collectConditionalAccess, collectExclusions } from './conditional-access';
import { collectPermanentAssignments } from './permanent-assignments';
import { collectPrivilegedAccess } from './privileged-access';
import type { ProgressSink } from './progress';
import { collectRegistrations } from './registration-details';
import { collectSubscribedSkus } from './subscribed-skus';
import type {
  Collected,
  ConditionalAccessExclusions,
  ConditionalAccessState,
  PermanentAssignment,
  PrivilegedAccess,
  RegistrationRecord,
  SubscribedSku,
} from './types';

/** Everything the selected controls read about one tenant. */
export interface TenantSnapshot {
  privilegedAccess: Collected<PrivilegedAccess>;
  /** Registration records of the privileged users only. */
  registrations: Collected<Map<string, RegistrationRecord>>;
  permanentAssignments: Collected<PermanentAssignment[]>;
  subscribedSkus: Collected<Map<string, SubscribedSku>>;
  conditionalAccess: Collected<ConditionalAccessState>;
  /** Who the Conditional Access policies exclude (users by id, excluded groups' transitive members). */
  conditionalAccessExclusions: Collected<ConditionalAccessExclusions>;
}

export type SnapshotPart = keyof TenantSnapshot;

export const ALL_SNAPSHOT_PARTS: ReadonlySet<SnapshotPart> = new Set([
  'privilegedAccess',
  'registrations',
  'permanentAssignments',
  'subscribedSkus',
  'conditionalAccess',
  'conditionalAccessExclusions',
]);

const NOT_NEEDED = 'not collected: no control that can run in this scan needs it';

/**
 * Collects the data the identity controls need. A refusal that only affects some controls (missing permission,
 * missing licence, unsupported request) becomes a `Collected` error for those controls; throttling, outages
 * and token failures propagate so that the job is retried as a whole. Parts not in `parts` are not requested
 * (their controls are blocked anyway: asking Graph would only collect 403s).
 */
export async function collectTenantSnapshot(
  graph: GraphClient,
  privilegedRoleIds: readonly string[],
  progress: ProgressSink,
  parts: ReadonlySet<SnapshotPart> = ALL_SNAPSHOT_PARTS,
): Promise<TenantSnapshot> {
  // Registrations are read for the privileged users only, so they need privileged access first.
  const privilegedAccess: Collected<PrivilegedAccess> =
    parts.has('privilegedAccess') || parts.has('registrations')
      ? await collected(() => collectPrivilegedAccess(graph, privilegedRoleIds, progress))
      : { ok: false, reason: NOT_NEEDED };
  const wanted = privilegedAccess.ok ? new Set(privilegedAccess.value.users.map((u) => u.id)) : null;
  let registrations: Collected<Map<string, RegistrationRecord>>;
  if (!parts.has('registrations')) registrations = { ok: false, reason: NOT_NEEDED };
  else if (wanted) registrations = await collected(() => collectRegistrations(graph, wanted, progress));
  else registrations = { ok: false, reason: 'privileged users could not be read' };
  const permanentAssignments: Collected<PermanentAssignment[]> = parts.has('permanentAssignments')
    ? await collected(() => collectPermanentAssignments(graph, privilegedRoleIds, progress))
    : { ok: false, reason: NOT_NEEDED };
  const subscribedSkus: Collected<Map<string, SubscribedSku>> = parts.has('subscribedSkus')
    ? await collected(() => collectSubscribedSkus(graph))
    : { ok: false, reason: NOT_NEEDED };
  // Exclusions are resolved from the policies, so they need the policies first.
  const conditionalAccess: Collected<ConditionalAccessState> =
    parts.has('conditionalAccess') || parts.has('conditionalAccessExclusions')
      ? await collected(() => collectConditionalAccess(graph, progress))
      : { ok: false, reason: NOT_NEEDED };
  let conditionalAccessExclusions: Collected<ConditionalAccessExclusions>;
  if (!parts.has('conditionalAccessExclusions'))
    conditionalAccessExclusions = { ok: false, reason: NOT_NEEDED };
  else if (conditionalAccess.ok) {
    const { policies } = conditionalAccess.value;
    conditionalAccessExclusions = await collected(() => collectExclusions(graph, policies, progress));
  } else conditionalAccessExclusions = { ok: false, reason: 'Conditional Access policies could not be read' };
  return {
    privilegedAccess,
    registrations,
    permanentAssignments,
    subscribedSkus,
    conditionalAccess,
    conditionalAccessExclusions,
  };
}

/**
 * A collection's result, or its refusal or unusable data in words. A DataShapeError is a per-asset judge that ran
 * outside judgeAsset (controls/judge-assets.ts): the stream it ran in is unusable, never the whole scan.
 */
export async function collected<T>(collect: () => Promise<T>): Promise<Collected<T>> {
  try {
    return { ok: true, value: await collect() };
  } catch (err) {
    if (err instanceof GraphError && [400, 403, 404].includes(err.status)) {
      return { ok: false, reason: describeRefusal(err) };
    }
    if (err instanceof GraphError && err.code === 'UnexpectedShape') {
      return {
        ok: false,
        reason: `Graph returned data that does not match its documented shape: ${err.message}`,
      };
    }
    if (err instanceof DataShapeError) return { ok: false, reason: err.reason };
    throw err;
  }
}

function describeRefusal(err: GraphError): string {
  if (err.status === 403) {
    return `Graph refused ${err.path} (403 ${err.code}): grant the scanning app the application permission this data needs and admin-consent it`;
  }
  return `Graph answered ${err.status} ${err.code} on ${err.path}: ${err.message}`;
}
