// Exchange objects (InvokeCommand rows) as the controls read them. The properties that name a row (DomainName,
// Name, UserPrincipalName, PrimarySmtpAddress) are required: UnexpectedShape. Judged values in another shape than
// documented are null and noted in `unexpected`, so only the control that needs one reports `error`.
import type { ExchangeObject } from '../cloud/exchange-client';
import { ExchangeError } from '../cloud/exchange-error';
import type {
  AcceptedDomain,
  ExchangeMailbox,
  ExchangeOrganization,
  OutboundSpamPolicy,
  RemoteDomain,
} from './exchange-types';
import { describeValue, noteUnexpected, unexpectedPart } from './shape';

/** Get-OrganizationConfig, Get-AdminAuditLogConfig (one object each), Get-RemoteDomain, the outbound policies. */
export function organizationOf(
  organizationRows: ExchangeObject[],
  auditLogRows: ExchangeObject[],
  remoteDomainRows: ExchangeObject[],
  policyRows: ExchangeObject[],
): ExchangeOrganization {
  const organization = single('Get-OrganizationConfig', organizationRows);
  const auditLog = single('Get-AdminAuditLogConfig', auditLogRows);
  const notes: Record<string, string> = {};
  return {
    auditDisabled: flag(notes, organization, 'AuditDisabled'),
    unifiedAuditLogIngestionEnabled: flag(notes, auditLog, 'UnifiedAuditLogIngestionEnabled'),
    remoteDomains: remoteDomainRows.map(remoteDomainOf),
    outboundSpamPolicies: policyRows.map(outboundSpamPolicyOf),
    ...unexpectedPart(notes),
  };
}

function remoteDomainOf(row: ExchangeObject): RemoteDomain {
  const notes: Record<string, string> = {};
  return {
    domainName: text('Get-RemoteDomain', row, 'DomainName'),
    autoForwardEnabled: flag(notes, row, 'AutoForwardEnabled'),
    ...unexpectedPart(notes),
  };
}

/** AutoForwardingMode is kept as sent, known or not: only EXO-06 can tell whether an unknown value matters. */
function outboundSpamPolicyOf(row: ExchangeObject): OutboundSpamPolicy {
  const notes: Record<string, string> = {};
  const mode = row['AutoForwardingMode'];
  return {
    name: text('Get-HostedOutboundSpamFilterPolicy', row, 'Name'),
    isDefault: flag(notes, row, 'IsDefault'),
    autoForwardingMode: typeof mode === 'string' ? mode : noteUnexpected(notes, 'AutoForwardingMode', mode),
    ...unexpectedPart(notes),
  };
}

/**
 * Get-AcceptedDomain. Both properties are required: EXO-04 and EXO-05 prepare their domain check from every
 * accepted domain before any mailbox streams past, so one unreadable domain leaves both unable to judge.
 */
export function acceptedDomainOf(row: ExchangeObject): AcceptedDomain {
  const matchSubDomains = flag({}, row, 'MatchSubDomains');
  if (matchSubDomains === null) throw rowError('Get-AcceptedDomain', row, 'MatchSubDomains', 'true or false');
  return { domainName: text('Get-AcceptedDomain', row, 'DomainName'), matchSubDomains };
}

/**
 * One Get-Mailbox row. ExternalDirectoryObjectId is null for some system mailboxes (documented); whether one
 * missing on a user or shared mailbox matters is for EXO-05, which needs it to read the inbox rules.
 */
export function mailboxOf(row: ExchangeObject): ExchangeMailbox {
  const cmdlet = 'Get-Mailbox';
  const notes: Record<string, string> = {};
  const objectId = row['ExternalDirectoryObjectId'];
  const forwarding = row['ForwardingSmtpAddress'];
  const type = row['RecipientTypeDetails'];
  return {
    externalDirectoryObjectId:
      typeof objectId === 'string' && objectId !== ''
        ? objectId
        : objectId === null || objectId === undefined || objectId === ''
          ? null
          : noteUnexpected(notes, 'ExternalDirectoryObjectId', objectId),
    userPrincipalName: text(cmdlet, row, 'UserPrincipalName'),
    primarySmtpAddress: text(cmdlet, row, 'PrimarySmtpAddress'),
    displayName: typeof row['DisplayName'] === 'string' ? row['DisplayName'] : null,
    recipientTypeDetails:
      typeof type === 'string' && type !== ''
        ? type
        : (noteUnexpected(notes, 'RecipientTypeDetails', type) ?? ''),
    auditEnabled: flag(notes, row, 'AuditEnabled'),
    forwardingSmtpAddress:
      typeof forwarding === 'string'
        ? forwarding.trim() === ''
          ? null
          : forwarding
        : forwarding === null || forwarding === undefined
          ? null
          : noteUnexpected(notes, 'ForwardingSmtpAddress', forwarding),
    ...unexpectedPart(notes),
  };
}

function single(cmdlet: string, rows: ExchangeObject[]): ExchangeObject {
  const [row] = rows;
  if (rows.length !== 1 || row === undefined)
    throw new ExchangeError(200, 'UnexpectedShape', cmdlet, `expected one object, got ${rows.length}`);
  return row;
}

/** A property that names the row: without it the row cannot be reported. */
function text(cmdlet: string, row: ExchangeObject, key: string): string {
  const value = row[key];
  if (typeof value !== 'string' || value === '') throw rowError(cmdlet, row, key, 'a non-empty string');
  return value;
}

function rowError(cmdlet: string, row: ExchangeObject, key: string, expected: string): ExchangeError {
  const identity = typeof row['Identity'] === 'string' ? ` of ${row['Identity']}` : '';
  return new ExchangeError(
    200,
    'UnexpectedShape',
    cmdlet,
    `${key}${identity} is ${describeValue(row[key])}, expected ${expected}`,
  );
}

/**
 * Exchange serialises booleans as JSON booleans; "True"/"False" text as PowerShell prints them is accepted too.
 * Anything else is noted under the property's name and gives null.
 */
function flag(notes: Record<string, string>, row: ExchangeObject, key: string): boolean | null {
  const value = row[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return noteUnexpected(notes, key, value);
}
