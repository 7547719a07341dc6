import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { toScannedUser } from './scanned-user';
import type { ScannedUser } from './types';

const SELECT =
  'id,userPrincipalName,displayName,accountEnabled,userType,createdDateTime,onPremisesSyncEnabled,assignedLicenses';
/** Graph caps $top at 500 when signInActivity is selected. */
const WITH_SIGN_INS = `/users?$select=${SELECT},signInActivity&$top=500`;
const WITHOUT_SIGN_INS = `/users?$select=${SELECT}&$top=999`;

/** Which request a page of users came from; a resumed stream must go on with the same one. */
export type UserStreamVariant = 'withSignIns' | 'withoutSignIns';

/** A page of users, the link to the next page, and the stream's notes (variant, why no signInActivity). */
export interface UserPage {
  items: ScannedUser[];
  next: string | null;
  notes: { variant: UserStreamVariant; signInRefusal?: string };
}

export const NON_PREMIUM_SIGN_INS =
  'sign-in activity needs Entra ID P1 (Graph answered 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant): license the tenant for Entra ID P1 or P2';

/**
 * Every user once, page by page (nothing is kept here, so memory is bounded whatever the tenant size), from the
 * start or from a saved link. With `signInActivity` asked for and a tenant without Entra ID P1 (403
 * Authentication_RequestFromNonPremiumTenantOrB2CTenant on the first page), streams without it and says why.
 */
export async function* userPages(
  graph: GraphClient,
  wantSignInActivity: boolean,
  from?: { next: string; notes: UserPage['notes'] },
): AsyncGenerator<UserPage> {
  if (from !== undefined) {
    yield* pagesFrom(graph, from.next, from.notes);
    return;
  }
  if (!wantSignInActivity) {
    yield* pagesFrom(graph, WITHOUT_SIGN_INS, { variant: 'withoutSignIns' });
    return;
  }
  const pages = pagesFrom(graph, WITH_SIGN_INS, { variant: 'withSignIns' });
  let first: IteratorResult<UserPage>;
  try {
    first = await pages.next();
  } catch (err) {
    if (
      !(err instanceof GraphError) ||
      err.status !== 403 ||
      err.code !== 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'
    ) {
      throw err;
    }
    yield* pagesFrom(graph, WITHOUT_SIGN_INS, {
      variant: 'withoutSignIns',
      signInRefusal: NON_PREMIUM_SIGN_INS,
    });
    return;
  }
  if (first.done === true) return;
  yield first.value;
  yield* pages;
}

async function* pagesFrom(
  graph: GraphClient,
  path: string,
  notes: UserPage['notes'],
): AsyncGenerator<UserPage> {
  const withSignIns = notes.variant === 'withSignIns';
  for await (const page of graph.linkedPages<Record<string, unknown>>(path)) {
    yield { items: page.items.map((item) => toScannedUser(item, withSignIns)), next: page.next, notes };
  }
}
