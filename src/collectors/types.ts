// Asset shapes as the collectors hand them to the controls: only the fields the controls read.
import type { UnexpectedFields } from './shape';

/** Data one collector could not get, with the reason in words an admin can act on. */
export type Collected<T> = { ok: true; value: T } | { ok: false; reason: string };

export type PrincipalType = 'user' | 'group' | 'servicePrincipal' | 'other';

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  /** For the report's inventory sheets only (absent where a test builds users by hand). */
  displayName?: string | null;
  /** null when Graph sent no boolean (noted in `unexpected`): a control that needs it reports `error`. */
  accountEnabled: boolean | null;
  /** As Graph sent it: Member, Guest, or a value this version does not know; null when not a string. */
  userType: string | null;
  /** Judged fields Graph sent in a shape its documentation does not allow (their typed value is null). */
  unexpected?: UnexpectedFields;
}

/** How a user holds a role: directly or through a role-assignable group, active or eligible (PIM). */
export interface RoleHolding {
  roleId: string;
  roleName: string;
  kind: 'active' | 'eligible';
  viaGroup: { id: string; displayName: string } | null;
}

export interface PrivilegedUser extends DirectoryUser {
  roles: RoleHolding[];
}

export interface PrivilegedAccess {
  /** Users (members and guests) holding at least one privileged role or Global Administrator, any state. */
  users: PrivilegedUser[];
  /** false when the tenant has no Entra ID P2: eligible assignments could not be read (there are none). */
  eligibilityAvailable: boolean;
}

export interface RegistrationRecord {
  id: string;
  userPrincipalName: string;
  isMfaRegistered: boolean;
}

/** The sign-in fields of signInActivity the controls read (ISO strings; null or 0001-01-01 = never). */
export interface SignInActivity {
  lastSignInDateTime: string | null;
  lastNonInteractiveSignInDateTime: string | null;
  lastSuccessfulSignInDateTime: string | null;
}

export interface AssignedLicense {
  skuId: string;
  disabledPlans: string[];
}

/**
 * One user of the tenant-wide stream, as the per-user controls read it. Nulls Graph documents (no creation date,
 * never synchronised, never signed in) are kept as null; any other shape problem is also noted in `unexpected`.
 */
export interface ScannedUser extends DirectoryUser {
  createdDateTime: string | null;
  onPremisesSyncEnabled: boolean | null;
  /** null when Graph sent no array of { skuId, disabledPlans[] } (noted in `unexpected`). */
  assignedLicenses: AssignedLicense[] | null;
  /** undefined when signInActivity was not read (no Entra ID P1 or not needed); null when Graph has none. */
  signInActivity?: SignInActivity | null;
}

export interface ServicePlan {
  servicePlanId: string;
  servicePlanName: string;
}

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  servicePlans: ServicePlan[];
}

/** A permanent active role assignment (PIM "Assigned", no end), resolved to users; groups expanded. */
export interface PermanentAssignment {
  roleId: string;
  roleName: string;
  user: DirectoryUser;
  viaGroup: { id: string; displayName: string } | null;
}

export type PolicyState = 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';

/**
 * A Conditional Access policy reduced to what ID-06 … ID-10 read; narrowing conditions kept as Graph sent them.
 * Conditions or grant controls in a shape the documentation does not allow are noted in `unexpected` (their
 * typed value is then empty): ID-06 … ID-08 cannot judge such a policy, ID-10 reads its state only.
 */
export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  /** As Graph sent it: a PolicyState, or a value this version does not know; null when not a string. */
  state: string | null;
  users: {
    includeUsers: string[];
    excludeUsers: string[];
    includeGroups: string[];
    excludeGroups: string[];
    includeRoles: string[];
    excludeRoles: string[];
    includeGuestsOrExternalUsers: unknown;
    excludeGuestsOrExternalUsers: unknown;
  };
  includeApplications: string[];
  excludeApplications: string[];
  clientAppTypes: string[];
  locations: { includeLocations: string[]; excludeLocations: string[] } | null;
  platforms: unknown;
  signInRiskLevels: string[];
  userRiskLevels: string[];
  servicePrincipalRiskLevels: string[];
  insiderRiskLevels: unknown;
  devices: unknown;
  authenticationFlows: unknown;
  clientApplications: unknown;
  /** For the report's inventory sheet only: ISO dates as Graph sent them, null when absent or not a date. */
  createdDateTime?: string | null;
  modifiedDateTime?: string | null;
  grant: {
    operator: string;
    builtInControls: string[];
    /** true when the grant names an authentication strength. */
    authenticationStrength: boolean;
  } | null;
  unexpected?: UnexpectedFields;
}

export interface ConditionalAccessState {
  securityDefaultsEnabled: boolean;
  policies: ConditionalAccessPolicy[];
}

/** Who the policies' exclusions name: excluded users by id (null = no such user) and excluded groups' members. */
export interface ConditionalAccessExclusions {
  users: ReadonlyMap<string, DirectoryUser | null>;
  /** Transitive user members of each excluded group (Conditional Access applies exclusions transitively). */
  groupMembers: ReadonlyMap<string, { displayName: string; members: DirectoryUser[] }>;
}
