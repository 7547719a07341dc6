// Ground truth of the role controls: CRW-ID-01 (MFA registration), CRW-ID-02 (GA count), CRW-ID-03 (just-in-time).
import { sortedNames, statusOf, type GroundTruthContext } from './ground-truth-context';
import type { GroundTruthControl } from './ground-truth';
import type { PlannedUserDescription } from './population';
import { GLOBAL_ADMINISTRATOR } from './role-definitions';

export function roleControls(context: GroundTruthContext): GroundTruthControl[] {
  return [
    privilegedUsersRegisteredForMfa(context),
    globalAdministratorCountInRange(context),
    privilegedRolesJustInTime(context),
  ];
}

/** CRW-ID-01: one finding per enabled privileged user (member or guest) not registered or without a record. */
function privilegedUsersRegisteredForMfa({ licences, users }: GroundTruthContext): GroundTruthControl {
  // Without any premium licence the registration report is refused (403), so the control cannot be evaluated.
  if (!licences.p1 && !licences.p2) {
    return { id: 'CRW-ID-01', status: 'error', findingAssetNames: [], reason: 'registration report refused' };
  }
  const findingAssetNames = sortedNames(
    users
      .filter((user) => user.privileged && user.accountEnabled && user.registration !== 'registered')
      .map((user) => user.userPrincipalName),
  );
  return { id: 'CRW-ID-01', status: statusOf(findingAssetNames), findingAssetNames };
}

/** CRW-ID-02: distinct enabled users holding Global Administrator in any way, against the range. */
function globalAdministratorCountInRange({
  users,
  globalAdminRange,
  tenantName,
}: GroundTruthContext): GroundTruthControl {
  const count = enabledGlobalAdministrators(users).length;
  const [min, max] = globalAdminRange;
  const inRange = count >= min && count <= max;
  return {
    id: 'CRW-ID-02',
    status: inRange ? 'pass' : 'fail',
    findingAssetNames: inRange ? [] : [tenantName],
  };
}

/**
 * CRW-ID-03: one finding per enabled user (not break-glass) and privileged role held through a permanent active
 * assignment (Assigned, no end), directly or as a member of a group assigned the role. Without P2: error.
 */
function privilegedRolesJustInTime({
  licences,
  users,
  privilegedRoles,
  isBreakGlass,
}: GroundTruthContext): GroundTruthControl {
  if (!licences.p2) {
    return { id: 'CRW-ID-03', status: 'error', findingAssetNames: [], reason: 'PIM needs Entra ID P2' };
  }
  const privileged = new Set(privilegedRoles);
  const findings: string[] = [];
  for (const user of users) {
    if (!user.accountEnabled || isBreakGlass(user.userPrincipalName)) continue;
    const permanentRoles = new Set(
      user.roles
        .filter((role) => role.assignment === 'active' && role.schedule === 'permanent')
        .map((role) => role.roleDefinitionId.toLowerCase())
        .filter((roleId) => privileged.has(roleId)),
    );
    for (let k = 0; k < permanentRoles.size; k++) findings.push(user.userPrincipalName);
  }
  const findingAssetNames = sortedNames(findings);
  return { id: 'CRW-ID-03', status: statusOf(findingAssetNames), findingAssetNames };
}

/** Enabled users holding Global Administrator (active, eligible, through a group), each once. */
export function enabledGlobalAdministrators(users: PlannedUserDescription[]): PlannedUserDescription[] {
  return users.filter(
    (user) =>
      user.accountEnabled && user.roles.some((role) => role.roleDefinitionId === GLOBAL_ADMINISTRATOR),
  );
}
