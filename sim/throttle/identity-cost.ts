// Resource-unit cost of an identity & access request, from Microsoft's published table ("Identity and access
// service limits", learn.microsoft.com/graph/throttling-limits): base cost per route (1 when not listed),
// $select −1, $expand +1, $top below 20 −1, never below 1. Paths under me/ cost the same under users/{id}/.
// The separate write quota is not simulated (the scanner only reads).
import type { GraphRoute } from './graph-routes';

/** [method, path after /v1.0/ with {id} wildcards, base cost]. */
const BASE_COSTS: readonly (readonly [string, string, number])[] = [
  ['GET', 'applications', 2],
  ['GET', 'applications/{id}/extensionProperties', 2],
  ['GET', 'contracts', 3],
  ['POST', 'directoryObjects/getByIds', 3],
  ['GET', 'domains/{id}/domainNameReferences', 4],
  ['POST', 'getObjectsById', 3],
  ['GET', 'groups/{id}/members', 3],
  ['GET', 'groups/{id}/transitiveMembers', 5],
  ['POST', 'isMemberOf', 4],
  ['POST', 'users/{id}/checkMemberGroups', 4],
  ['POST', 'users/{id}/checkMemberObjects', 4],
  ['POST', 'users/{id}/getMemberGroups', 2],
  ['POST', 'users/{id}/getMemberObjects', 2],
  ['GET', 'users/{id}/licenseDetails', 2],
  ['GET', 'users/{id}/memberOf', 2],
  ['GET', 'users/{id}/ownedObjects', 2],
  ['GET', 'users/{id}/transitiveMemberOf', 2],
  ['GET', 'oauth2PermissionGrants', 2],
  ['GET', 'oauth2PermissionGrants/{id}', 2],
  ['GET', 'servicePrincipals/{id}/appRoleAssignments', 2],
  ['GET', 'subscribedSkus', 3],
  ['GET', 'users', 2],
];

const PARSED_COSTS = BASE_COSTS.map(([method, path, cost]) => ({
  method,
  pattern: path.toLowerCase().split('/'),
  cost,
}));

export function identityRequestCost(route: Pick<GraphRoute, 'method' | 'segments' | 'query'>): number {
  const segments = route.segments.map((segment) => segment.toLowerCase());
  // me/… is priced like users/{id}/…
  if (segments[0] === 'me') segments.splice(0, 1, 'users', 'me');
  const listed = PARSED_COSTS.find(
    ({ method, pattern }) =>
      method === route.method &&
      pattern.length === segments.length &&
      pattern.every((part, i) => part === '{id}' || part === segments[i]),
  );
  let cost = listed?.cost ?? 1;
  if (hasOption(route.query, 'select')) cost -= 1;
  if (hasOption(route.query, 'expand')) cost += 1;
  const top = queryOption(route.query, 'top');
  if (top !== null && Number(top) < 20) cost -= 1;
  return Math.max(1, cost);
}

/** Graph v1.0 accepts system query options with or without the "$". */
function queryOption(query: URLSearchParams, name: string): string | null {
  return query.get(`$${name}`) ?? query.get(name);
}

function hasOption(query: URLSearchParams, name: string): boolean {
  return queryOption(query, name) !== null;
}
