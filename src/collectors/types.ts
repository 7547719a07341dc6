// Asset shapes as the collectors hand them to the controls: only the fields the controls read.

/** Data one collector could not get, with the reason in words an admin can act on. */
export type Collected<T> = { ok: true; value: T } | { ok: false; reason: string };

export type PrincipalType = 'user' | 'group' | 'servicePrincipal' | 'other';

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  /** null when Graph did not say; treated as enabled (a finding is safer than a silent skip). */
  accountEnabled: boolean | null;
  userType: string | null;
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
