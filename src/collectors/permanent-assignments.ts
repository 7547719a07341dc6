import type { GraphClient } from '../cloud/graph-client';
import { toDirectoryUser } from './directory-user';
import { collectGroupMembers } from './group-members';
import { collectRoleNames } from './privileged-access';
import type { ProgressSink } from './progress';
import { graphShapeError, requireString } from './shape';
import type { PermanentAssignment } from './types';

interface GraphInstance {
  id?: unknown;
  roleDefinitionId?: unknown;
  assignmentType?: unknown;
  endDateTime?: unknown;
  principal?: Record<string, unknown> | null;
}

const INSTANCES = '/roleManagement/directory/roleAssignmentScheduleInstances';

/**
 * Permanent active assignments (PIM schedule instances: assignmentType Assigned, no end) of the given roles,
 * one per user: a group's assignment is expanded to its direct members (role-assignable groups hold no groups).
 * Without Entra ID P2 Graph answers 400 AadPremiumLicenseRequired, which propagates for the caller to report.
 * An instance of a wanted role whose permanence cannot be told (assignmentType other than Assigned or Activated,
 * endDateTime neither null nor a date, principal of no known type) is UnexpectedShape: only ID-03 reads these.
 * memberType is not read: the principal itself says whether the assignment goes through a group.
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
  for await (const page of graph.pages<GraphInstance>(`${INSTANCES}?$expand=principal`)) {
    pages++;
    items += page.length;
    for (const item of page) {
      const asset = `role assignment schedule instance ${typeof item.id === 'string' ? item.id : '(no id)'}`;
      const roleId = requireString(item.roleDefinitionId, 'roleDefinitionId', asset, INSTANCES).toLowerCase();
      if (!wanted.has(roleId) || !isPermanent(item, asset)) continue;
      const principal = item.principal;
      if (typeof principal !== 'object' || principal === null)
        throw graphShapeError(INSTANCES, asset, 'principal', principal, 'the expanded principal');
      const type = principal['@odata.type'];
      if (type === '#microsoft.graph.group') {
        const id = requireString(principal.id, 'principal.id', asset, INSTANCES);
        const displayName = typeof principal.displayName === 'string' ? principal.displayName : id;
        viaGroups.push({ roleId, group: { id, displayName } });
      } else if (type === '#microsoft.graph.user') {
        const roleName = roleNames.get(roleId) ?? roleId;
        direct.push({ roleId, roleName, user: toDirectoryUser(principal, INSTANCES), viaGroup: null });
      } else if (typeof type !== 'string') {
        throw graphShapeError(INSTANCES, asset, 'principal.@odata.type', type, 'the principal type');
      }
      // Service principals (and any other directory object) are not users.
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

/**
 * Assigned with no end is permanent; Activated is a PIM activation (never permanent); an end date bounds it. Any
 * other assignmentType (a value this version does not know) or endDateTime could be either: UnexpectedShape.
 */
function isPermanent(item: GraphInstance, asset: string): boolean {
  if (item.assignmentType === 'Activated') return false;
  if (item.assignmentType !== 'Assigned')
    throw graphShapeError(INSTANCES, asset, 'assignmentType', item.assignmentType, 'Assigned or Activated');
  if (item.endDateTime === null) return true;
  if (typeof item.endDateTime === 'string' && !Number.isNaN(Date.parse(item.endDateTime))) return false;
  throw graphShapeError(INSTANCES, asset, 'endDateTime', item.endDateTime, 'null (permanent) or a date');
}
