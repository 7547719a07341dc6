// The sim's Graph routes as examples for the metadata test: one request per route, with the $select the sim
// models for its entity (read from the catalogues in sim/tenant/graph-*entities.ts) so every served property is
// checked too.
// Keep this list in step with the routes in sim/tenant/graph-handler.ts (test/graph-metadata.test.ts fails on a
// route without an example).
import * as graphEntities from '../tenant/graph-entities';
import type { EntityTypeCatalogue } from '../tenant/graph-entities';
import * as graphPolicyEntities from '../tenant/graph-policy-entities';

export interface SimGraphRouteExample {
  method: 'GET' | 'POST';
  /**
   * Path and query; placeholders a test fills from the running sim: {user-id}, {registered-user-id},
   * {group-id}, {role-definition-id}, {ca-policy-id}.
   */
  url: string;
  /** Qualified Graph type of the returned entity (or collection element), e.g. "microsoft.graph.user". */
  entityType: string;
  /** Add `$select=` with every property the sim models for `entityType` (its catalogue's modelledProperties). */
  selectModelled: boolean;
}

export const SIM_GRAPH_ROUTE_EXAMPLES: readonly SimGraphRouteExample[] = [
  // Graph caps $top at 500 when signInActivity (a modelled property) is selected.
  { method: 'GET', url: '/v1.0/users?$top=500', entityType: 'microsoft.graph.user', selectModelled: true },
  { method: 'GET', url: '/v1.0/users/{user-id}', entityType: 'microsoft.graph.user', selectModelled: true },
  {
    method: 'GET',
    url: '/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=isAdmin eq true&$top=500',
    entityType: 'microsoft.graph.userRegistrationDetails',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/reports/authenticationMethods/userRegistrationDetails/{registered-user-id}',
    entityType: 'microsoft.graph.userRegistrationDetails',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/roleManagement/directory/roleDefinitions',
    entityType: 'microsoft.graph.unifiedRoleDefinition',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/roleManagement/directory/roleDefinitions/{role-definition-id}',
    entityType: 'microsoft.graph.unifiedRoleDefinition',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: "/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '{role-definition-id}'&$expand=principal",
    entityType: 'microsoft.graph.unifiedRoleAssignment',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal',
    entityType: 'microsoft.graph.unifiedRoleEligibilitySchedule',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/groups/{group-id}',
    entityType: 'microsoft.graph.group',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal',
    entityType: 'microsoft.graph.unifiedRoleAssignmentScheduleInstance',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/groups/{group-id}/members?$select=id,userPrincipalName,accountEnabled&$top=999',
    entityType: 'microsoft.graph.directoryObject',
    selectModelled: false,
  },
  {
    method: 'GET',
    url: '/v1.0/groups/{group-id}/transitiveMembers?$select=id,userPrincipalName,accountEnabled&$top=999',
    entityType: 'microsoft.graph.directoryObject',
    selectModelled: false,
  },
  {
    method: 'GET',
    url: '/v1.0/subscribedSkus',
    entityType: 'microsoft.graph.subscribedSku',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/identity/conditionalAccess/policies',
    entityType: 'microsoft.graph.conditionalAccessPolicy',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/identity/conditionalAccess/policies/{ca-policy-id}',
    entityType: 'microsoft.graph.conditionalAccessPolicy',
    selectModelled: true,
  },
  {
    method: 'GET',
    url: '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy',
    entityType: 'microsoft.graph.identitySecurityDefaultsEnforcementPolicy',
    selectModelled: true,
  },
];

function isCatalogue(value: unknown): value is EntityTypeCatalogue {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof EntityTypeCatalogue, unknown>>;
  return (
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.csdlProperties) &&
    Array.isArray(candidate.modelledProperties) &&
    Array.isArray(candidate.defaultProperties)
  );
}

/**
 * Every entity type catalogue the sim's entity modules export (found by shape, so new ones count too; the test
 * checks that no module of sim/tenant/ declares one this misses).
 */
export function simEntityCatalogues(): EntityTypeCatalogue[] {
  const found = [graphEntities, graphPolicyEntities].flatMap((module) =>
    Object.values(module as Record<string, unknown>).filter(isCatalogue),
  );
  return [...new Set(found)]; // a module may re-export another's catalogues
}

/** The example's path and query with `$select` of the modelled properties added when asked for. */
export function exampleUrl(example: SimGraphRouteExample): string {
  if (!example.selectModelled) return example.url;
  const catalogue = simEntityCatalogues().find((candidate) => candidate.name === example.entityType);
  if (!catalogue)
    throw new Error(`No entity catalogue for ${example.entityType} in sim/tenant/graph-entities.ts`);
  const select = `$select=${catalogue.modelledProperties.join(',')}`;
  return `${example.url}${example.url.includes('?') ? '&' : '?'}${select}`;
}
