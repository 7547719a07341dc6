// /users and /users/{id}: $select (signInActivity needs AuditLog.Read.All and Entra ID P1, and caps $top at 500),
// the documented $filter subset, and paging by user index so a million users are never built at once.
import type { AccessTokenClaims, SimRequest, SimResponse } from '../types';
import { insufficientPrivileges } from './graph-errors';
import { USER_TYPE, userResource, type GraphResource } from './graph-entities';
import {
  contextSelection,
  decodeSkipToken,
  pageSize,
  project,
  readQueryOptions,
  selectedProperties,
} from './graph-query';
import {
  collectionKey,
  collectionPage,
  entity,
  nonPremiumTenant,
  resourceNotFound,
  type GraphHandlerContext,
  type NextPage,
} from './graph-route-kit';
import { parseUserFilter } from './user-filter';

const USER_PAGE = { defaultSize: 100, maxTop: 999 };
/** Graph's limit when signInActivity is selected. */
const SIGN_IN_ACTIVITY_PAGE = { defaultSize: 100, maxTop: 500 };

/** signInActivity comes from the sign-in logs: AuditLog.Read.All and a premium licence, checked in that order. */
function checkSignInActivity(
  context: GraphHandlerContext,
  claims: AccessTokenClaims,
  properties: readonly string[],
): boolean {
  if (!properties.includes('signInActivity')) return false;
  if (!claims.roles.includes('AuditLog.Read.All')) throw insufficientPrivileges();
  if (!context.licences.p1) throw nonPremiumTenant();
  return true;
}

export function listUsers(
  context: GraphHandlerContext,
  req: SimRequest,
  _params: string[],
  claims: AccessTokenClaims,
): SimResponse {
  const query = readQueryOptions(req.url, '/users', ['select', 'top', 'filter', 'skiptoken']);
  const properties = selectedProperties(query.select, USER_TYPE);
  const withSignIns = checkSignInActivity(context, claims, properties);
  const size = pageSize(query.top, withSignIns ? SIGN_IN_ACTIVITY_PAGE : USER_PAGE);
  const filter = parseUserFilter(query.filter);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const { directory } = context;

  // Candidates in index order: the ids of an `id in (…)` clause, else every index. The offset is a user index,
  // and the next page starts at the first match beyond this one, so no page is empty.
  const candidates: Iterable<number> = filter?.ids
    ? filter.ids
        .map((id) => directory.userIndexOf(id))
        .filter((index): index is number => index !== undefined && index >= offset)
        .sort((a, b) => a - b)
    : indicesFrom(offset, directory.userCount);
  const value: GraphResource[] = [];
  let next: NextPage | undefined;
  for (const index of candidates) {
    const user = directory.user(index);
    if (filter && !filter.matches(user)) continue;
    if (value.length === size) {
      next = { collection: collectionKey(req), offset: index };
      break;
    }
    value.push(project(userResource(user), properties));
  }
  return collectionPage(req, `users${contextSelection(query.select, properties)}`, value, next);
}

function* indicesFrom(start: number, end: number): Generator<number> {
  for (let index = start; index < end; index++) yield index;
}

export function getUser(
  context: GraphHandlerContext,
  req: SimRequest,
  [id = '']: string[],
  claims: AccessTokenClaims,
): SimResponse {
  const query = readQueryOptions(req.url, '/users/{id}', ['select']);
  const properties = selectedProperties(query.select, USER_TYPE);
  checkSignInActivity(context, claims, properties);
  const user = context.directory.findUser(id);
  if (!user) throw resourceNotFound(id);
  return entity(
    req,
    `users${contextSelection(query.select, properties)}/$entity`,
    project(userResource(user), properties),
  );
}
