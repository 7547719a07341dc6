// A readable description of a tenant's admin plan, resolved to users (UPN, id, roles and how they are held):
// what tests and the ground truth reason about. Built from the plan's parameters, never from Graph responses.
import { userRoleHoldings, type AssignmentKind } from './admin-plan';
import type { SimDirectory } from './directory';
import type { PlannedRegistration } from './registrations';
import { builtInRole, DEFAULT_PRIVILEGED_ROLE_IDS } from './role-definitions';
import type { UserType } from './users';

export interface RoleHoldingDescription {
  roleDefinitionId: string;
  roleName: string;
  assignment: AssignmentKind;
  /** Display name of the role-assignable group the role comes through, if any. */
  viaGroup?: string;
}

export interface PlannedUserDescription {
  /** The plan's reason for this user, e.g. "global-admin-2", "reports-reader-unregistered". */
  label: string;
  index: number;
  id: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  userType: UserType;
  /** registered: isMfaRegistered true; notRegistered: a record with false; noRecord: absent from the report. */
  registration: PlannedRegistration;
  roles: RoleHoldingDescription[];
  /** Holds at least one role of the privileged set (enabled or not). */
  privileged: boolean;
}

export interface PopulationDescription {
  /** Distinct enabled GA users the seed rule asks for with P2 (admin-plan.ts); the real count may differ without P2. */
  globalAdminTarget: number;
  users: PlannedUserDescription[];
  groups: Array<{ id: string; displayName: string; memberUserPrincipalNames: string[] }>;
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
        if (holding.viaGroupKey)
          description.viaGroup = groupNames.get(holding.viaGroupKey) ?? holding.viaGroupKey;
        return description;
      });
    return {
      label: planned.label,
      index: planned.index,
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      accountEnabled: planned.accountEnabled,
      userType: planned.userType,
      registration: planned.registration,
      roles,
      privileged: roles.some((role) => privileged.has(role.roleDefinitionId)),
    };
  });

  const groups = plan.groups.map((group) => ({
    id: group.id,
    displayName: group.displayName,
    memberUserPrincipalNames: group.memberIndices.map((index) => directory.user(index).userPrincipalName),
  }));
  return { globalAdminTarget: plan.globalAdminTarget, users, groups };
}
