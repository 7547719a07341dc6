// Exchange Online asset shapes as the collectors hand them to the controls: only the fields the controls read.

export interface RemoteDomain {
  /** "*" is the Default remote domain. */
  domainName: string;
  autoForwardEnabled: boolean;
}

export interface OutboundSpamPolicy {
  name: string;
  isDefault: boolean;
  /** Automatic | On | Off (Automatic now means Off). */
  autoForwardingMode: string;
}

/** Organization-wide Exchange settings (a handful of objects, whatever the tenant's size). */
export interface ExchangeOrganization {
  auditDisabled: boolean;
  unifiedAuditLogIngestionEnabled: boolean;
  remoteDomains: RemoteDomain[];
  outboundSpamPolicies: OutboundSpamPolicy[];
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
  recipientTypeDetails: string;
  auditEnabled: boolean;
  /** e.g. "smtp:someone@example.com"; null when not forwarding. */
  forwardingSmtpAddress: string | null;
}

export interface InboxRule {
  id: string;
  displayName: string;
  isEnabled: boolean;
  forwardTo: string[];
  redirectTo: string[];
  forwardAsAttachmentTo: string[];
}

/** A mailbox with its inbox rules; `inboxRules` is null when no runnable control reads them. */
export interface MailboxWithRules extends ExchangeMailbox {
  inboxRules: InboxRule[] | null;
}

/** Mailboxes whose settings and rules the mailbox controls judge (CONTROLS.md: EXO-03..05). */
export const AUDITED_MAILBOX_TYPES: ReadonlySet<string> = new Set(['UserMailbox', 'SharedMailbox']);
