// Ground truth of the Conditional Access controls: CRW-ID-06 (MFA for administrators), CRW-ID-07 (legacy
// authentication blocked), CRW-ID-08 (no accounts excluded from MFA policies), CRW-ID-10 (baseline protection).
import { blocksLegacyAuthentication, coversRole, hasAdminMfaShape, isMfaPolicy } from './ca-rules';
import type { GroundTruthControl } from './ground-truth';
import { sortedNames, statusOf, type GroundTruthContext } from './ground-truth-context';
import { builtInRole } from './role-definitions';

export function conditionalAccessControls(context: GroundTruthContext): GroundTruthControl[] {
  return [
    adminsRequireMfa(context),
    legacyAuthenticationBlocked(context),
    noMfaExclusions(context),
    baselineProtection(context),
  ];
}

/**
 * CRW-ID-06: with security defaults off, every privileged role held by an enabled user (active or eligible, direct
 * or through a group) must be covered by an enabled qualifying policy; one tenant finding otherwise.
 */
function adminsRequireMfa({
  directory,
  users,
  privilegedRoles,
  tenantName,
}: GroundTruthContext): GroundTruthControl {
  const { securityDefaultsEnabled, policies } = directory.conditionalAccess;
  if (securityDefaultsEnabled) return { id: 'CRW-ID-06', status: 'pass', findingAssetNames: [] };
  const privileged = new Set(privilegedRoles);
  const heldRoles = new Set(
    users
      .filter((user) => user.accountEnabled)
      .flatMap((user) => user.roles.map((role) => role.roleDefinitionId.toLowerCase()))
      .filter((roleId) => privileged.has(roleId)),
  );
  const qualifying = policies.filter((policy) => policy.state === 'enabled' && hasAdminMfaShape(policy));
  const uncovered = [...heldRoles].filter(
    (roleId) => !qualifying.some((policy) => coversRole(policy, roleId)),
  );
  if (uncovered.length === 0) return { id: 'CRW-ID-06', status: 'pass', findingAssetNames: [] };
  const reportOnly = policies.filter(
    (policy) =>
      policy.state === 'enabledForReportingButNotEnforced' &&
      hasAdminMfaShape(policy) &&
      privilegedRoles.some((roleId) => coversRole(policy, roleId)),
  );
  return {
    id: 'CRW-ID-06',
    status: 'fail',
    findingAssetNames: [tenantName],
    uncoveredRoles: sortedNames(uncovered.map((roleId) => builtInRole(roleId)?.displayName ?? roleId)),
    reportOnlyPolicies: sortedNames(reportOnly.map((policy) => policy.displayName)),
  };
}

/** CRW-ID-07: with security defaults off, some enabled policy blocks legacy clients for everyone but break-glass. */
function legacyAuthenticationBlocked({
  directory,
  isBreakGlass,
  tenantName,
}: GroundTruthContext): GroundTruthControl {
  const { securityDefaultsEnabled, policies } = directory.conditionalAccess;
  const excludedIsBreakGlass = (excludedUser: string): boolean => {
    const index = directory.userIndexOf(excludedUser);
    return index !== undefined && isBreakGlass(directory.user(index).userPrincipalName);
  };
  const blocked =
    securityDefaultsEnabled ||
    policies.some((policy) => blocksLegacyAuthentication(policy, excludedIsBreakGlass));
  return {
    id: 'CRW-ID-07',
    status: blocked ? 'pass' : 'fail',
    findingAssetNames: blocked ? [] : [tenantName],
  };
}

/**
 * CRW-ID-08: one finding per enabled user (not break-glass) and enabled MFA policy that excludes the user, directly
 * or through excluded groups at any depth. No MFA policy at all (security defaults alone included): skipped.
 */
function noMfaExclusions({ directory, isBreakGlass }: GroundTruthContext): GroundTruthControl {
  const mfaPolicies = directory.conditionalAccess.policies.filter(isMfaPolicy);
  if (mfaPolicies.length === 0) {
    return { id: 'CRW-ID-08', status: 'skipped', findingAssetNames: [], reason: 'no MFA policy' };
  }
  const findings: string[] = [];
  for (const policy of mfaPolicies) {
    const excluded = new Set<number>();
    for (const entry of policy.conditions.users.excludeUsers) {
      const index = directory.userIndexOf(entry);
      if (index !== undefined) excluded.add(index);
    }
    for (const groupId of policy.conditions.users.excludeGroups) {
      const group = directory.groupById(groupId);
      for (const member of group ? directory.transitiveGroupMembers(group) : []) {
        if (member.kind === 'user') excluded.add(member.user.index);
      }
    }
    for (const index of excluded) {
      const user = directory.user(index);
      if (user.accountEnabled && !isBreakGlass(user.userPrincipalName)) findings.push(user.userPrincipalName);
    }
  }
  const findingAssetNames = sortedNames(findings);
  return { id: 'CRW-ID-08', status: statusOf(findingAssetNames), findingAssetNames };
}

/** CRW-ID-10: security defaults on, or at least one enabled Conditional Access policy. */
function baselineProtection({ directory, tenantName }: GroundTruthContext): GroundTruthControl {
  const { securityDefaultsEnabled, policies } = directory.conditionalAccess;
  const protectedTenant = securityDefaultsEnabled || policies.some((policy) => policy.state === 'enabled');
  return {
    id: 'CRW-ID-10',
    status: protectedTenant ? 'pass' : 'fail',
    findingAssetNames: protectedTenant ? [] : [tenantName],
  };
}
