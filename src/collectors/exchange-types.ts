// Exchange Online asset shapes as the collectors hand them to the controls: only the fields the controls read.
// Judged values Exchange (or Graph) sent in another shape than documented are null and noted in `unexpected`
// (collectors/shape.ts): the control that needs one reports `error`.
import type { UnexpectedFields } from './shape';

export interface RemoteDomain {
  /** "*" is the Default remote domain. */
  domainName: string;
  autoForwardEnabled: boolean | null;
  unexpected?: UnexpectedFields;
}

export interface OutboundSpamPolicy {
  name: string;
  isDefault: boolean | null;
  /** As sent: Automatic | On | Off (Automatic now means Off), or a value this version does not know. */
  autoForwardingMode: string | null;
  unexpected?: UnexpectedFields;
}

/** Organization-wide Exchange settings (a handful of objects, whatever the tenant's size). */
export interface ExchangeOrganization {
  auditDisabled: boolean | null;
  unifiedAuditLogIngestionEnabled: boolean | null;
  remoteDomains: RemoteDomain[];
  outboundSpamPolicies: OutboundSpamPolicy[];
  /** AuditDisabled (Get-OrganizationConfig), UnifiedAuditLogIngestionEnabled (Get-AdminAuditLogConfig). */
  unexpected?: UnexpectedFields;
}

export interface AcceptedDomain {
  domainName: string;
  matchSubDomains: boolean;
}

export interface ExchangeMailbox {
  /** ExternalDirectoryObjectId: the Entra user id Graph addresses the mailbox by (null for some system mailboxes). */
  externalDirectoryObjectId: string | null;
  userPrincipalName: string;
  /** As Exchange returns it: the mailbox's assetName. */
  primarySmtpAddress: string;
  /** For the report's inventory sheet only (absent where a test builds mailboxes by hand). */
  displayName?: string | null;
  /** As sent, known to this version or not; "" when Exchange sent no string (noted in `unexpected`). */
  recipientTypeDetails: string;
  auditEnabled: boolean | null;
  /** e.g. "smtp:someone@example.com"; null when not forwarding (or noted in `unexpected`). */
  forwardingSmtpAddress: string | null;
  /** Keys are Exchange's property names (RecipientTypeDetails, AuditEnabled, …). */
  unexpected?: UnexpectedFields;
}

export interface InboxRule {
  id: string;
  displayName: string;
  isEnabled: boolean | null;
  /** Recipient addresses of each forwarding action; recipients without an address are noted in `unexpected`. */
  forwardTo: string[];
  redirectTo: string[];
  forwardAsAttachmentTo: string[];
  /** Keys are Graph's names (isEnabled, actions.forwardTo[0].emailAddress.address, …). */
  unexpected?: UnexpectedFields;
}

/** A mailbox with its inbox rules; `inboxRules` is null when no runnable control reads them. */
export interface MailboxWithRules extends ExchangeMailbox {
  inboxRules: InboxRule[] | null;
}

/** Mailboxes whose settings and rules the mailbox controls judge (CONTROLS.md: EXO-03..05). */
export const AUDITED_MAILBOX_TYPES: ReadonlySet<string> = new Set(['UserMailbox', 'SharedMailbox']);
