// Graph's throttling budgets as documented ("Microsoft Graph service-specific throttling limits",
// learn.microsoft.com/graph/throttling-limits; shared/reference/microsoft-wire-facts.md), and which budget a
// request draws from. Microsoft says the figures are subject to change, so they are defaults the governor's
// caller may override.
//   identity & access  3,500 / 5,000 / 8,000 resource units per 10 s per app+tenant (< 50 / 50–500 / > 500 users)
//   reports            5 requests per 10 s per app+tenant
//   conditional access about 1 request per s per tenant (its 429 carries no Retry-After)
//   outlook            4 concurrent requests per app+mailbox (and 10,000 per 10 min: a scan reads ~1 per mailbox)
import type { FamilyBudget, ThrottledCall } from './throttle-governor';

/** Resource units per 10 s by tenant size; the scan does not know the size up front, so it assumes the smallest. */
export const IDENTITY_UNITS_PER_10S = {
  under50Users: 3_500,
  upTo500Users: 5_000,
  over500Users: 8_000,
} as const;

export interface GraphThrottleBudgets {
  identityUnitsPer10s: number;
  reportsPer10s: number;
  conditionalAccessPerSecond: number;
  outlookConcurrentPerMailbox: number;
}

export const DOCUMENTED_GRAPH_BUDGETS: Readonly<GraphThrottleBudgets> = {
  identityUnitsPer10s: IDENTITY_UNITS_PER_10S.under50Users,
  reportsPer10s: 5,
  conditionalAccessPerSecond: 1,
  outlookConcurrentPerMailbox: 4,
};

/** The governor's token buckets for Graph; outlook and the $batch envelope have none (see above). */
export function graphFamilyBudgets(budgets: GraphThrottleBudgets): Record<string, FamilyBudget> {
  return {
    identity: { capacity: budgets.identityUnitsPer10s, windowMs: 10_000 },
    reports: { capacity: budgets.reportsPer10s, windowMs: 10_000 },
    conditionalAccess: { capacity: budgets.conditionalAccessPerSecond, windowMs: 1_000 },
  };
}

/** Segments under /users/{id}/ that Outlook (Exchange Online) serves, with its per-mailbox limits. */
const OUTLOOK_SEGMENTS = new Set([
  'mailfolders',
  'messages',
  'sendmail',
  'mailboxsettings',
  'events',
  'calendar',
  'calendars',
  'calendarview',
  'contacts',
  'contactfolders',
  'inferenceclassification',
  'outlook',
]);

/** Documented base costs (resource units) of the identity reads above 1 that this worker sends. */
const BASE_UNITS = (
  [
    ['GET', 'users', 2],
    ['GET', 'users/{id}/memberOf', 2],
    ['GET', 'users/{id}/transitiveMemberOf', 2],
    ['GET', 'groups/{id}/members', 3],
    ['GET', 'groups/{id}/transitiveMembers', 5],
    ['GET', 'subscribedSkus', 3],
    ['GET', 'applications', 2],
    ['GET', 'oauth2PermissionGrants', 2],
    ['GET', 'servicePrincipals/{id}/appRoleAssignments', 2],
  ] as const
).map(([method, path, units]) => ({ method, parts: path.toLowerCase().split('/'), units }));

/**
 * The budget a Graph request draws from and its estimated cost. `url` is absolute or relative to /v1.0 (a $batch
 * item). Identity costs are estimates ($select −1, $expand +1, $top below 20 −1, never below 1): the governor
 * corrects them with the response's x-ms-resource-unit.
 */
export function classifyGraphCall(method: string, url: string): ThrottledCall {
  // Plain string work, not new URL(): a scan classifies every $batch item (~100,000 for a large tenant).
  const [path = '', query = ''] = url.replace(/^https?:\/\/[^/]+/i, '').split('?', 2);
  const segments = path
    .replace(/^\/?v1\.0\//i, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.toLowerCase());
  if (segments.length === 1 && segments[0] === '$batch') return { family: 'batch', cost: 0 };
  if (segments[0] === 'reports') return { family: 'reports', cost: 1 };
  if (
    (segments[0] === 'identity' && segments[1] === 'conditionalaccess') ||
    segments[0] === 'identityprotection'
  ) {
    return { family: 'conditionalAccess', cost: 1 };
  }
  if (segments[0] === 'users' && segments[1] !== undefined && OUTLOOK_SEGMENTS.has(segments[2] ?? '')) {
    return { family: 'outlook', cost: 1, mailbox: safeDecode(segments[1]) };
  }
  return {
    family: 'identity',
    cost: identityUnits(method.toUpperCase(), segments, new URLSearchParams(query)),
  };
}

function identityUnits(method: string, segments: readonly string[], query: URLSearchParams): number {
  const listed = BASE_UNITS.find(
    (entry) =>
      entry.method === method &&
      entry.parts.length === segments.length &&
      entry.parts.every((part, i) => part === '{id}' || part === segments[i]),
  );
  let units: number = listed?.units ?? 1;
  // Graph v1.0 accepts system query options with or without the "$".
  const option = (name: string) => query.get(`$${name}`) ?? query.get(name);
  if (option('select') !== null) units -= 1;
  if (option('expand') !== null) units += 1;
  const top = option('top');
  if (top !== null && Number(top) < 20) units -= 1;
  return Math.max(1, units);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
