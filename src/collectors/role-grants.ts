import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import type { ProgressSink } from './progress';
import type { PrincipalType } from './types';

/** One role assignment or eligibility as Graph returns it with $expand=principal, reduced to what we use. */
export interface RoleGrant {
  roleId: string;
  kind: 'active' | 'eligible';
  principal: { type: PrincipalType; id: string; displayName: string; userPrincipalName: string | null };
}

interface GraphRoleItem {
  roleDefinitionId?: unknown;
  principalId?: unknown;
  principal?: {
    '@odata.type'?: unknown;
    id?: unknown;
    displayName?: unknown;
    userPrincipalName?: unknown;
  } | null;
}

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
      `/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=principal`,
    )) {
      pages++;
      for (const item of page) grants.push(toGrant(item, 'active'));
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
    for await (const page of graph.pages<GraphRoleItem>(
      '/roleManagement/directory/roleEligibilitySchedules?$expand=principal',
    )) {
      pages++;
      for (const item of page) {
        const grant = toGrant(item, 'eligible');
        if (wanted.has(grant.roleId)) grants.push(grant);
      }
      progress({ collector: 'roleEligibilitySchedules', pages, items: grants.length });
    }
  } catch (err) {
    if (err instanceof GraphError && err.code === 'AadPremiumLicenseRequired') return null;
    throw err;
  }
  return grants;
}

function toGrant(item: GraphRoleItem, kind: RoleGrant['kind']): RoleGrant {
  const roleId = requireString(item.roleDefinitionId, 'roleDefinitionId');
  const principal = item.principal ?? null;
  const id = requireString(principal?.id ?? item.principalId, 'principalId');
  const odataType = typeof principal?.['@odata.type'] === 'string' ? principal['@odata.type'] : '';
  return {
    roleId,
    kind,
    principal: {
      type: PRINCIPAL_TYPES[odataType] ?? 'other',
      id,
      displayName: typeof principal?.displayName === 'string' ? principal.displayName : '',
      userPrincipalName:
        typeof principal?.userPrincipalName === 'string' ? principal.userPrincipalName : null,
    },
  };
}

/** A field the documented shape guarantees; its absence means the data cannot be trusted. */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new GraphError(200, 'UnexpectedShape', field, `expected a non-empty string in "${field}"`);
  }
  return value;
}
