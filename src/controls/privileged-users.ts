import type { PrivilegedUser, RoleHolding } from '../collectors/types';

/** Enabled users holding at least one of `roleIds` (accountEnabled unknown counts as enabled). */
export function enabledHolders(
  users: readonly PrivilegedUser[],
  roleIds: ReadonlySet<string>,
): PrivilegedUser[] {
  return users.filter((u) => u.accountEnabled !== false && u.roles.some((r) => roleIds.has(r.roleId)));
}

/** "Global Administrator (eligible, via group Tier0 Admins), User Administrator (active)". */
export function describeHoldings(holdings: readonly RoleHolding[]): string {
  return holdings
    .map((h) => `${h.roleName} (${h.kind}${h.viaGroup ? `, via group ${h.viaGroup.displayName}` : ''})`)
    .join(', ');
}
