// Which throttling family a Graph v1.0 request belongs to, and its route template for statistics
// (ids replaced by {id}, e.g. "GET /v1.0/users/{id}/mailFolders/inbox/messageRules").

export const GRAPH_FAMILIES = ['identity', 'reports', 'conditionalAccess', 'outlook', 'batch'] as const;

/**
 * identity: directory reads (users, groups, roles, policies, subscribedSkus… every path not named below);
 * reports: /reports/…; conditionalAccess: /identity/conditionalAccess/… and /identityProtection/…;
 * outlook: mailbox-scoped /users/{id}/(mailFolders|messages|sendMail|…); batch: the /$batch envelope itself.
 */
export type GraphFamily = (typeof GRAPH_FAMILIES)[number];

export interface GraphRoute {
  family: GraphFamily;
  method: string;
  /** Path segments after /v1.0/, URI-decoded, as sent. */
  segments: string[];
  query: URLSearchParams;
  /** e.g. "GET /v1.0/users/{id}"; the key of per-route statistics. */
  template: string;
  /** Outlook only: the mailbox the path names (lower-cased id or user principal name). */
  mailbox?: string;
}

/** Segments under /users/{id}/ that Outlook (Exchange Online) serves. */
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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `url` must be a /v1.0/ URL. */
export function classifyGraphRequest(method: string, url: URL): GraphRoute {
  const segments = url.pathname
    .slice('/v1.0/'.length)
    .split('/')
    .filter((segment) => segment !== '')
    .map(safeDecode);
  const lower = segments.map((segment) => segment.toLowerCase());
  const template = `${method.toUpperCase()} /v1.0/${segments.map(templateSegment).join('/')}`;
  const route = { method: method.toUpperCase(), segments, query: new URLSearchParams(url.search), template };

  if (lower.length === 1 && lower[0] === '$batch') return { ...route, family: 'batch' };
  if (lower[0] === 'reports') return { ...route, family: 'reports' };
  if ((lower[0] === 'identity' && lower[1] === 'conditionalaccess') || lower[0] === 'identityprotection') {
    return { ...route, family: 'conditionalAccess' };
  }
  if (lower[0] === 'users' && lower[1] !== undefined && OUTLOOK_SEGMENTS.has(lower[2] ?? '')) {
    return { ...route, family: 'outlook', mailbox: lower[1] };
  }
  return { ...route, family: 'identity' };
}

/** Ids (GUIDs, user principal names, numbers) become "{id}" so that statistics group by route. */
function templateSegment(segment: string): string {
  return GUID.test(segment) || segment.includes('@') || /^\d+$/.test(segment) ? '{id}' : segment;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
