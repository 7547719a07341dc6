// The admin plan: the small, seed-derived description of a tenant's privileged population (who holds which
// directory role, how, and whether they are enabled and registered for MFA) and of the accounts the identity
// controls look at (break-glass, stale, excluded from Conditional Access). The directory serves it; the ground
// truth reads it. Everything else in the tenant is ordinary users.
//
// Global Administrator count rule (distinct enabled users holding GA, active, eligible or through a group, in a
// tenant with P2): GLOBAL_ADMIN_COUNT_BY_SEED_MOD_6[seed mod 6], i.e.
//   seed mod 6:  0 → 6 (too many for [2,4])   1 → 3 (pass)   2 → 5 (too many)
//                3 → 1 (too few)              4 → 2 (pass)   5 → 4 (pass)
// The counted GA users always cover every route (direct active, PIM eligible, member of the role-assignable group
// "Tier 0 Administrators", a guest); with fewer users than routes, routes pile onto the same users, which is how a
// tenant ends up with one GA holding it three ways. Without P2 the eligible route does not exist, so the count can be
// one lower than the table (the ground truth computes it, never assume the table). Also always present and never
// counted: a disabled GA user (direct and through the group) and a service principal holding GA. Break-glass
// accounts hold Privileged Role Administrator (not GA), so that they never change this count.
//
// Features and small tenants: the plan adds features in the order below while they fit (planCapacity: a tenth of
// the users, at least 2, stay ordinary); describe().planFeatures lists them. From 50 users every feature is
// present; a tenant of 10 users has the Global Administrators and whichever next features fit (see the test).
// The order is also the order of random draws, so existing tenants keep their users when features are added.
import { stableGuid } from './ids';
import { breakGlassAccounts, conditionalAccessExclusions, staleAccounts } from './hygiene-plan';
import {
  groupPrincipal,
  PlanBuilder,
  userPrincipal,
  type AdminPlanInput,
  type AssignmentKind,
  type DeclaredOutcomes,
  type PlannedGroup,
  type PlannedRoleHolding,
  type PlannedUser,
  type ActiveSchedule,
} from './plan-builder';
import type { PlannedRegistration } from './registrations';
import {
  APPLICATION_ADMINISTRATOR,
  AUTHENTICATION_ADMINISTRATOR,
  BILLING_ADMINISTRATOR,
  CLOUD_APPLICATION_ADMINISTRATOR,
  CONDITIONAL_ACCESS_ADMINISTRATOR,
  EXCHANGE_ADMINISTRATOR,
  GLOBAL_ADMINISTRATOR,
  GLOBAL_READER,
  HELPDESK_ADMINISTRATOR,
  MESSAGE_CENTER_READER,
  PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
  PRIVILEGED_ROLE_ADMINISTRATOR,
  REPORTS_READER,
  SECURITY_ADMINISTRATOR,
  SHAREPOINT_ADMINISTRATOR,
  USER_ADMINISTRATOR,
} from './role-definitions';
import type { UserType } from './users';

export type {
  ActiveSchedule,
  AdminPlanInput,
  AssignmentKind,
  DeclaredOutcomes,
  PlannedGroup,
  PlannedPrincipal,
  PlannedRoleHolding,
  PlannedUser,
} from './plan-builder';

/** The Global Administrators alone need up to 7 users, and a tenth of the users stays ordinary. */
export const MIN_USERS_FOR_ADMIN_PLAN = 10;

export const GLOBAL_ADMIN_COUNT_BY_SEED_MOD_6: readonly number[] = [6, 3, 5, 1, 2, 4];

/** Registration state of the k-th counted GA user (cycled), so GA users contribute to ID-01 findings too. */
const GLOBAL_ADMIN_REGISTRATION: readonly PlannedRegistration[] = [
  'registered',
  'notRegistered',
  'noRecord',
  'notRegistered',
  'registered',
  'registered',
];

export interface PlannedServicePrincipal {
  key: string;
  id: string;
  appId: string;
  displayName: string;
}

export interface AdminPlan {
  /** Distinct enabled GA users the table asks for (with P2; see the rule above). */
  globalAdminTarget: number;
  /** Features present, in plan order (small tenants have fewer). */
  features: string[];
  users: PlannedUser[];
  groups: PlannedGroup[];
  servicePrincipals: PlannedServicePrincipal[];
  /** Role holdings in the order the directory lists them. Without P2 there are no eligible ones. */
  holdings: PlannedRoleHolding[];
  declared: DeclaredOutcomes;
}

export function globalAdminTarget(seed: number): number {
  const slot = ((Math.trunc(seed) % 6) + 6) % 6;
  return GLOBAL_ADMIN_COUNT_BY_SEED_MOD_6[slot] ?? 3;
}

export function buildAdminPlan(input: AdminPlanInput): AdminPlan {
  if (input.users < MIN_USERS_FOR_ADMIN_PLAN) {
    throw new RangeError(
      `A simulated tenant needs at least ${MIN_USERS_FOR_ADMIN_PLAN} users for its admin plan (got ${input.users}).`,
    );
  }
  const plan = new PlanBuilder(input);
  const target = globalAdminTarget(input.seed);
  const servicePrincipals = globalAdministrators(plan, target);
  plan.feature('other-privileged-roles', 10, () => otherPrivilegedRoles(plan));
  plan.feature('helpdesk-group', 3, () => helpdeskGroup(plan));
  plan.feature('pim-group', 2, () => pimAuthenticationGroup(plan));
  plan.feature('non-privileged-roles', 3, () => nonPrivilegedRoles(plan));
  plan.feature('break-glass', 2, () => breakGlassAccounts(plan));
  plan.feature('stale-accounts', 10, () => staleAccounts(plan));
  plan.feature('conditional-access-exclusions', 6, () => conditionalAccessExclusions(plan));

  return {
    globalAdminTarget: target,
    features: plan.features,
    users: plan.users,
    groups: plan.groups,
    servicePrincipals,
    holdings: plan.holdings,
    declared: plan.declared,
  };
}

/** Global Administrators (see the rule at the top of this file), the tier 0 group and the service principals. */
function globalAdministrators(plan: PlanBuilder, target: number): PlannedServicePrincipal[] {
  plan.features.push('global-administrators');
  const { input } = plan;
  const eligibleSlot = Math.min(1, target - 1);
  const groupSlot = Math.min(2, target - 1);
  const guestSlot = Math.min(3, target - 1);
  const globalAdmins: number[] = [];
  for (let k = 0; k < target; k++) {
    const registration = GLOBAL_ADMIN_REGISTRATION[k % GLOBAL_ADMIN_REGISTRATION.length] ?? 'registered';
    const userType: UserType = k === guestSlot ? 'Guest' : 'Member';
    globalAdmins.push(plan.addUser(`global-admin-${k + 1}`, registration, { userType }));
  }
  globalAdmins.forEach((index, k) => {
    if (k === 0 || (k !== eligibleSlot && k !== groupSlot))
      plan.hold(GLOBAL_ADMINISTRATOR, userPrincipal(index), 'active');
    if (k === eligibleSlot) plan.hold(GLOBAL_ADMINISTRATOR, userPrincipal(index), 'eligible');
  });
  const disabledGlobalAdmin = plan.addUser('global-admin-disabled', 'notRegistered', {
    accountEnabled: false,
  });
  plan.hold(GLOBAL_ADMINISTRATOR, userPrincipal(disabledGlobalAdmin), 'active');
  const tier0Members = [
    ...new Set([globalAdmins[groupSlot] ?? 0, globalAdmins[0] ?? 0, disabledGlobalAdmin]),
  ];
  const tier0 = plan.makeGroup(
    'tier0',
    'Tier 0 Administrators',
    'Role-assignable group holding Global Administrator',
    {
      users: tier0Members,
      roleAssignable: true,
    },
  );
  plan.hold(GLOBAL_ADMINISTRATOR, groupPrincipal(tier0.key), 'active');

  const servicePrincipals: PlannedServicePrincipal[] = [
    {
      key: 'automation',
      id: stableGuid(input.seed, input.name, 'service-principal', 'automation'),
      appId: stableGuid(input.seed, input.name, 'app', 'automation'),
      displayName: 'Provisioning Automation',
    },
    {
      key: 'scanner',
      id: stableGuid(input.seed, input.name, 'service-principal', 'scanner'),
      appId: input.scanningAppId,
      displayName: 'Compliance Report Worker',
    },
  ];
  plan.hold(GLOBAL_ADMINISTRATOR, { kind: 'servicePrincipal', servicePrincipalKey: 'automation' }, 'active');
  plan.hold(GLOBAL_READER, { kind: 'servicePrincipal', servicePrincipalKey: 'scanner' }, 'active');
  return servicePrincipals;
}

/**
 * Other privileged roles: direct, eligible (one activated in PIM), time-bound, two roles at once, a guest, a
 * disabled holder; with the licences (ID-04) and directory sync states (ID-05) that exercise the account rules.
 */
function otherPrivilegedRoles(plan: PlanBuilder): void {
  const { p1, p2 } = plan.input;
  const user = userPrincipal;
  const userAdmin = plan.addUser('user-admin', 'registered', { licences: [{ sku: 'ENTERPRISEPACK' }] });
  plan.hold(USER_ADMINISTRATOR, user(userAdmin), 'active');
  plan.declared.mailboxAdmins.push('user-admin');
  const exchangeAdmin = plan.addUser('exchange-admin-unregistered', 'notRegistered', {
    licences: [{ sku: 'EXCHANGESTANDARD' }],
  });
  plan.hold(EXCHANGE_ADMINISTRATOR, user(exchangeAdmin), 'active');
  plan.declared.mailboxAdmins.push('exchange-admin-unregistered');
  plan.hold(
    SECURITY_ADMINISTRATOR,
    user(plan.addUser('security-admin-eligible-no-record', 'noRecord')),
    'eligible',
  );
  const caAdmin = plan.addUser('ca-admin-eligible', 'registered');
  plan.hold(CONDITIONAL_ACCESS_ADMINISTRATOR, user(caAdmin), 'eligible');
  plan.hold(CONDITIONAL_ACCESS_ADMINISTRATOR, user(caAdmin), 'active', 'activated');
  if (p2) plan.declared.justInTimeAdmins.push('ca-admin-eligible');
  plan.hold(
    PRIVILEGED_ROLE_ADMINISTRATOR,
    user(plan.addUser('privileged-role-admin-eligible', 'registered')),
    'eligible',
  );
  // A licence whose mailbox plan is switched off gives no mailbox; the account is also stale (ID-09, high).
  const billingAdmin = plan.addUser('billing-admin', 'registered', {
    licences: [{ sku: p2 ? 'SPE_E5' : 'ENTERPRISEPACK', disabledPlans: ['EXCHANGE_S_ENTERPRISE'] }],
    createdDaysAgo: 700,
    signIn: { interactive: 150, nonInteractive: 'null', successful: 150 },
  });
  plan.hold(BILLING_ADMINISTRATOR, user(billingAdmin), 'active');
  plan.declared.staleMembers.push('billing-admin');
  plan.declared.stalePrivileged.push('billing-admin');
  // Only EXCHANGE_S_FOUNDATION (no mailbox); once synchronised, now cloud-only (false, not null).
  const authenticationAdmin = plan.addUser('authentication-admin', 'registered', {
    licences: [{ sku: 'POWER_BI_STANDARD' }, ...(p1 ? [{ sku: 'AAD_PREMIUM' as const }] : [])],
    onPremisesSyncEnabled: false,
  });
  plan.hold(AUTHENTICATION_ADMINISTRATOR, user(authenticationAdmin), 'active', 'timeBound');
  if (p2) plan.declared.justInTimeAdmins.push('authentication-admin');
  const twoRoles = plan.addUser('sharepoint-and-application-admin-unregistered', 'notRegistered', {
    onPremisesSyncEnabled: true,
  });
  plan.hold(SHAREPOINT_ADMINISTRATOR, user(twoRoles), 'active');
  plan.hold(APPLICATION_ADMINISTRATOR, user(twoRoles), 'active');
  plan.declared.syncedAdmins.push('sharepoint-and-application-admin-unregistered');
  const guestAdmin = plan.addUser('guest-cloud-app-admin-unregistered', 'notRegistered', {
    userType: 'Guest',
  });
  plan.hold(CLOUD_APPLICATION_ADMINISTRATOR, user(guestAdmin), 'active');
  // Disabled: a mailbox licence and directory sync, yet never a finding.
  const disabledUserAdmin = plan.addUser('user-admin-disabled-no-record', 'noRecord', {
    accountEnabled: false,
    licences: [{ sku: 'ENTERPRISEPACK' }],
    onPremisesSyncEnabled: true,
  });
  plan.hold(USER_ADMINISTRATOR, user(disabledUserAdmin), 'active');
}

function helpdeskGroup(plan: PlanBuilder): void {
  const helpdeskSize = 2 + plan.random.below(2);
  const helpdeskRegistrations: PlannedRegistration[] = ['registered', 'notRegistered', 'noRecord'];
  const memberTraits = [
    { licences: [{ sku: 'ENTERPRISEPACK' as const }] },
    { onPremisesSyncEnabled: true },
    {},
  ];
  const helpdeskMembers = helpdeskRegistrations
    .slice(0, helpdeskSize)
    .map((registration, k) => plan.addUser(`helpdesk-group-member-${k + 1}`, registration, memberTraits[k]));
  plan.declared.mailboxAdmins.push('helpdesk-group-member-1');
  plan.declared.syncedAdmins.push('helpdesk-group-member-2');
  const helpdesk = plan.makeGroup(
    'helpdesk',
    'Helpdesk Administrators',
    'Role-assignable group holding Helpdesk Administrator',
    { users: helpdeskMembers, roleAssignable: true },
  );
  plan.hold(HELPDESK_ADMINISTRATOR, groupPrincipal(helpdesk.key), 'active');
}

function pimAuthenticationGroup(plan: PlanBuilder): void {
  const pimAuthMembers = [
    plan.addUser('pim-auth-group-member-1', 'registered'),
    plan.addUser('pim-auth-group-member-2', 'notRegistered'),
  ];
  const pimAuth = plan.makeGroup(
    'pim-authentication',
    'Authentication Policy Admins (PIM)',
    'Role-assignable group eligible for Privileged Authentication Administrator',
    { users: pimAuthMembers, roleAssignable: true },
  );
  plan.hold(PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, groupPrincipal(pimAuth.key), 'eligible');
  if (plan.input.p2)
    plan.declared.justInTimeAdmins.push('pim-auth-group-member-1', 'pim-auth-group-member-2');
}

/** Non-privileged directory roles: their holders are not privileged users, registered, licensed or synced. */
function nonPrivilegedRoles(plan: PlanBuilder): void {
  const reportsReader = plan.addUser('reports-reader-unregistered', 'notRegistered', {
    licences: [{ sku: 'ENTERPRISEPACK' }],
    onPremisesSyncEnabled: true,
  });
  plan.hold(REPORTS_READER, userPrincipal(reportsReader), 'active');
  plan.hold(GLOBAL_READER, userPrincipal(plan.addUser('global-reader', 'registered')), 'active');
  plan.hold(
    MESSAGE_CENTER_READER,
    userPrincipal(plan.addUser('message-center-reader-no-record', 'noRecord')),
    'active',
  );
}

/** One user's holding of one role, with groups expanded to their direct members. */
export interface UserRoleHolding {
  userIndex: number;
  roleDefinitionId: string;
  assignment: AssignmentKind;
  /** Active holdings only. */
  schedule?: ActiveSchedule;
  /** Key of the role-assignable group the role comes through, if any. */
  viaGroupKey?: string;
}

export function userRoleHoldings(plan: AdminPlan): UserRoleHolding[] {
  const groups = new Map(plan.groups.map((g) => [g.key, g]));
  const result: UserRoleHolding[] = [];
  for (const holding of plan.holdings) {
    const { principal, roleDefinitionId, assignment, schedule } = holding;
    const base = { roleDefinitionId, assignment, ...(schedule ? { schedule } : {}) };
    if (principal.kind === 'user') {
      result.push({ userIndex: principal.userIndex, ...base });
    } else if (principal.kind === 'group') {
      for (const userIndex of groups.get(principal.groupKey)?.memberIndices ?? []) {
        result.push({ userIndex, ...base, viaGroupKey: principal.groupKey });
      }
    }
  }
  return result;
}
