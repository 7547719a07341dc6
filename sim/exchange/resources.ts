// The objects the Exchange admin API returns per cmdlet, with Exchange's property names (PascalCase). Only the
// properties the controls read plus the identifying ones; values come from sim/tenant's Exchange plan and mailboxes.
import type { SimMailbox } from '../tenant/mailboxes';
import type {
  AcceptedDomainPlan,
  ExchangeOrgPlan,
  OutboundSpamPolicyPlan,
  RemoteDomainPlan,
  TenantMailDomains,
} from '../tenant/mailboxes-plan';
import { stableGuid } from '../tenant/ids';

export type ExchangeObject = Record<string, unknown>;

/** Fixed creation dates: the generated tenant is "as of" 2026-01-01 (sim/tenant/ids.ts). */
const ORGANIZATION_CREATED = '2021-03-15T09:30:00+00:00';

export interface OrganizationFacts {
  name: string;
  seed: number;
  domains: TenantMailDomains;
  plan: ExchangeOrgPlan;
}

const guidOf = (org: OrganizationFacts, ...parts: string[]): string =>
  stableGuid(org.seed, org.name, 'exchange', ...parts);

export function organizationConfigObject(org: OrganizationFacts): ExchangeObject {
  return {
    Identity: org.domains.initial,
    Name: org.domains.initial,
    DisplayName: org.name,
    Guid: guidOf(org, 'organization'),
    AuditDisabled: org.plan.auditDisabled,
    IsDehydrated: false,
    WhenCreatedUTC: ORGANIZATION_CREATED,
  };
}

export function adminAuditLogConfigObject(org: OrganizationFacts): ExchangeObject {
  const enabled = org.plan.unifiedAuditLogIngestionEnabled;
  return {
    Identity: 'Admin Audit Log Settings',
    Name: 'Admin Audit Log Settings',
    Guid: guidOf(org, 'admin-audit-log'),
    AdminAuditLogEnabled: true,
    UnifiedAuditLogIngestionEnabled: enabled,
    UnifiedAuditLogFirstOptInDate: enabled ? ORGANIZATION_CREATED : null,
  };
}

export function mailboxObject(mailbox: SimMailbox, domains: TenantMailDomains): ExchangeObject {
  const aliasAddress = `${mailbox.alias}@${domains.initial}`;
  const emailAddresses = [`SMTP:${mailbox.primarySmtpAddress}`];
  if (aliasAddress.toLowerCase() !== mailbox.primarySmtpAddress.toLowerCase())
    emailAddresses.push(`smtp:${aliasAddress}`);
  return {
    Identity: mailbox.name,
    Name: mailbox.name,
    Alias: mailbox.alias,
    DisplayName: mailbox.displayName,
    Guid: mailbox.guid,
    ExternalDirectoryObjectId: mailbox.externalDirectoryObjectId,
    UserPrincipalName: mailbox.userPrincipalName,
    PrimarySmtpAddress: mailbox.primarySmtpAddress,
    EmailAddresses: emailAddresses,
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: mailbox.recipientTypeDetails,
    AuditEnabled: mailbox.auditEnabled,
    ForwardingAddress: mailbox.forwardingAddress,
    ForwardingSmtpAddress: mailbox.forwardingSmtp?.value ?? null,
    DeliverToMailboxAndForward: mailbox.deliverToMailboxAndForward,
  };
}

export function acceptedDomainObject(org: OrganizationFacts, domain: AcceptedDomainPlan): ExchangeObject {
  return {
    Identity: domain.name,
    Name: domain.name,
    Guid: guidOf(org, 'accepted-domain', domain.domainName),
    DomainName: domain.domainName,
    DomainType: domain.domainType,
    Default: domain.isDefault,
    InitialDomain: domain.domainName === org.domains.initial,
    MatchSubDomains: domain.matchSubDomains,
    AuthenticationType: 'Managed',
  };
}

export function remoteDomainObject(org: OrganizationFacts, domain: RemoteDomainPlan): ExchangeObject {
  return {
    Identity: domain.name,
    Name: domain.name,
    Guid: guidOf(org, 'remote-domain', domain.name),
    DomainName: domain.domainName,
    AutoForwardEnabled: domain.autoForwardEnabled,
    AutoReplyEnabled: true,
    AllowedOOFType: 'External',
    IsInternal: false,
  };
}

export function outboundSpamPolicyObject(
  org: OrganizationFacts,
  policy: OutboundSpamPolicyPlan,
): ExchangeObject {
  return {
    Identity: policy.name,
    Name: policy.name,
    Guid: guidOf(org, 'outbound-spam-policy', policy.name),
    IsDefault: policy.isDefault,
    AutoForwardingMode: policy.autoForwardingMode,
    ActionWhenThresholdReached: 'BlockUserForToday',
    RecipientLimitExternalPerHour: 0,
    RecipientLimitInternalPerHour: 0,
    RecipientLimitPerDay: 0,
  };
}
