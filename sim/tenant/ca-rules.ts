// CONTROLS.md's precise rules about Conditional Access policies (ID-06, ID-07, ID-08), applied to the plan's own
// policy objects by the ground truth. Kept apart from src/controls/ on purpose: the two must agree independently.
import type { ConditionalAccessPolicy } from './conditional-access';

/** "Grants with mfa or an authentication strength": mfa or a strength, and AND or no other control. */
export function grantRequiresMfa(policy: ConditionalAccessPolicy): boolean {
  const grant = policy.grantControls;
  if (!grant) return false;
  const mfa = grant.builtInControls.includes('mfa') || grant.authenticationStrength !== null;
  const otherControls = grant.builtInControls.filter((control) => control !== 'mfa').length;
  return mfa && (grant.operator === 'AND' || otherControls === 0);
}

/** ID-08: an MFA policy is an enabled policy whose grant requires MFA. */
export function isMfaPolicy(policy: ConditionalAccessPolicy): boolean {
  return policy.state === 'enabled' && grantRequiresMfa(policy);
}

/** Narrowed by a condition beyond users, includeApplications All and clientAppTypes (ID-06, ID-07). */
export function isNarrowed(policy: ConditionalAccessPolicy): boolean {
  const { conditions } = policy;
  const locations = conditions.locations;
  const allLocations =
    locations === null ||
    (locations.includeLocations.length === 1 &&
      locations.includeLocations[0] === 'All' &&
      locations.excludeLocations.length === 0);
  return (
    !allLocations ||
    conditions.platforms !== null ||
    conditions.signInRiskLevels.length > 0 ||
    conditions.userRiskLevels.length > 0 ||
    conditions.servicePrincipalRiskLevels.length > 0 ||
    conditions.insiderRiskLevels !== null ||
    conditions.devices !== null ||
    conditions.authenticationFlows !== null ||
    conditions.clientApplications !== null ||
    conditions.applications.excludeApplications.length > 0 ||
    conditions.users.includeGuestsOrExternalUsers !== null ||
    conditions.users.excludeGuestsOrExternalUsers !== null
  );
}

function appliesToAllApplications(policy: ConditionalAccessPolicy): boolean {
  return policy.conditions.applications.includeApplications.includes('All');
}

/**
 * ID-06 without the state: what makes a policy qualify once enabled (a report-only policy with this shape
 * "would otherwise qualify"). clientAppTypes must be empty or exactly ["all"].
 */
export function hasAdminMfaShape(policy: ConditionalAccessPolicy): boolean {
  const clients = policy.conditions.clientAppTypes;
  const allClients = clients.length === 0 || (clients.length === 1 && clients[0] === 'all');
  return appliesToAllApplications(policy) && grantRequiresMfa(policy) && !isNarrowed(policy) && allClients;
}

/** ID-06: the policy includes the role (includeUsers All or includeRoles) and does not exclude it. */
export function coversRole(policy: ConditionalAccessPolicy, roleId: string): boolean {
  const { users } = policy.conditions;
  const same = (id: string): boolean => id.toLowerCase() === roleId.toLowerCase();
  const included = users.includeUsers.includes('All') || users.includeRoles.some(same);
  return included && !users.excludeRoles.some(same);
}

/**
 * ID-07: an enabled block policy for exchangeActiveSync and other clients, all users and all applications, not
 * narrowed, whose excluded users are all break-glass (`isBreakGlass` takes an excludeUsers entry) and that
 * excludes no group and no role.
 */
export function blocksLegacyAuthentication(
  policy: ConditionalAccessPolicy,
  isBreakGlass: (excludedUser: string) => boolean,
): boolean {
  const { users, clientAppTypes } = policy.conditions;
  return (
    policy.state === 'enabled' &&
    clientAppTypes.includes('exchangeActiveSync') &&
    clientAppTypes.includes('other') &&
    users.includeUsers.includes('All') &&
    appliesToAllApplications(policy) &&
    (policy.grantControls?.builtInControls.includes('block') ?? false) &&
    !isNarrowed(policy) &&
    users.excludeUsers.every(isBreakGlass) &&
    users.excludeGroups.length === 0 &&
    users.excludeRoles.length === 0
  );
}
