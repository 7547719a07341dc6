import type { ExchangeClient } from '../cloud/exchange-client';
import { acceptedDomainOf, mailboxOf, organizationOf } from './exchange-rows';
import type { AcceptedDomain, ExchangeMailbox, ExchangeOrganization } from './exchange-types';

/** Get-OrganizationConfig, Get-AdminAuditLogConfig, Get-RemoteDomain, Get-HostedOutboundSpamFilterPolicy. */
export async function collectExchangeOrganization(exchange: ExchangeClient): Promise<ExchangeOrganization> {
  return organizationOf(
    await exchange.invoke('Get-OrganizationConfig'),
    await exchange.invoke('Get-AdminAuditLogConfig'),
    await exchange.invoke('Get-RemoteDomain'),
    await exchange.invoke('Get-HostedOutboundSpamFilterPolicy'),
  );
}

/** Get-AcceptedDomain: every type (Authoritative, InternalRelay, ExternalRelay) counts as internal. */
export async function collectAcceptedDomains(exchange: ExchangeClient): Promise<AcceptedDomain[]> {
  return (await exchange.invoke('Get-AcceptedDomain')).map(acceptedDomainOf);
}

/**
 * Every mailbox, one page (≤ 1000) at a time so a large tenant is never held in memory, from the start or from a
 * saved link; each page comes with the link to the next (null on the last). ResultSize Unlimited: without it
 * Get-Mailbox stops at 1000 with only a warning.
 */
export async function* mailboxPages(
  exchange: ExchangeClient,
  from: string | null = null,
): AsyncGenerator<{ items: ExchangeMailbox[]; next: string | null }> {
  for await (const page of exchange.linkedPages('Get-Mailbox', { ResultSize: 'Unlimited' }, from)) {
    yield { items: page.items.map(mailboxOf), next: page.next };
  }
}
