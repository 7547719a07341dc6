// CONTROLS.md's precise rules about Conditional Access policies, shared by ID-06, ID-07 and ID-08.
import type { ConditionalAccessPolicy } from '../collectors/types';

/** The user cannot satisfy the grant without MFA: mfa or a strength, and AND or no other control. */
export function grantRequiresMfa(policy: ConditionalAccessPolicy): boolean {
  const { grant } = policy;
  if (!grant) return false;
  const mfa = grant.builtInControls.includes('mfa') || grant.authenticationStrength;
  const others = grant.builtInControls.filter((c) => c !== 'mfa').length;
  return mfa && (grant.operator === 'AND' || others === 0);
}

/** ID-08's "MFA policy": enabled (report-only does not enforce anything) and grants with MFA. */
export function isMfaPolicy(policy: ConditionalAccessPolicy): boolean {
  return policy.state === 'enabled' && grantRequiresMfa(policy);
}

/**
 * The conditions beyond users, includeApplications All and clientAppTypes that make a policy apply to fewer
 * sign-ins than it seems: such a policy qualifies for neither ID-06 nor ID-07.
 */
export function narrowingConditions(policy: ConditionalAccessPolicy): string[] {
  const found: string[] = [];
  const { locations } = policy;
  const allLocations =
    locations === null ||
    (locations.includeLocations.length === 1 &&
      locations.includeLocations[0] === 'All' &&
      locations.excludeLocations.length === 0);
  if (!allLocations) found.push('locations');
  if (policy.platforms !== null) found.push('platforms');
  if (policy.signInRiskLevels.length > 0) found.push('sign-in risk');
  if (policy.userRiskLevels.length > 0) found.push('user risk');
  if (policy.servicePrincipalRiskLevels.length > 0) found.push('service principal risk');
  if (policy.insiderRiskLevels !== null) found.push('insider risk');
  if (policy.devices !== null) found.push('device filter');
  if (policy.authenticationFlows !== null) found.push('authentication flows');
  if (policy.clientApplications !== null) found.push('client applications');
  if (policy.excludeApplications.length > 0) found.push('excluded applications');
  if (policy.users.includeGuestsOrExternalUsers !== null) found.push('guest or external users');
  if (policy.users.excludeGuestsOrExternalUsers !== null) found.push('excluded guest or external users');
  return found;
}

export function appliesToAllApplications(policy: ConditionalAccessPolicy): boolean {
  return policy.includeApplications.includes('All');
}

/** ID-06 apart from the state: what makes a policy qualify once enabled. */
export function hasAdminMfaShape(policy: ConditionalAccessPolicy): boolean {
  const clients = policy.clientAppTypes;
  const allClients = clients.length === 0 || (clients.length === 1 && clients[0] === 'all');
  return (
    allClients &&
    appliesToAllApplications(policy) &&
    grantRequiresMfa(policy) &&
    narrowingConditions(policy).length === 0
  );
}

/** ID-06: includes the role (includeUsers All or includeRoles; never through groups) and does not exclude it. */
export function coversRole(policy: ConditionalAccessPolicy, roleId: string): boolean {
  const same = (id: string) => id.toLowerCase() === roleId.toLowerCase();
  const { users } = policy;
  return (
    (users.includeUsers.includes('All') || users.includeRoles.some(same)) && !users.excludeRoles.some(same)
  );
}

/** Case-insensitive break-glass membership (CONTROLS.md: names compare case-insensitively everywhere). */
export function breakGlassMatcher(breakGlass: readonly string[]): (upn: string) => boolean {
  const names = new Set(breakGlass.map((n) => n.toLowerCase()));
  return (upn) => names.has(upn.toLowerCase());
}
