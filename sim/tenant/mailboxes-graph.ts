// Graph v1.0 for mailboxes: GET /users/{id|upn}/mailFolders/inbox/messageRules and the mail endpoints of
// sim/mail/. Returns null for paths that are not mailbox paths, so the caller falls through to the tenant's other
// Graph routes. The bearer token is already verified (audience Graph, tid == tenant).
import { handleMailRoute, matchMailRoute, type MailRoute } from '../mail/graph-mail';
import type { MailboxRef, MailStore } from '../mail/store';
import type { AccessTokenClaims, SimRequest, SimResponse, SimTenant } from '../types';
import { GraphError, graphErrorResponse, notSimulated } from './graph-errors';
import { mailboxDirectoryOf, type MailboxDirectory, type SimMailbox } from './mailboxes';
import { inboxRulesOf, type PlannedRecipient, type PlannedRule } from './mailboxes-rules';

const MAILBOX_SETTINGS_READ = ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'];

export function handleMailboxGraph(
  req: SimRequest,
  claims: AccessTokenClaims,
  tenant: SimTenant,
  mail: MailStore,
): SimResponse | null {
  const segments = pathSegments(req.url.pathname);
  if (!segments || segments.length < 3 || segments[0]?.toLowerCase() !== 'users') return null;
  const [, userSegment = '', ...rest] = segments;
  const rules = isMessageRulesPath(rest);
  const mailRoute = rules ? undefined : matchMailRoute(rest, req.method);
  if (!rules && mailRoute === undefined) return null;

  try {
    if ((rules && req.method !== 'GET') || mailRoute === 'method-not-allowed') {
      throw new GraphError(
        405,
        'ErrorInvalidRequest',
        'Specified HTTP method is not allowed for the request target.',
      );
    }
    const permissions = rules ? MAILBOX_SETTINGS_READ : (mailRoute as MailRoute).permissions;
    if (!claims.roles.some((role) => permissions.includes(role))) {
      throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    }
    const directory = mailboxDirectoryOf(tenant);
    const mailbox = resolveMailbox(directory, userSegment);
    if (rules) return listMessageRules(req, directory, mailbox, userSegment, rest[1] ?? 'inbox');
    return handleMailRoute(mailRoute as MailRoute, {
      req,
      mailbox: mailboxRef(tenant, mailbox),
      userSegment,
      store: mail,
    });
  } catch (error) {
    if (error instanceof GraphError) return graphErrorResponse(req, error);
    throw error;
  }
}

/** Decoded segments after /v1.0/, or undefined for other versions and undecodable paths. */
function pathSegments(pathname: string): string[] | undefined {
  if (!pathname.startsWith('/v1.0/')) return undefined;
  try {
    return pathname
      .slice('/v1.0/'.length)
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function isMessageRulesPath(rest: readonly string[]): boolean {
  return (
    rest.length === 3 && rest[0]?.toLowerCase() === 'mailfolders' && rest[2]?.toLowerCase() === 'messagerules'
  );
}

/** Outlook's answers: unknown user 404 ErrorInvalidUser; a user without a mailbox 404 MailboxNotEnabledForRESTAPI. */
function resolveMailbox(directory: MailboxDirectory, userSegment: string): SimMailbox {
  const found = directory.find(userSegment);
  if (found.kind === 'mailbox') return found.mailbox;
  if (found.kind === 'noMailbox') {
    throw new GraphError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${userSegment}' is invalid.`);
}

function mailboxRef(tenant: SimTenant, mailbox: SimMailbox): MailboxRef {
  return {
    tenantId: tenant.tenantId,
    id: mailbox.externalDirectoryObjectId,
    address: mailbox.primarySmtpAddress,
    name: mailbox.displayName,
  };
}

function recipients(
  list: readonly PlannedRecipient[],
): Array<{ emailAddress: { name: string; address: string } }> {
  return list.map((recipient) => ({ emailAddress: { name: recipient.name, address: recipient.address } }));
}

/** A messageRule as Graph returns it: unset conditions and actions are left out. */
export function messageRuleResource(rule: PlannedRule): Record<string, unknown> {
  const { fromAddresses, ...otherConditions } = rule.conditions;
  const conditions: Record<string, unknown> = { ...otherConditions };
  if (fromAddresses) conditions.fromAddresses = recipients(fromAddresses);
  const actions: Record<string, unknown> = { ...rule.otherActions };
  if (rule.forwardTo.length > 0) actions.forwardTo = recipients(rule.forwardTo);
  if (rule.redirectTo.length > 0) actions.redirectTo = recipients(rule.redirectTo);
  if (rule.forwardAsAttachmentTo.length > 0)
    actions.forwardAsAttachmentTo = recipients(rule.forwardAsAttachmentTo);
  return {
    id: rule.id,
    displayName: rule.displayName,
    sequence: rule.sequence,
    isEnabled: rule.isEnabled,
    hasError: rule.hasError,
    isReadOnly: rule.isReadOnly,
    conditions,
    actions,
  };
}

function listMessageRules(
  req: SimRequest,
  directory: MailboxDirectory,
  mailbox: SimMailbox,
  userSegment: string,
  folder: string,
): SimResponse {
  if (folder.toLowerCase() !== 'inbox') throw notSimulated(`messageRules of mail folder '${folder}'`);
  const option = [...req.url.searchParams.keys()][0];
  if (option !== undefined) throw notSimulated(`query option '${option}' on messageRules`);
  const clientRequestId = req.headers['client-request-id'];
  const headers: Record<string, string> = { 'OData-Version': '4.0' };
  if (typeof clientRequestId === 'string') headers['client-request-id'] = clientRequestId;
  return {
    status: 200,
    headers,
    body: {
      '@odata.context':
        `${req.url.origin}/v1.0/$metadata#users('${encodeURIComponent(userSegment)}')` +
        `/mailFolders('inbox')/messageRules`,
      value: inboxRulesOf(directory, mailbox).map(messageRuleResource),
    },
  };
}
