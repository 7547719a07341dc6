import type { ExchangeClient, ExchangeObject } from '../cloud/exchange-client';
import { ExchangeError } from '../cloud/exchange-error';
import type {
  AcceptedDomain,
  ExchangeMailbox,
  ExchangeOrganization,
  OutboundSpamPolicy,
  RemoteDomain,
} from './exchange-types';
import type { ProgressSink } from './progress';

/** Get-OrganizationConfig, Get-AdminAuditLogConfig, Get-RemoteDomain, Get-HostedOutboundSpamFilterPolicy. */
export async function collectExchangeOrganization(exchange: ExchangeClient): Promise<ExchangeOrganization> {
  const organization = single('Get-OrganizationConfig', await exchange.invoke('Get-OrganizationConfig'));
  const auditLog = single('Get-AdminAuditLogConfig', await exchange.invoke('Get-AdminAuditLogConfig'));
  const remoteDomains = (await exchange.invoke('Get-RemoteDomain')).map((row): RemoteDomain => ({
    domainName: text('Get-RemoteDomain', row, 'DomainName'),
    autoForwardEnabled: flag('Get-RemoteDomain', row, 'AutoForwardEnabled'),
  }));
  const policies = (await exchange.invoke('Get-HostedOutboundSpamFilterPolicy')).map(
    (row): OutboundSpamPolicy => ({
      name: text('Get-HostedOutboundSpamFilterPolicy', row, 'Name'),
      isDefault: flag('Get-HostedOutboundSpamFilterPolicy', row, 'IsDefault'),
      autoForwardingMode: text('Get-HostedOutboundSpamFilterPolicy', row, 'AutoForwardingMode'),
    }),
  );
  return {
    auditDisabled: flag('Get-OrganizationConfig', organization, 'AuditDisabled'),
    unifiedAuditLogIngestionEnabled: flag(
      'Get-AdminAuditLogConfig',
      auditLog,
      'UnifiedAuditLogIngestionEnabled',
    ),
    remoteDomains,
    outboundSpamPolicies: policies,
  };
}

/** Get-AcceptedDomain: every type (Authoritative, InternalRelay, ExternalRelay) counts as internal. */
export async function collectAcceptedDomains(exchange: ExchangeClient): Promise<AcceptedDomain[]> {
  return (await exchange.invoke('Get-AcceptedDomain')).map((row) => ({
    domainName: text('Get-AcceptedDomain', row, 'DomainName'),
    matchSubDomains: flag('Get-AcceptedDomain', row, 'MatchSubDomains'),
  }));
}

/**
 * Every mailbox, one page (≤ 1000) at a time so a large tenant is never held in memory. ResultSize Unlimited:
 * without it Get-Mailbox stops at 1000 with only a warning.
 */
export async function* mailboxPages(
  exchange: ExchangeClient,
  progress: ProgressSink,
): AsyncGenerator<ExchangeMailbox[]> {
  let pages = 0;
  let items = 0;
  for await (const page of exchange.pages('Get-Mailbox', { ResultSize: 'Unlimited' })) {
    pages++;
    items += page.length;
    progress({ collector: 'mailboxes', pages, items });
    yield page.map(mailboxOf);
  }
}

function mailboxOf(row: ExchangeObject): ExchangeMailbox {
  const cmdlet = 'Get-Mailbox';
  const forwarding = row['ForwardingSmtpAddress'];
  const objectId = row['ExternalDirectoryObjectId'];
  return {
    externalDirectoryObjectId: typeof objectId === 'string' && objectId !== '' ? objectId : null,
    userPrincipalName: text(cmdlet, row, 'UserPrincipalName'),
    primarySmtpAddress: text(cmdlet, row, 'PrimarySmtpAddress'),
    recipientTypeDetails: text(cmdlet, row, 'RecipientTypeDetails'),
    auditEnabled: flag(cmdlet, row, 'AuditEnabled'),
    forwardingSmtpAddress: typeof forwarding === 'string' && forwarding.trim() !== '' ? forwarding : null,
  };
}

function single(cmdlet: string, rows: ExchangeObject[]): ExchangeObject {
  const [row] = rows;
  if (rows.length !== 1 || row === undefined)
    throw new ExchangeError(200, 'UnexpectedShape', cmdlet, `expected one object, got ${rows.length}`);
  return row;
}

function text(cmdlet: string, row: ExchangeObject, key: string): string {
  const value = row[key];
  if (typeof value !== 'string')
    throw new ExchangeError(200, 'UnexpectedShape', cmdlet, `${key} is not a string`);
  return value;
}

/** Exchange serialises booleans as JSON booleans; tolerate "True"/"False" text as PowerShell prints them. */
function flag(cmdlet: string, row: ExchangeObject, key: string): boolean {
  const value = row[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new ExchangeError(200, 'UnexpectedShape', cmdlet, `${key} is not a boolean`);
}
