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
import { DataShapeError, notedUnder, sentValue, type NotedAsset } from './data-shape-error';
import type { Finding } from './types';

/** Exchange cmdlets through InvokeCommand: Exchange.ManageAsApp plus this directory role (read-only). */
export const EXCHANGE_READER = 'Global Reader';

/**
 * EXO-03..05 judge user and shared mailboxes only (rooms, equipment, groups… are not people's mail). Any other
 * RecipientTypeDetails, one this version does not know included, is another kind of recipient: the documented
 * list is long and grows, and only these two are in scope. A mailbox without one cannot be placed: DataShapeError.
 */
export function isAuditedMailbox(mailbox: ExchangeMailbox): boolean {
  const noted = notedUnder(mailbox, 'RecipientTypeDetails');
  if (noted)
    throw new DataShapeError(
      describeMailbox(mailbox),
      noted.field,
      noted.value,
      'a value such as UserMailbox',
    );
  return AUDITED_MAILBOX_TYPES.has(mailbox.recipientTypeDetails);
}

export function describeMailbox(mailbox: ExchangeMailbox): string {
  return `mailbox ${mailbox.primarySmtpAddress}`;
}

/** A boolean Exchange property the collector could not read (noted, null): DataShapeError naming it. */
export function requireFlag(
  asset: string,
  noted: NotedAsset,
  property: string,
  value: boolean | null,
): boolean {
  if (value !== null) return value;
  throw new DataShapeError(asset, property, sentValue(noted, property, value), 'true or false');
}

export function mailboxFinding(mailbox: ExchangeMailbox, detail: string): Finding {
  return {
    assetType: 'mailbox',
    assetId: mailbox.externalDirectoryObjectId ?? mailbox.userPrincipalName,
    assetName: mailbox.primarySmtpAddress,
    detail,
  };
}

/**
 * A tenant-wide Exchange control: fails with one tenant finding when `problem` returns a detail; `problem` throws
 * DataShapeError when a setting it needs could not be read (evaluateControls reports it as `error`).
 */
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
  // The control met a mailbox it could not judge: its findings are incomplete.
  const shapeError = scan.value.shapeErrors?.[controlId];
  if (shapeError !== undefined) return errorOutcome(shapeError);
  return outcomeFromFindings([...(scan.value.findings.get(controlId) ?? [])]);
}
