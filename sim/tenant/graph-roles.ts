// /roleManagement/directory/*: role definitions, active assignments, eligibility schedules and assignment
// schedule instances (the last two are PIM: Entra ID P2), with $filter eq, $select, $expand=principal and paging.
import type { SimRequest, SimResponse } from '../types';
import type { DirectoryPrincipal } from './directory';
import {
  principalResource,
  ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_TYPE,
  ROLE_ASSIGNMENT_TYPE,
  ROLE_DEFINITION_TYPE,
  ROLE_ELIGIBILITY_SCHEDULE_TYPE,
  roleAssignmentResource,
  roleAssignmentScheduleInstanceResource,
  roleEligibilityScheduleResource,
  type EntityTypeCatalogue,
  type GraphResource,
} from './graph-entities';
import {
  contextSelection,
  decodeSkipToken,
  equalityFilter,
  expandedProperties,
  pageSize,
  project,
  readQueryOptions,
  selectedProperties,
  type PageLimits,
} from './graph-query';
import { matchesFilter } from './graph-reports';
import {
  collectionKey,
  collectionPage,
  entity,
  pageOfList,
  requireP2,
  resourceNotFound,
  type GraphHandlerContext,
} from './graph-route-kit';
import { BUILT_IN_ROLES, roleDefinitionResource } from './role-definitions';

const ROLE_PAGE: PageLimits = { defaultSize: 100, maxTop: 999 };
const ROLE_FILTERABLE = ['roleDefinitionId', 'principalId'];
const INSTANCE_FILTERABLE = [...ROLE_FILTERABLE, 'assignmentType', 'memberType'];

export function listRoleDefinitions(_context: GraphHandlerContext, req: SimRequest): SimResponse {
  const query = readQueryOptions(req.url, '/roleManagement/directory/roleDefinitions', ['select']);
  const properties = selectedProperties(query.select, ROLE_DEFINITION_TYPE);
  const value = BUILT_IN_ROLES.map((role) => project(roleDefinitionResource(role), properties));
  const contextName = `roleManagement/directory/roleDefinitions${contextSelection(query.select, properties)}`;
  return collectionPage(req, contextName, value, undefined);
}

export function getRoleDefinition(
  _context: GraphHandlerContext,
  req: SimRequest,
  [id = '']: string[],
): SimResponse {
  const query = readQueryOptions(req.url, '/roleManagement/directory/roleDefinitions/{id}', ['select']);
  const properties = selectedProperties(query.select, ROLE_DEFINITION_TYPE);
  const role = BUILT_IN_ROLES.find((candidate) => candidate.templateId === id.toLowerCase());
  if (!role) throw resourceNotFound(id);
  return entity(
    req,
    'roleManagement/directory/roleDefinitions/$entity',
    project(roleDefinitionResource(role), properties),
  );
}

/** Shared by the role collections: $filter eq, $select, $expand=principal, paging. */
function listRoleRecords<T extends { principal: DirectoryPrincipal }>(
  req: SimRequest,
  route: string,
  records: readonly T[],
  type: EntityTypeCatalogue,
  toResource: (record: T) => GraphResource,
  filterable: readonly string[] = ROLE_FILTERABLE,
): SimResponse {
  const query = readQueryOptions(req.url, route, ['select', 'filter', 'expand', 'top', 'skiptoken']);
  const properties = selectedProperties(query.select, type);
  const filter = equalityFilter(query.filter, filterable);
  const expandPrincipal = expandedProperties(query.expand, ['principal']).includes('principal');
  const size = pageSize(query.top, ROLE_PAGE);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const matching = records.filter((record) => matchesFilter(toResource(record), filter));
  const { page, next } = pageOfList(matching, offset, size, collectionKey(req));
  const value = page.map((record) => {
    const resource = project(toResource(record), properties);
    if (expandPrincipal) resource.principal = principalResource(record.principal);
    return resource;
  });
  return collectionPage(req, `${route.slice(1)}${contextSelection(query.select, properties)}`, value, next);
}

export function listRoleAssignments(context: GraphHandlerContext, req: SimRequest): SimResponse {
  return listRoleRecords(
    req,
    '/roleManagement/directory/roleAssignments',
    context.directory.roleAssignments(),
    ROLE_ASSIGNMENT_TYPE,
    (assignment) => roleAssignmentResource(assignment, context.tenantId),
  );
}

export function listRoleEligibilitySchedules(context: GraphHandlerContext, req: SimRequest): SimResponse {
  requireP2(context);
  return listRoleRecords(
    req,
    '/roleManagement/directory/roleEligibilitySchedules',
    context.directory.roleEligibilities(),
    ROLE_ELIGIBILITY_SCHEDULE_TYPE,
    roleEligibilityScheduleResource,
  );
}

export function listRoleAssignmentScheduleInstances(
  context: GraphHandlerContext,
  req: SimRequest,
): SimResponse {
  requireP2(context);
  return listRoleRecords(
    req,
    '/roleManagement/directory/roleAssignmentScheduleInstances',
    context.directory.roleAssignmentScheduleInstances(),
    ROLE_ASSIGNMENT_SCHEDULE_INSTANCE_TYPE,
    roleAssignmentScheduleInstanceResource,
    INSTANCE_FILTERABLE,
  );
}
