// The mailboxes of a generated tenant, produced on demand like its users: slot i < userCount is user i's mailbox
// (members whose assigned licence gives a mailbox), the slots after are the scenario mailboxes (shared, room, equipment,
// discovery) that every tenant has. Each mailbox is a pure function of (seed, name, slot) and the Exchange plan.
import type { SimTenant } from '../types';
import {
  addressOfKind,
  EXTERNAL_ADDRESS_KINDS,
  INTERNAL_ADDRESS_KINDS,
  type AddressKind,
} from './mailboxes-addresses';
import {
  acceptedDomainsOf,
  exchangeOrgPlan,
  tenantMailDomains,
  type AcceptedDomainPlan,
  type ExchangeOrgPlan,
  type TenantMailDomains,
} from './mailboxes-plan';
import { SimDirectory } from './directory';
import { seededRandom, stableGuid } from './ids';
import { licenceGivesMailbox } from './skus';
import type { SimUser } from './users';

export type RecipientTypeDetails =
  'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox' | 'DiscoveryMailbox';

/** CRW-EXO-03..05 consider these mailboxes only. */
export const COUNTED_RECIPIENT_TYPES: readonly RecipientTypeDetails[] = ['UserMailbox', 'SharedMailbox'];

/** Random stream of mailbox settings (distinct from the user, licence and registration streams). */
const STREAM_MAILBOX = 0xb2;
/** With mailbox audit gaps planned: share of user mailboxes with AuditEnabled false. */
const USER_AUDIT_OFF_SHARE = 0.03;
/** Forwarding of user mailboxes: [0, a) external (internal unless planned), [a, b) internal, [b, c) ForwardingAddress only. */
const USER_FORWARDING_THRESHOLDS = [0.02, 0.05, 0.07] as const;

export interface SimMailbox {
  /** Position in Get-Mailbox order. */
  slot: number;
  /** "user" for users' mailboxes, else the scenario key (e.g. "finance", "boardroom"). */
  scenario: string;
  /** The Graph user behind a user mailbox. */
  userIndex: number | undefined;
  externalDirectoryObjectId: string;
  /** Exchange's own mailbox GUID. */
  guid: string;
  /** Name and Identity as Get-Mailbox returns them. */
  name: string;
  alias: string;
  displayName: string;
  userPrincipalName: string;
  primarySmtpAddress: string;
  recipientTypeDetails: RecipientTypeDetails;
  auditEnabled: boolean;
  /** ForwardingSmtpAddress ("smtp:x@y", prefix in either case) and the generator's kind of its address. */
  forwardingSmtp: { kind: AddressKind; value: string } | null;
  /** ForwardingAddress: a directory recipient's name; never a finding. */
  forwardingAddress: string | null;
  deliverToMailboxAndForward: boolean;
}

export function isCountedMailbox(mailbox: SimMailbox): boolean {
  return COUNTED_RECIPIENT_TYPES.includes(mailbox.recipientTypeDetails);
}

/**
 * Whether the user has a mailbox: a member with an assigned licence that gives one (CONTROLS.md ID-04: an enabled
 * EXCHANGE_S_* plan other than EXCHANGE_S_FOUNDATION), enabled or not. Guests never have one in this tenant.
 */
export function userHasMailbox(user: SimUser): boolean {
  return user.userType === 'Member' && user.assignedLicenses.some(licenceGivesMailbox);
}

export interface MailboxDirectoryInput {
  name: string;
  seed: number;
  users: number;
  /** Initial domain, "<name>.onmicrosoft.com". */
  domain: string;
  licences: { p1: boolean; p2: boolean };
  scanningAppId: string;
}

export type MailboxLookup =
  { kind: 'mailbox'; mailbox: SimMailbox } | { kind: 'noMailbox'; user: SimUser } | { kind: 'unknown' };

export class MailboxDirectory {
  readonly name: string;
  readonly seed: number;
  readonly plan: ExchangeOrgPlan;
  readonly domains: TenantMailDomains;
  readonly acceptedDomains: readonly AcceptedDomainPlan[];
  readonly users: SimDirectory;
  private readonly scenarios: SimMailbox[];
  /** Scenario mailboxes by lower-case id, UPN, primary address and alias. */
  private readonly scenarioKeys: Map<string, SimMailbox>;

  constructor(input: MailboxDirectoryInput) {
    this.name = input.name;
    this.seed = input.seed;
    this.plan = exchangeOrgPlan(input.seed);
    this.domains = tenantMailDomains(input.domain);
    this.acceptedDomains = acceptedDomainsOf(this.domains);
    this.users = new SimDirectory({
      name: input.name,
      seed: input.seed,
      users: input.users,
      domain: input.domain,
      p1: input.licences.p1,
      p2: input.licences.p2,
      scanningAppId: input.scanningAppId,
    });
    this.scenarios = scenarioMailboxes(this, input.users);
    this.scenarioKeys = new Map();
    for (const mailbox of this.scenarios) {
      for (const key of [
        mailbox.externalDirectoryObjectId,
        mailbox.userPrincipalName,
        mailbox.primarySmtpAddress,
        mailbox.alias,
        mailbox.guid,
      ]) {
        this.scenarioKeys.set(key.toLowerCase(), mailbox);
      }
    }
  }

  /** Slots 0 … slotCount-1; a user slot without a mailbox is empty. */
  get slotCount(): number {
    return this.users.userCount + this.scenarios.length;
  }

  mailboxAt(slot: number): SimMailbox | undefined {
    if (slot < 0 || slot >= this.slotCount) return undefined;
    if (slot >= this.users.userCount) return this.scenarios[slot - this.users.userCount];
    const user = this.users.user(slot);
    return userHasMailbox(user) ? this.userMailbox(user) : undefined;
  }

  /** Every mailbox in slot order (lazily: a million-user tenant is never held in memory). */
  *all(): Generator<SimMailbox> {
    for (let slot = 0; slot < this.slotCount; slot++) {
      const mailbox = this.mailboxAt(slot);
      if (mailbox) yield mailbox;
    }
  }

  /** A mailbox by object id, UPN or primary SMTP address (case-insensitive), as Outlook's REST endpoints resolve. */
  find(idOrAddress: string): MailboxLookup {
    const scenario = this.scenarioKeys.get(idOrAddress.toLowerCase());
    if (scenario) return { kind: 'mailbox', mailbox: scenario };
    const user = this.users.findUser(idOrAddress);
    if (!user) return { kind: 'unknown' };
    return userHasMailbox(user)
      ? { kind: 'mailbox', mailbox: this.userMailbox(user) }
      : { kind: 'noMailbox', user };
  }

  /** Get-Mailbox -Identity: also an alias (user aliases end with the user index, as UPNs do). */
  findByIdentity(identity: string): SimMailbox | undefined {
    const direct = this.find(identity);
    if (direct.kind === 'mailbox') return direct.mailbox;
    if (identity.includes('@')) return undefined;
    const viaAlias = this.find(`${identity}@${this.domains.initial}`);
    return viaAlias.kind === 'mailbox' ? viaAlias.mailbox : undefined;
  }

  private userMailbox(user: SimUser): SimMailbox {
    // Draw every value in a fixed order so that the plan's flags never shift the other draws.
    const random = seededRandom(this.seed, STREAM_MAILBOX, user.index);
    const auditRoll = random.next();
    const forwardingRoll = random.next();
    const externalKind = random.pick(EXTERNAL_ADDRESS_KINDS);
    const internalKind = random.pick(INTERNAL_ADDRESS_KINDS);
    const deliverRoll = random.next();

    const [externalBelow, internalBelow, addressOnlyBelow] = USER_FORWARDING_THRESHOLDS;
    const local = user.mailNickname.toLowerCase();
    let forwardingSmtp: SimMailbox['forwardingSmtp'] = null;
    let forwardingAddress: string | null = null;
    if (forwardingRoll < externalBelow) {
      const kind = this.plan.externalMailboxForwarding ? externalKind : internalKind;
      forwardingSmtp = { kind, value: `smtp:${addressOfKind(this.domains, kind, local)}` };
    } else if (forwardingRoll < internalBelow) {
      forwardingSmtp = {
        kind: internalKind,
        value: `smtp:${addressOfKind(this.domains, internalKind, local)}`,
      };
    } else if (forwardingRoll < addressOnlyBelow) {
      forwardingAddress = `${user.displayName} (external contact)`;
    }
    const forwards = forwardingSmtp !== null || forwardingAddress !== null;
    return {
      slot: user.index,
      scenario: 'user',
      userIndex: user.index,
      externalDirectoryObjectId: user.id,
      guid: stableGuid(this.seed, this.name, 'mailbox-guid', user.index),
      name: user.mailNickname,
      alias: user.mailNickname,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      primarySmtpAddress: user.mail,
      recipientTypeDetails: 'UserMailbox',
      auditEnabled: !(this.plan.mailboxAuditGaps && auditRoll < USER_AUDIT_OFF_SHARE),
      forwardingSmtp,
      forwardingAddress,
      deliverToMailboxAndForward: forwards && deliverRoll < 0.5,
    };
  }
}

interface ScenarioDefinition {
  key: string;
  displayName: string;
  alias: string;
  type: RecipientTypeDetails;
  /** Primary address on the custom domain with this local part (as typed, mixed case kept); else alias@initial. */
  customPrimaryLocal?: string;
  auditEnabled: boolean;
  forwarding?: { kind: AddressKind; local: string; prefix: 'smtp:' | 'SMTP:' };
  forwardingAddress?: string;
  deliverToMailboxAndForward?: boolean;
}

/** The scenario mailboxes; which of them produce findings follows the plan (see mailboxes-plan.ts). */
function scenarioDefinitions(plan: ExchangeOrgPlan): ScenarioDefinition[] {
  const externalForwarding = plan.externalMailboxForwarding;
  return [
    {
      key: 'finance',
      displayName: 'Finance Team',
      alias: 'finance',
      type: 'SharedMailbox',
      customPrimaryLocal: 'Finance',
      auditEnabled: !plan.mailboxAuditGaps,
      forwarding: externalForwarding
        ? { kind: 'external', local: 'finance-archive', prefix: 'smtp:' }
        : undefined,
      deliverToMailboxAndForward: true,
    },
    {
      key: 'support',
      displayName: 'Support',
      alias: 'support',
      type: 'SharedMailbox',
      customPrimaryLocal: 'Support',
      auditEnabled: true,
      forwarding: externalForwarding
        ? { kind: 'unmatchedSubdomain', local: 'support', prefix: 'smtp:' }
        : { kind: 'custom', local: 'support-desk', prefix: 'smtp:' },
    },
    {
      key: 'marketing',
      displayName: 'Marketing',
      alias: 'marketing',
      type: 'SharedMailbox',
      auditEnabled: true,
      forwarding: externalForwarding
        ? { kind: 'lookalike', local: 'marketing', prefix: 'smtp:' }
        : { kind: 'initial', local: 'marketing-team', prefix: 'smtp:' },
    },
    {
      key: 'partners',
      displayName: 'Partner Desk',
      alias: 'partners',
      type: 'SharedMailbox',
      auditEnabled: !plan.mailboxAuditGaps,
      forwarding: externalForwarding
        ? { kind: 'lookalikeSuffix', local: 'partners', prefix: 'SMTP:' }
        : undefined,
    },
    {
      key: 'hr',
      displayName: 'Human Resources',
      alias: 'hr',
      type: 'SharedMailbox',
      auditEnabled: true,
      forwarding: { kind: 'initialMixedCase', local: 'hr-archive', prefix: 'SMTP:' },
      deliverToMailboxAndForward: true,
    },
    {
      key: 'sales',
      displayName: 'Sales EU',
      alias: 'sales',
      type: 'SharedMailbox',
      customPrimaryLocal: 'sales',
      auditEnabled: true,
      forwarding: { kind: 'matchedSubdomain', local: 'sales', prefix: 'smtp:' },
    },
    {
      key: 'legal',
      displayName: 'Legal Hold',
      alias: 'legal',
      type: 'SharedMailbox',
      auditEnabled: true,
      forwarding: { kind: 'deepMatchedSubdomain', local: 'legal-hold', prefix: 'smtp:' },
    },
    {
      key: 'records',
      displayName: 'Records',
      alias: 'records',
      type: 'SharedMailbox',
      auditEnabled: true,
      forwarding: { kind: 'externalRelay', local: 'records', prefix: 'smtp:' },
    },
    {
      key: 'reception',
      displayName: 'Reception',
      alias: 'reception',
      type: 'SharedMailbox',
      auditEnabled: true,
      forwardingAddress: 'Front Desk Contact',
      deliverToMailboxAndForward: true,
    },
    {
      // Formula-looking display name; its inbox rules carry the hostile names (mailboxes-rules.ts).
      key: 'formulas',
      displayName: '=HYPERLINK("http://evil.example","Shared")',
      alias: 'shared-formula',
      type: 'SharedMailbox',
      auditEnabled: true,
    },
    {
      key: 'boardroom',
      displayName: 'Boardroom 🏛️',
      alias: 'boardroom',
      type: 'RoomMailbox',
      auditEnabled: false,
      forwarding: { kind: 'external', local: 'bookings', prefix: 'smtp:' },
    },
    {
      key: 'projector',
      displayName: 'Projector 1',
      alias: 'projector1',
      type: 'EquipmentMailbox',
      auditEnabled: false,
      forwarding: { kind: 'externalMixedCase', local: 'rentals', prefix: 'SMTP:' },
    },
    {
      key: 'discovery',
      displayName: 'Discovery Search Mailbox',
      alias: 'DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}',
      type: 'DiscoveryMailbox',
      auditEnabled: false,
    },
  ];
}

function scenarioMailboxes(directory: MailboxDirectory, userCount: number): SimMailbox[] {
  const { seed, name, domains } = directory;
  return scenarioDefinitions(directory.plan).map((definition, k): SimMailbox => {
    const primary = definition.customPrimaryLocal
      ? `${definition.customPrimaryLocal}@${domains.custom}`
      : `${definition.alias}@${domains.initial}`;
    const forwarding = definition.forwarding;
    return {
      slot: userCount + k,
      scenario: definition.key,
      userIndex: undefined,
      externalDirectoryObjectId: stableGuid(seed, name, 'mailbox-object', definition.key),
      guid: stableGuid(seed, name, 'mailbox-guid', definition.key),
      name: definition.alias,
      alias: definition.alias,
      displayName: definition.displayName,
      userPrincipalName: `${definition.alias}@${domains.initial}`,
      primarySmtpAddress: primary,
      recipientTypeDetails: definition.type,
      auditEnabled: definition.auditEnabled,
      forwardingSmtp: forwarding
        ? {
            kind: forwarding.kind,
            value: `${forwarding.prefix}${addressOfKind(domains, forwarding.kind, forwarding.local)}`,
          }
        : null,
      forwardingAddress: definition.forwardingAddress ?? null,
      deliverToMailboxAndForward: definition.deliverToMailboxAndForward ?? false,
    };
  });
}

const directories = new WeakMap<SimTenant, MailboxDirectory>();

/** The tenant's mailbox directory (built once per tenant object). */
export function mailboxDirectoryOf(tenant: SimTenant): MailboxDirectory {
  let directory = directories.get(tenant);
  if (!directory) {
    directory = new MailboxDirectory({
      name: tenant.options.name,
      seed: tenant.options.seed,
      users: tenant.options.users,
      domain: tenant.domain,
      licences: { ...tenant.options.licences },
      scanningAppId: tenant.clientId,
    });
    directories.set(tenant, directory);
  }
  return directory;
}
