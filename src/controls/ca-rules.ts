// CONTROLS.md's precise rules about Conditional Access policies, shared by ID-06, ID-07, ID-08 and ID-10.
import type { ConditionalAccessPolicy, PolicyState } from '../collectors/types';
import { DataShapeError, sentValue } from './data-shape-error';

const POLICY_STATES: ReadonlySet<string> = new Set<PolicyState>([
  'enabled',
  'disabled',
  'enabledForReportingButNotEnforced',
]);

export function describePolicy(policy: ConditionalAccessPolicy): string {
  return `Conditional Access policy "${policy.displayName}" (${policy.id})`;
}

/** Whether the state is one Graph documents (enabled, disabled, enabledForReportingButNotEnforced). */
export function hasKnownState(policy: ConditionalAccessPolicy): boolean {
  return policy.state !== null && POLICY_STATES.has(policy.state);
}

/**
 * The policy's state. A state Graph does not document (a new one, or none at all) might enforce the policy or
 * might not, and guessing either way could pass or fail a control wrongly: a control whose outcome depends on
 * such a policy cannot judge it, so this throws DataShapeError naming the policy, the field and the value.
 * Controls ask only once the policy would matter otherwise.
 */
export function stateOf(policy: ConditionalAccessPolicy): PolicyState {
  if (hasKnownState(policy)) return policy.state as PolicyState;
  throw new DataShapeError(
    describePolicy(policy),
    'state',
    sentValue(policy, 'state', policy.state),
    'enabled, disabled or enabledForReportingButNotEnforced',
  );
}

/** Report-only and disabled policies enforce nothing, whatever their conditions: only the others are read on. */
export function mayEnforce(policy: ConditionalAccessPolicy): boolean {
  return policy.state !== 'disabled' && policy.state !== 'enabledForReportingButNotEnforced';
}

/**
 * Throws DataShapeError when the policy's conditions or grant controls came in another shape than documented:
 * who it applies to and what it grants are then unknown.
 */
export function requireReadable(policy: ConditionalAccessPolicy): void {
  const noted = notedShape(policy);
  if (noted)
    throw new DataShapeError(describePolicy(policy), noted[0], noted[1], 'the shape Graph documents');
}

/** Whether the conditions and grant controls came in the documented shape (see requireReadable). */
export function isReadable(policy: ConditionalAccessPolicy): boolean {
  return notedShape(policy) === undefined;
}

function notedShape(policy: ConditionalAccessPolicy): [string, string] | undefined {
  return Object.entries(policy.unexpected ?? {}).find(([field]) => field !== 'state');
}

/**
 * The user cannot satisfy the grant without MFA: mfa or a strength, and AND or no other control. A grant control
 * this version does not know counts as another control: under OR the user could satisfy it instead of MFA.
 */
export function grantRequiresMfa(policy: ConditionalAccessPolicy): boolean {
  const { grant } = policy;
  if (!grant) return false;
  const mfa = grant.builtInControls.includes('mfa') || grant.authenticationStrength;
  const others = grant.builtInControls.filter((c) => c !== 'mfa').length;
  return mfa && (grant.operator === 'AND' || others === 0);
}

/**
 * ID-08's "MFA policy": enabled (report-only does not enforce anything) and grants with MFA. Throws DataShapeError
 * for one that may enforce but cannot be read, or grants with MFA in a state this version does not know.
 */
export function isMfaPolicy(policy: ConditionalAccessPolicy): boolean {
  if (!mayEnforce(policy)) return false;
  requireReadable(policy);
  return grantRequiresMfa(policy) && stateOf(policy) === 'enabled';
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

/**
 * ID-06 apart from the state: what makes a policy qualify once enabled. clientAppTypes values this version does
 * not know need no care here nor in ID-07: ID-06 wants exactly "all" (or none), ID-07 wants exchangeActiveSync
 * and other among them, and an unknown value is neither.
 */
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
