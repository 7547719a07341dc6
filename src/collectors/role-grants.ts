import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import type { ProgressSink } from './progress';
import { graphShapeError, requireString } from './shape';
import type { PrincipalType } from './types';

/** One role assignment or eligibility as Graph returns it with $expand=principal, reduced to what we use. */
export interface RoleGrant {
  roleId: string;
  kind: 'active' | 'eligible';
  principal: { type: PrincipalType; id: string; displayName: string; userPrincipalName: string | null };
}

interface GraphRoleItem {
  id?: unknown;
  roleDefinitionId?: unknown;
  principal?: {
    '@odata.type'?: unknown;
    id?: unknown;
    displayName?: unknown;
    userPrincipalName?: unknown;
  } | null;
}

const ASSIGNMENTS = '/roleManagement/directory/roleAssignments';
const ELIGIBILITIES = '/roleManagement/directory/roleEligibilitySchedules';

const PRINCIPAL_TYPES: Record<string, PrincipalType> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.servicePrincipal': 'servicePrincipal',
};

/** Active assignments of the given roles (roleAssignments, filtered per role, principal expanded). */
export async function collectActiveGrants(
  graph: GraphClient,
  roleIds: readonly string[],
  progress: ProgressSink,
): Promise<RoleGrant[]> {
  const grants: RoleGrant[] = [];
  let pages = 0;
  for (const roleId of roleIds) {
    const filter = encodeURIComponent(`roleDefinitionId eq '${roleId}'`);
    for await (const page of graph.pages<GraphRoleItem>(
      `${ASSIGNMENTS}?$filter=${filter}&$expand=principal`,
    )) {
      pages++;
      for (const item of page) grants.push(toGrant(item, 'active', ASSIGNMENTS));
      progress({ collector: 'roleAssignments', pages, items: grants.length });
    }
  }
  return grants;
}

/**
 * Eligible assignments (PIM) of the given roles. Returns null when the tenant has no Entra ID P2
 * (400 AadPremiumLicenseRequired): such a tenant has no eligible assignments.
 */
export async function collectEligibleGrants(
  graph: GraphClient,
  roleIds: readonly string[],
  progress: ProgressSink,
): Promise<RoleGrant[] | null> {
  const wanted = new Set(roleIds);
  const grants: RoleGrant[] = [];
  let pages = 0;
  try {
    for await (const page of graph.pages<GraphRoleItem>(`${ELIGIBILITIES}?$expand=principal`)) {
      pages++;
      for (const item of page) {
        // Other roles' eligibilities are not read any further.
        if (typeof item.roleDefinitionId === 'string' && !wanted.has(item.roleDefinitionId)) continue;
        grants.push(toGrant(item, 'eligible', ELIGIBILITIES));
      }
      progress({ collector: 'roleEligibilitySchedules', pages, items: grants.length });
    }
  } catch (err) {
    if (err instanceof GraphError && err.code === 'AadPremiumLicenseRequired') return null;
    throw err;
  }
  return grants;
}

/**
 * A grant with its principal resolved. The principal's @odata.type says whether it is a user: without it (or
 * without the expanded principal) nobody can tell, so that is UnexpectedShape. A type other than user, group or
 * service principal is kept as 'other': such a directory object is no user, so it never counts.
 */
function toGrant(item: GraphRoleItem, kind: RoleGrant['kind'], path: string): RoleGrant {
  const asset = `role ${kind === 'active' ? 'assignment' : 'eligibility'} ${typeof item.id === 'string' ? item.id : '(no id)'}`;
  const roleId = requireString(item.roleDefinitionId, 'roleDefinitionId', asset, path);
  const principal = item.principal;
  if (typeof principal !== 'object' || principal === null)
    throw graphShapeError(path, asset, 'principal', principal, 'the expanded principal');
  const odataType = principal['@odata.type'];
  if (typeof odataType !== 'string')
    throw graphShapeError(path, asset, 'principal.@odata.type', odataType, 'the principal type');
  return {
    roleId,
    kind,
    principal: {
      type: PRINCIPAL_TYPES[odataType] ?? 'other',
      id: requireString(principal.id, 'principal.id', asset, path),
      displayName: typeof principal.displayName === 'string' ? principal.displayName : '',
      userPrincipalName: typeof principal.userPrincipalName === 'string' ? principal.userPrincipalName : null,
    },
  };
}
