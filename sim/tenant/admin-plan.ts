// The admin plan: the small, seed-derived description of a tenant's privileged population (who holds which
// directory role, how, and whether they are enabled and registered for MFA). The directory serves it; the ground
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
// counted: a disabled GA user (direct and through the group) and a service principal holding GA.
import { stableGuid, seededRandom, REFERENCE_TIME_MS } from './ids';
import type { PlannedRegistration } from './registrations';
import type { UserType } from './users';
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

/** The plan needs this many distinct user indices at most; smaller tenants are refused. */
export const MIN_USERS_FOR_ADMIN_PLAN = 50;

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

const STREAM_PLAN = 0xad;

export interface PlannedUser {
  index: number;
  /** Why the user exists in the plan, e.g. "global-admin-2" (stable across seeds; useful in test messages). */
  label: string;
  accountEnabled: boolean;
  userType: UserType;
  registration: PlannedRegistration;
  /** Created within the last days (users without a registration record are new ones). */
  isNew: boolean;
}

export type PlannedPrincipal =
  | { kind: 'user'; userIndex: number }
  | { kind: 'group'; groupKey: string }
  | { kind: 'servicePrincipal'; servicePrincipalKey: string };

export type AssignmentKind = 'active' | 'eligible';

export interface PlannedRoleHolding {
  roleDefinitionId: string;
  principal: PlannedPrincipal;
  assignment: AssignmentKind;
}

export interface PlannedGroup {
  key: string;
  id: string;
  displayName: string;
  description: string;
  mailNickname: string;
  createdDateTime: string;
  memberIndices: number[];
}

export interface PlannedServicePrincipal {
  key: string;
  id: string;
  appId: string;
  displayName: string;
}

export interface AdminPlan {
  /** Distinct enabled GA users the table asks for (with P2; see the rule above). */
  globalAdminTarget: number;
  users: PlannedUser[];
  groups: PlannedGroup[];
  servicePrincipals: PlannedServicePrincipal[];
  /** Role holdings in the order the directory lists them. Without P2 there are no eligible ones. */
  holdings: PlannedRoleHolding[];
}

export interface AdminPlanInput {
  name: string;
  seed: number;
  users: number;
  /** Entra ID P2 (PIM): without it no eligible holdings exist. */
  p2: boolean;
  /** appId of the tenant's scanning app (its service principal holds Global Reader, as Exchange needs). */
  scanningAppId: string;
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
  const random = seededRandom(input.seed, STREAM_PLAN, input.users);
  const taken = new Set<number>();
  const users: PlannedUser[] = [];
  const holdings: PlannedRoleHolding[] = [];

  const addUser = (
    label: string,
    registration: PlannedRegistration,
    traits: { accountEnabled?: boolean; userType?: UserType } = {},
  ): number => {
    let index = random.below(input.users);
    while (taken.has(index)) index = (index + 1) % input.users;
    taken.add(index);
    users.push({
      index,
      label,
      accountEnabled: traits.accountEnabled ?? true,
      userType: traits.userType ?? 'Member',
      registration,
      isNew: registration === 'noRecord',
    });
    return index;
  };
  const hold = (roleDefinitionId: string, principal: PlannedPrincipal, assignment: AssignmentKind): void => {
    if (assignment === 'eligible' && !input.p2) return;
    holdings.push({ roleDefinitionId, principal, assignment });
  };
  const user = (userIndex: number): PlannedPrincipal => ({ kind: 'user', userIndex });
  const group = (groupKey: string): PlannedPrincipal => ({ kind: 'group', groupKey });
  const makeGroup = (
    key: string,
    displayName: string,
    description: string,
    memberIndices: number[],
  ): PlannedGroup => ({
    key,
    id: stableGuid(input.seed, input.name, 'group', key),
    displayName,
    description,
    mailNickname: displayName.replace(/[^A-Za-z0-9]/g, ''),
    createdDateTime: new Date(REFERENCE_TIME_MS - 400 * 86_400_000).toISOString().replace('.000Z', 'Z'),
    memberIndices,
  });

  // Global Administrators (see the rule at the top of this file).
  const target = globalAdminTarget(input.seed);
  const eligibleSlot = Math.min(1, target - 1);
  const groupSlot = Math.min(2, target - 1);
  const guestSlot = Math.min(3, target - 1);
  const globalAdmins: number[] = [];
  for (let k = 0; k < target; k++) {
    const registration = GLOBAL_ADMIN_REGISTRATION[k % GLOBAL_ADMIN_REGISTRATION.length] ?? 'registered';
    const userType: UserType = k === guestSlot ? 'Guest' : 'Member';
    globalAdmins.push(addUser(`global-admin-${k + 1}`, registration, { userType }));
  }
  globalAdmins.forEach((index, k) => {
    if (k === 0 || (k !== eligibleSlot && k !== groupSlot)) hold(GLOBAL_ADMINISTRATOR, user(index), 'active');
    if (k === eligibleSlot) hold(GLOBAL_ADMINISTRATOR, user(index), 'eligible');
  });
  const disabledGlobalAdmin = addUser('global-admin-disabled', 'notRegistered', { accountEnabled: false });
  hold(GLOBAL_ADMINISTRATOR, user(disabledGlobalAdmin), 'active');
  const tier0Members = [
    ...new Set([globalAdmins[groupSlot] ?? 0, globalAdmins[0] ?? 0, disabledGlobalAdmin]),
  ];
  const tier0 = makeGroup(
    'tier0',
    'Tier 0 Administrators',
    'Role-assignable group holding Global Administrator',
    tier0Members,
  );
  hold(GLOBAL_ADMINISTRATOR, group(tier0.key), 'active');

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
  hold(GLOBAL_ADMINISTRATOR, { kind: 'servicePrincipal', servicePrincipalKey: 'automation' }, 'active');
  hold(GLOBAL_READER, { kind: 'servicePrincipal', servicePrincipalKey: 'scanner' }, 'active');

  // Other privileged roles: direct, eligible, through groups, two roles at once, a guest, a disabled holder.
  hold(USER_ADMINISTRATOR, user(addUser('user-admin', 'registered')), 'active');
  hold(EXCHANGE_ADMINISTRATOR, user(addUser('exchange-admin-unregistered', 'notRegistered')), 'active');
  hold(SECURITY_ADMINISTRATOR, user(addUser('security-admin-eligible-no-record', 'noRecord')), 'eligible');
  hold(CONDITIONAL_ACCESS_ADMINISTRATOR, user(addUser('ca-admin-eligible', 'registered')), 'eligible');
  hold(
    PRIVILEGED_ROLE_ADMINISTRATOR,
    user(addUser('privileged-role-admin-eligible', 'registered')),
    'eligible',
  );
  hold(BILLING_ADMINISTRATOR, user(addUser('billing-admin', 'registered')), 'active');
  hold(AUTHENTICATION_ADMINISTRATOR, user(addUser('authentication-admin', 'registered')), 'active');
  const twoRoles = addUser('sharepoint-and-application-admin-unregistered', 'notRegistered');
  hold(SHAREPOINT_ADMINISTRATOR, user(twoRoles), 'active');
  hold(APPLICATION_ADMINISTRATOR, user(twoRoles), 'active');
  const guestAdmin = addUser('guest-cloud-app-admin-unregistered', 'notRegistered', { userType: 'Guest' });
  hold(CLOUD_APPLICATION_ADMINISTRATOR, user(guestAdmin), 'active');
  const disabledUserAdmin = addUser('user-admin-disabled-no-record', 'noRecord', { accountEnabled: false });
  hold(USER_ADMINISTRATOR, user(disabledUserAdmin), 'active');

  const helpdeskSize = 2 + random.below(2);
  const helpdeskRegistrations: PlannedRegistration[] = ['registered', 'notRegistered', 'noRecord'];
  const helpdeskMembers = helpdeskRegistrations
    .slice(0, helpdeskSize)
    .map((registration, k) => addUser(`helpdesk-group-member-${k + 1}`, registration));
  const helpdesk = makeGroup(
    'helpdesk',
    'Helpdesk Administrators',
    'Role-assignable group holding Helpdesk Administrator',
    helpdeskMembers,
  );
  hold(HELPDESK_ADMINISTRATOR, group(helpdesk.key), 'active');

  const pimAuthMembers = [
    addUser('pim-auth-group-member-1', 'registered'),
    addUser('pim-auth-group-member-2', 'notRegistered'),
  ];
  const pimAuth = makeGroup(
    'pim-authentication',
    'Authentication Policy Admins (PIM)',
    'Role-assignable group eligible for Privileged Authentication Administrator',
    pimAuthMembers,
  );
  hold(PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, group(pimAuth.key), 'eligible');

  // Non-privileged directory roles: their holders are not privileged users, registered or not.
  hold(REPORTS_READER, user(addUser('reports-reader-unregistered', 'notRegistered')), 'active');
  hold(GLOBAL_READER, user(addUser('global-reader', 'registered')), 'active');
  hold(MESSAGE_CENTER_READER, user(addUser('message-center-reader-no-record', 'noRecord')), 'active');

  return {
    globalAdminTarget: target,
    users,
    groups: [tier0, helpdesk, pimAuth],
    servicePrincipals,
    holdings,
  };
}

/** One user's holding of one role, with groups expanded to their direct members. */
export interface UserRoleHolding {
  userIndex: number;
  roleDefinitionId: string;
  assignment: AssignmentKind;
  /** Key of the role-assignable group the role comes through, if any. */
  viaGroupKey?: string;
}

export function userRoleHoldings(plan: AdminPlan): UserRoleHolding[] {
  const groups = new Map(plan.groups.map((g) => [g.key, g]));
  const result: UserRoleHolding[] = [];
  for (const holding of plan.holdings) {
    const { principal, roleDefinitionId, assignment } = holding;
    if (principal.kind === 'user') {
      result.push({ userIndex: principal.userIndex, roleDefinitionId, assignment });
    } else if (principal.kind === 'group') {
      for (const userIndex of groups.get(principal.groupKey)?.memberIndices ?? []) {
        result.push({ userIndex, roleDefinitionId, assignment, viaGroupKey: principal.groupKey });
      }
    }
  }
  return result;
}
