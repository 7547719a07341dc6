// The Exchange Online plan of a generated tenant: which CRW-EXO-* controls the tenant is built to fail, its org
// settings, accepted domains, remote domains and outbound spam policies. A pure function of (name, seed); the
// mailboxes (mailboxes.ts), the Exchange admin API (sim/exchange/) and the ground truth all read it.
//
// Exchange plan rule: EXCHANGE_PLAN_BY_SEED_MOD_6[seed mod 6] says which EXO control fails ("F") or passes ("p"):
//   slot  EXO-01 02 03 04 05 06
//    0      F    p  F  F  F  F
//    1      F    p  p  F  F  p      seeds 1, 2, 3 make every EXO control pass at least once
//    2      p    F  F  p  F  F      and fail at least once.
//    3      p    p  F  F  p  p
//    4      p    F  p  p  p  F
//    5      F    F  F  F  F  p
// Traps that never count are present in every tenant whatever the slot (room mailboxes without audit, disabled
// rules forwarding out, ForwardingAddress-only mailboxes, a non-default outbound policy with forwarding On, …).

export type AutoForwardingMode = 'Automatic' | 'On' | 'Off';

export interface ExchangeOrgPlan {
  /** seed mod 6 (non-negative). */
  slot: number;
  /** Get-OrganizationConfig AuditDisabled (true fails EXO-01). */
  auditDisabled: boolean;
  /** Get-AdminAuditLogConfig UnifiedAuditLogIngestionEnabled (false fails EXO-02). */
  unifiedAuditLogIngestionEnabled: boolean;
  /** Some UserMailbox/SharedMailbox has AuditEnabled false (EXO-03 fails). */
  mailboxAuditGaps: boolean;
  /** Some UserMailbox/SharedMailbox forwards (ForwardingSmtpAddress) outside the accepted domains (EXO-04 fails). */
  externalMailboxForwarding: boolean;
  /** Some enabled inbox rule of a counted mailbox forwards outside the accepted domains (EXO-05 fails). */
  externalInboxRules: boolean;
  /** Default remote domain (`*`) AutoForwardEnabled. */
  defaultRemoteDomainAutoForwardEnabled: boolean;
  /** Default outbound spam policy AutoForwardingMode; EXO-06 fails only with the remote domain open and "On". */
  defaultOutboundAutoForwardingMode: AutoForwardingMode;
}

type PlanRow = Omit<ExchangeOrgPlan, 'slot'>;

const row = (
  exo01Fails: boolean,
  exo02Fails: boolean,
  exo03Fails: boolean,
  exo04Fails: boolean,
  exo05Fails: boolean,
  remoteAutoForward: boolean,
  outboundMode: AutoForwardingMode,
): PlanRow => ({
  auditDisabled: exo01Fails,
  unifiedAuditLogIngestionEnabled: !exo02Fails,
  mailboxAuditGaps: exo03Fails,
  externalMailboxForwarding: exo04Fails,
  externalInboxRules: exo05Fails,
  defaultRemoteDomainAutoForwardEnabled: remoteAutoForward,
  defaultOutboundAutoForwardingMode: outboundMode,
});

/** EXO-06 passes in slots 1, 3 and 5 by three different means: Automatic (= Off), remote domain closed, Off. */
export const EXCHANGE_PLAN_BY_SEED_MOD_6: readonly PlanRow[] = [
  row(true, false, true, true, true, true, 'On'),
  row(true, false, false, true, true, true, 'Automatic'),
  row(false, true, true, false, true, true, 'On'),
  row(false, false, true, true, false, false, 'On'),
  row(false, true, false, false, false, true, 'On'),
  row(true, true, true, true, true, true, 'Off'),
];

export function exchangeOrgPlan(seed: number): ExchangeOrgPlan {
  const slot = ((Math.trunc(seed) % 6) + 6) % 6;
  const planRow = EXCHANGE_PLAN_BY_SEED_MOD_6[slot];
  if (!planRow) throw new Error(`Exchange plan: no row for slot ${slot}`);
  return { slot, ...planRow };
}

/** The domains of a tenant's mail world; every name is lower case. */
export interface TenantMailDomains {
  /** "<name>.onmicrosoft.com": Authoritative, the initial domain. */
  initial: string;
  /** "<name>.example": Authoritative custom domain, MatchSubDomains false (its subdomains are external). */
  custom: string;
  /** "<name>-group.example": InternalRelay with MatchSubDomains true (subdomains at any depth are internal). */
  relay: string;
  /** "<name>-legacy.example": ExternalRelay, MatchSubDomains false (still an accepted domain). */
  externalRelay: string;
}

export function tenantMailDomains(initialDomain: string): TenantMailDomains {
  const label = initialDomain.replace(/\.onmicrosoft\.com$/i, '').toLowerCase();
  return {
    initial: initialDomain.toLowerCase(),
    custom: `${label}.example`,
    relay: `${label}-group.example`,
    externalRelay: `${label}-legacy.example`,
  };
}

export type AcceptedDomainType = 'Authoritative' | 'InternalRelay' | 'ExternalRelay';

export interface AcceptedDomainPlan {
  name: string;
  domainName: string;
  domainType: AcceptedDomainType;
  isDefault: boolean;
  matchSubDomains: boolean;
}

export function acceptedDomainsOf(domains: TenantMailDomains): AcceptedDomainPlan[] {
  return [
    {
      name: domains.initial,
      domainName: domains.initial,
      domainType: 'Authoritative',
      isDefault: false,
      matchSubDomains: false,
    },
    {
      name: domains.custom,
      domainName: domains.custom,
      domainType: 'Authoritative',
      isDefault: true,
      matchSubDomains: false,
    },
    {
      name: domains.relay,
      domainName: domains.relay,
      domainType: 'InternalRelay',
      isDefault: false,
      matchSubDomains: true,
    },
    {
      name: domains.externalRelay,
      domainName: domains.externalRelay,
      domainType: 'ExternalRelay',
      isDefault: false,
      matchSubDomains: false,
    },
  ];
}

export interface RemoteDomainPlan {
  name: string;
  /** "*" is the Default remote domain. */
  domainName: string;
  autoForwardEnabled: boolean;
}

export function remoteDomainsOf(plan: ExchangeOrgPlan): RemoteDomainPlan[] {
  return [
    { name: 'Default', domainName: '*', autoForwardEnabled: plan.defaultRemoteDomainAutoForwardEnabled },
    // A specific remote domain open for forwarding: never decides EXO-06, which reads the Default one only.
    { name: 'Partner Fabrikam', domainName: 'fabrikam.example', autoForwardEnabled: true },
  ];
}

export interface OutboundSpamPolicyPlan {
  name: string;
  isDefault: boolean;
  autoForwardingMode: AutoForwardingMode;
}

export function outboundSpamPoliciesOf(plan: ExchangeOrgPlan): OutboundSpamPolicyPlan[] {
  return [
    { name: 'Default', isDefault: true, autoForwardingMode: plan.defaultOutboundAutoForwardingMode },
    // Not the default policy: its "On" must not make EXO-06 fail.
    { name: 'Executives outbound', isDefault: false, autoForwardingMode: 'On' },
  ];
}
