import type { GraphClient } from '../cloud/graph-client';
import { isGraphUser, toDirectoryUser } from './directory-user';
import { collectGroupMembers } from './group-members';
import { collectRoleNames } from './privileged-access';
import type { ProgressSink } from './progress';
import { requireString } from './role-grants';
import type { PermanentAssignment } from './types';

interface GraphInstance {
  roleDefinitionId?: unknown;
  assignmentType?: unknown;
  endDateTime?: unknown;
  principal?: Record<string, unknown> | null;
}

/**
 * Permanent active assignments (PIM schedule instances: assignmentType Assigned, no end) of the given roles,
 * one per user: a group's assignment is expanded to its direct members (role-assignable groups hold no groups).
 * Without Entra ID P2 Graph answers 400 AadPremiumLicenseRequired, which propagates for the caller to report.
 */
export async function collectPermanentAssignments(
  graph: GraphClient,
  roleIds: readonly string[],
  progress: ProgressSink,
): Promise<PermanentAssignment[]> {
  const wanted = new Set(roleIds.map((id) => id.toLowerCase()));
  const roleNames = await collectRoleNames(graph);
  const direct: PermanentAssignment[] = [];
  const viaGroups: Array<{ roleId: string; group: { id: string; displayName: string } }> = [];
  let pages = 0;
  let items = 0;
  for await (const page of graph.pages<GraphInstance>(
    '/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal',
  )) {
    pages++;
    items += page.length;
    for (const item of page) {
      const roleId = requireString(item.roleDefinitionId, 'roleDefinitionId').toLowerCase();
      if (!wanted.has(roleId) || item.assignmentType !== 'Assigned' || item.endDateTime != null) continue;
      const principal = item.principal ?? {};
      const type = principal['@odata.type'];
      if (type === '#microsoft.graph.group') {
        const id = requireString(principal.id, 'principal.id');
        const displayName = typeof principal.displayName === 'string' ? principal.displayName : id;
        viaGroups.push({ roleId, group: { id, displayName } });
      } else if (type === '#microsoft.graph.user' && isGraphUser(principal)) {
        const roleName = roleNames.get(roleId) ?? roleId;
        direct.push({ roleId, roleName, user: toDirectoryUser(principal), viaGroup: null });
      }
      // Service principals are not users.
    }
    progress({ collector: 'roleAssignmentScheduleInstances', pages, items });
  }
  const members = await collectGroupMembers(graph, [...new Set(viaGroups.map((g) => g.group.id))], progress);
  const expanded = viaGroups.flatMap(({ roleId, group }) =>
    (members.get(group.id) ?? []).map((user) => ({
      roleId,
      roleName: roleNames.get(roleId) ?? roleId,
      user,
      viaGroup: group,
    })),
  );
  return [...direct, ...expanded];
}
