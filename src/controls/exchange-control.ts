// Shared pieces of the Exchange Online controls (CRW-EXO-*).
import type { ExchangeMailbox, ExchangeOrganization } from '../collectors/exchange-types';
import { AUDITED_MAILBOX_TYPES } from '../collectors/exchange-types';
import {
  errorOutcome,
  outcomeFromFindings,
  part,
  tenantFinding,
  type ControlContext,
  type ControlOutcome,
} from './control';
import type { Finding } from './types';

/** Exchange cmdlets through InvokeCommand: Exchange.ManageAsApp plus this directory role (read-only). */
export const EXCHANGE_READER = 'Global Reader';

/** EXO-03..05 judge user and shared mailboxes only (rooms, equipment, groups… are not people's mail). */
export function isAuditedMailbox(mailbox: ExchangeMailbox): boolean {
  return AUDITED_MAILBOX_TYPES.has(mailbox.recipientTypeDetails);
}

export function mailboxFinding(mailbox: ExchangeMailbox, detail: string): Finding {
  return {
    assetType: 'mailbox',
    assetId: mailbox.externalDirectoryObjectId ?? mailbox.userPrincipalName,
    assetName: mailbox.primarySmtpAddress,
    detail,
  };
}

/** A tenant-wide Exchange control: fails with one tenant finding when `problem` returns a detail. */
export function evaluateOrganization(
  context: ControlContext,
  problem: (organization: ExchangeOrganization) => string | null,
): ControlOutcome {
  const organization = part(context.exchangeOrganization);
  if (!organization.ok)
    return errorOutcome(`Exchange organization settings could not be read: ${organization.reason}`);
  const detail = problem(organization.value);
  return outcomeFromFindings(detail === null ? [] : [tenantFinding(context, detail)]);
}

/** The outcome of a per-mailbox control from what the mailbox stream found. */
export function evaluateMailboxScan(
  controlId: string,
  context: ControlContext,
  options: { readsAcceptedDomains: boolean; readsInboxRules: boolean },
): ControlOutcome {
  if (options.readsAcceptedDomains) {
    const domains = part(context.acceptedDomains);
    if (!domains.ok) return errorOutcome(`accepted domains could not be read: ${domains.reason}`);
  }
  const scan = part(context.mailboxScan);
  if (!scan.ok) return errorOutcome(`mailboxes could not be read: ${scan.reason}`);
  if (options.readsInboxRules && !scan.value.inboxRules.ok)
    return errorOutcome(`inbox rules could not be read: ${scan.value.inboxRules.reason}`);
  return outcomeFromFindings([...(scan.value.findings.get(controlId) ?? [])]);
}
