// A readable description of a tenant's admin plan, resolved to users (UPN, id, roles and how they are held,
// licences, sync, sign-ins): what tests and the ground truth reason about. Built from the plan's parameters and the
// generator's own functions, never from Graph responses.
import {
  userRoleHoldings,
  type ActiveSchedule,
  type AssignmentKind,
  type DeclaredOutcomes,
} from './admin-plan';
import type { SimDirectory } from './directory';
import type { PlannedRegistration } from './registrations';
import { builtInRole, DEFAULT_PRIVILEGED_ROLE_IDS } from './role-definitions';
import type { SimSignInActivity } from './sign-ins';
import { licenceGivesMailbox, type PlannedLicence } from './skus';
import type { UserType } from './users';

export interface RoleHoldingDescription {
  roleDefinitionId: string;
  roleName: string;
  assignment: AssignmentKind;
  /** Active holdings: permanent, time-bound or a PIM activation (as roleAssignmentScheduleInstances shows). */
  schedule?: ActiveSchedule;
  /** Display name of the role-assignable group the role comes through, if any. */
  viaGroup?: string;
}

export interface PlannedUserDescription {
  /** The plan's reason for this user, e.g. "global-admin-2", "reports-reader-unregistered". */
  label: string;
  index: number;
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  userType: UserType;
  /** registered: isMfaRegistered true; notRegistered: a record with false; noRecord: absent from the report. */
  registration: PlannedRegistration;
  roles: RoleHoldingDescription[];
  /** Holds at least one role of the privileged set (enabled or not). */
  privileged: boolean;
  /** One of the plan's emergency access accounts (describe().breakGlassUserPrincipalNames). */
  breakGlass: boolean;
  createdDateTime: string | null;
  onPremisesSyncEnabled: boolean | null;
  /** assignedLicenses by SKU part number and disabled plan names. */
  licences: PlannedLicence[];
  /** Some licence enables an EXCHANGE_S_* plan other than EXCHANGE_S_FOUNDATION (CONTROLS.md ID-04). */
  mailbox: boolean;
  signInActivity: SimSignInActivity | null;
}

export interface GroupDescription {
  id: string;
  displayName: string;
  isAssignableToRole: boolean;
  memberUserPrincipalNames: string[];
  memberGroupNames: string[];
}

export interface PopulationDescription {
  /** Distinct enabled GA users the seed rule asks for with P2 (admin-plan.ts); the real count may differ without P2. */
  globalAdminTarget: number;
  /** The plan's features present in this tenant (small tenants have fewer). */
  planFeatures: string[];
  users: PlannedUserDescription[];
  groups: GroupDescription[];
  /** The emergency access accounts the sim intends: configure them as settings.breakGlass for a scan. */
  breakGlassUserPrincipalNames: string[];
  /** What the plan's features mean to produce, by label (admin-plan.ts). */
  declared: DeclaredOutcomes;
}

export function describePopulation(
  directory: SimDirectory,
  privilegedRoleIds: readonly string[] = DEFAULT_PRIVILEGED_ROLE_IDS,
): PopulationDescription {
  const { plan } = directory;
  const groupNames = new Map(plan.groups.map((group) => [group.key, group.displayName]));
  const holdings = userRoleHoldings(plan);
  const privileged = new Set(privilegedRoleIds.map((id) => id.toLowerCase()));

  const users = plan.users.map((planned): PlannedUserDescription => {
    const user = directory.user(planned.index);
    const roles = holdings
      .filter((holding) => holding.userIndex === planned.index)
      .map((holding): RoleHoldingDescription => {
        const description: RoleHoldingDescription = {
          roleDefinitionId: holding.roleDefinitionId,
          roleName: builtInRole(holding.roleDefinitionId)?.displayName ?? holding.roleDefinitionId,
          assignment: holding.assignment,
        };
        if (holding.schedule) description.schedule = holding.schedule;
        if (holding.viaGroupKey)
          description.viaGroup = groupNames.get(holding.viaGroupKey) ?? holding.viaGroupKey;
        return description;
      });
    return {
      label: planned.label,
      index: planned.index,
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      accountEnabled: planned.accountEnabled,
      userType: planned.userType,
      registration: planned.registration,
      roles,
      privileged: roles.some((role) => privileged.has(role.roleDefinitionId.toLowerCase())),
      breakGlass: planned.breakGlass,
      createdDateTime: user.createdDateTime,
      onPremisesSyncEnabled: user.onPremisesSyncEnabled,
      licences: user.assignedLicenses,
      mailbox: user.assignedLicenses.some(licenceGivesMailbox),
      signInActivity: user.signInActivity,
    };
  });

  const groups = plan.groups.map((group): GroupDescription => ({
    id: group.id,
    displayName: group.displayName,
    isAssignableToRole: group.isAssignableToRole,
    memberUserPrincipalNames: group.memberIndices.map((index) => directory.user(index).userPrincipalName),
    memberGroupNames: group.memberGroupKeys.map((key) => groupNames.get(key) ?? key),
  }));
  return {
    globalAdminTarget: plan.globalAdminTarget,
    planFeatures: [...plan.features],
    users,
    groups,
    breakGlassUserPrincipalNames: users
      .filter((user) => user.breakGlass)
      .map((user) => user.userPrincipalName),
    declared: structuredClone(plan.declared),
  };
}
