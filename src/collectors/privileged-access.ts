import type { GraphClient } from '../cloud/graph-client';
import { collectGroupMembers } from './group-members';
import type { ProgressSink } from './progress';
import { collectActiveGrants, collectEligibleGrants, type RoleGrant } from './role-grants';
import type { DirectoryUser, PrivilegedAccess, PrivilegedUser, RoleHolding } from './types';
import { collectUsersById } from './users';

interface GraphRoleDefinition {
  id?: unknown;
  templateId?: unknown;
  displayName?: unknown;
}

/**
 * Who holds the given roles: active and eligible assignments, direct and through role-assignable groups,
 * resolved to users with their enabled state.
 */
export async function collectPrivilegedAccess(
  graph: GraphClient,
  roleIds: readonly string[],
  progress: ProgressSink,
): Promise<PrivilegedAccess> {
  const roleNames = await collectRoleNames(graph);
  const active = await collectActiveGrants(graph, roleIds, progress);
  const eligible = await collectEligibleGrants(graph, roleIds, progress);
  const grants = [...active, ...(eligible ?? [])];

  const groupIds = unique(grants.filter((g) => g.principal.type === 'group').map((g) => g.principal.id));
  const groupMembers = await collectGroupMembers(graph, groupIds, progress);
  const directUserIds = new Set(grants.filter((g) => g.principal.type === 'user').map((g) => g.principal.id));
  const directUsers =
    directUserIds.size > 0 ? await collectUsersById(graph, directUserIds, progress) : new Map();

  return {
    users: resolvePrivilegedUsers(grants, groupMembers, directUsers, roleNames),
    eligibilityAvailable: eligible !== null,
  };
}

export async function collectRoleNames(graph: GraphClient): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const page of graph.pages<GraphRoleDefinition>('/roleManagement/directory/roleDefinitions')) {
    for (const def of page) {
      if (typeof def.displayName !== 'string') continue;
      // Built-in roles: id == templateId; custom roles are matched by id.
      if (typeof def.id === 'string') names.set(def.id, def.displayName);
      if (typeof def.templateId === 'string') names.set(def.templateId, def.displayName);
    }
  }
  return names;
}

/** Pure: turns grants into one entry per user (service principals dropped, groups expanded to members). */
export function resolvePrivilegedUsers(
  grants: readonly RoleGrant[],
  groupMembers: ReadonlyMap<string, DirectoryUser[]>,
  directUsers: ReadonlyMap<string, DirectoryUser>,
  roleNames: ReadonlyMap<string, string>,
): PrivilegedUser[] {
  const byId = new Map<string, PrivilegedUser>();
  const add = (user: DirectoryUser, holding: RoleHolding) => {
    const entry = byId.get(user.id) ?? { ...user, roles: [] };
    const key = holdingKey(holding);
    if (!entry.roles.some((r) => holdingKey(r) === key)) entry.roles.push(holding);
    byId.set(user.id, entry);
  };
  for (const grant of grants) {
    const roleName = roleNames.get(grant.roleId) ?? grant.roleId;
    const { principal } = grant;
    if (principal.type === 'user') {
      // A grant to a user /users does not return (deleted?): whether it is enabled is unknown, so the controls
      // that count enabled holders report it rather than guess.
      const user = directUsers.get(principal.id) ?? {
        id: principal.id,
        userPrincipalName: principal.userPrincipalName ?? principal.id,
        accountEnabled: null,
        userType: null,
        unexpected: {
          accountEnabled: 'unknown (a role grant names this user but /users does not return it)',
        },
      };
      add(user, { roleId: grant.roleId, roleName, kind: grant.kind, viaGroup: null });
    } else if (principal.type === 'group') {
      const viaGroup = { id: principal.id, displayName: principal.displayName };
      for (const member of groupMembers.get(principal.id) ?? []) {
        add(member, { roleId: grant.roleId, roleName, kind: grant.kind, viaGroup });
      }
    }
  }
  const users = [...byId.values()];
  for (const user of users) user.roles.sort((a, b) => compare(holdingKey(a), holdingKey(b)));
  return users.sort((a, b) => compare(a.userPrincipalName, b.userPrincipalName) || compare(a.id, b.id));
}

function holdingKey(h: RoleHolding): string {
  return `${h.roleName}\u0000${h.kind}\u0000${h.viaGroup?.displayName ?? ''}\u0000${h.viaGroup?.id ?? ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
