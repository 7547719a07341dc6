import type { PrivilegedUser, RoleHolding } from '../collectors/types';
import { isEnabled } from './user-fields';

/** Users holding at least one of `roleIds`, enabled or not. */
export function holders(users: readonly PrivilegedUser[], roleIds: ReadonlySet<string>): PrivilegedUser[] {
  return users.filter((u) => u.roles.some((r) => roleIds.has(r.roleId)));
}

/**
 * Enabled users holding at least one of `roleIds`. A holder whose accountEnabled Graph did not say throws
 * DataShapeError: the control cannot tell whether that user counts.
 */
export function enabledHolders(
  users: readonly PrivilegedUser[],
  roleIds: ReadonlySet<string>,
): PrivilegedUser[] {
  return holders(users, roleIds).filter(isEnabled);
}

/** "Global Administrator (eligible, via group Tier0 Admins), User Administrator (active)". */
export function describeHoldings(holdings: readonly RoleHolding[]): string {
  return holdings
    .map((h) => `${h.roleName} (${h.kind}${h.viaGroup ? `, via group ${h.viaGroup.displayName}` : ''})`)
    .join(', ');
}
