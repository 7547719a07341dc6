import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { toDirectoryUser } from './directory-user';
import type { ProgressSink } from './progress';
import type { AssignedLicense, ScannedUser, SignInActivity } from './types';

const SELECT =
  'id,userPrincipalName,accountEnabled,userType,createdDateTime,onPremisesSyncEnabled,assignedLicenses';
/** Graph caps $top at 500 when signInActivity is selected. */
const WITH_SIGN_INS = `/users?$select=${SELECT},signInActivity&$top=500`;
const WITHOUT_SIGN_INS = `/users?$select=${SELECT}&$top=999`;

export interface UserStreamOutcome {
  /** Whether the users carried signInActivity; the refusal in words otherwise. */
  signInActivity: { ok: true } | { ok: false; reason: string };
}

/**
 * Streams every user once, handing each to `onUser` (nothing is kept here, so memory is bounded whatever the
 * tenant size). With `signInActivity` asked for and a tenant without Entra ID P1 (403
 * Authentication_RequestFromNonPremiumTenantOrB2CTenant on the first page), streams again without it.
 */
export async function streamUsers(
  graph: GraphClient,
  wantSignInActivity: boolean,
  onUser: (user: ScannedUser) => void,
  progress: ProgressSink,
): Promise<UserStreamOutcome> {
  if (!wantSignInActivity) {
    await streamFrom(graph, WITHOUT_SIGN_INS, false, onUser, progress);
    return { signInActivity: { ok: false, reason: 'signInActivity was not requested' } };
  }
  try {
    await streamFrom(graph, WITH_SIGN_INS, true, onUser, progress);
    return { signInActivity: { ok: true } };
  } catch (err) {
    if (!(err instanceof NonPremiumAtStart)) throw err;
    await streamFrom(graph, WITHOUT_SIGN_INS, false, onUser, progress);
    return {
      signInActivity: {
        ok: false,
        reason:
          'sign-in activity needs Entra ID P1 (Graph answered 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant): license the tenant for Entra ID P1 or P2',
      },
    };
  }
}

/** The first page was refused for want of a premium licence: no user has been handed out yet. */
class NonPremiumAtStart extends Error {}

async function streamFrom(
  graph: GraphClient,
  path: string,
  withSignIns: boolean,
  onUser: (user: ScannedUser) => void,
  progress: ProgressSink,
): Promise<void> {
  let pages = 0;
  let items = 0;
  try {
    for await (const page of graph.pages<Record<string, unknown>>(path)) {
      pages++;
      items += page.length;
      for (const item of page) onUser(toScannedUser(item, withSignIns));
      progress({ collector: 'users', pages, items });
    }
  } catch (err) {
    if (
      pages === 0 &&
      withSignIns &&
      err instanceof GraphError &&
      err.status === 403 &&
      err.code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'
    ) {
      throw new NonPremiumAtStart();
    }
    throw err;
  }
}

export function toScannedUser(item: Record<string, unknown>, withSignIns: boolean): ScannedUser {
  const user: ScannedUser = {
    ...toDirectoryUser(item),
    createdDateTime: typeof item.createdDateTime === 'string' ? item.createdDateTime : null,
    onPremisesSyncEnabled:
      typeof item.onPremisesSyncEnabled === 'boolean' ? item.onPremisesSyncEnabled : null,
    assignedLicenses: Array.isArray(item.assignedLicenses)
      ? item.assignedLicenses.flatMap(toAssignedLicense)
      : [],
  };
  if (withSignIns) user.signInActivity = toSignInActivity(item.signInActivity);
  return user;
}

function toAssignedLicense(value: unknown): AssignedLicense[] {
  const item = value as { skuId?: unknown; disabledPlans?: unknown } | null;
  if (typeof item?.skuId !== 'string') return [];
  const disabled = Array.isArray(item.disabledPlans) ? item.disabledPlans : [];
  return [{ skuId: item.skuId, disabledPlans: disabled.filter((p): p is string => typeof p === 'string') }];
}

function toSignInActivity(value: unknown): SignInActivity | null {
  if (typeof value !== 'object' || value === null) return null;
  const item = value as Record<string, unknown>;
  const field = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  return {
    lastSignInDateTime: field('lastSignInDateTime'),
    lastNonInteractiveSignInDateTime: field('lastNonInteractiveSignInDateTime'),
    lastSuccessfulSignInDateTime: field('lastSuccessfulSignInDateTime'),
  };
}
