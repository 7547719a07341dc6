// Graph v1.0 for one generated tenant: routing, app-permission checks, licence checks, query options and paging.
// The caller (sim core) has verified the bearer token; everything after that happens here.
import type { AccessTokenClaims, SimRequest, SimResponse } from '../types';
import type { DirectoryPrincipal, SimDirectory } from './directory';
import { badRequest, GraphError, graphErrorResponse, insufficientPrivileges } from './graph-errors';
import {
  GROUP_TYPE,
  groupResource,
  principalResource,
  REGISTRATION_TYPE,
  registrationResource,
  ROLE_ASSIGNMENT_TYPE,
  ROLE_DEFINITION_TYPE,
  ROLE_ELIGIBILITY_SCHEDULE_TYPE,
  roleAssignmentResource,
  roleEligibilityScheduleResource,
  USER_TYPE,
  userResource,
  type EntityTypeCatalogue,
  type GraphResource,
} from './graph-entities';
import {
  contextSelection,
  decodeSkipToken,
  encodeSkipToken,
  equalityFilter,
  expandedProperties,
  nextLink,
  pageSize,
  project,
  readQueryOptions,
  selectedProperties,
  type PageLimits,
} from './graph-query';
import { BUILT_IN_ROLES, roleDefinitionResource } from './role-definitions';

export interface GraphHandlerContext {
  directory: SimDirectory;
  tenantId: string;
  licences: { p1: boolean; p2: boolean };
}

export type GraphHandler = (req: SimRequest, claims: AccessTokenClaims) => SimResponse;

// Application permissions that allow each kind of read (least privileged first, as in Graph's permission tables).
const READ_USERS = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_REGISTRATION_REPORT = ['AuditLog.Read.All'];
const READ_ROLE_MANAGEMENT = [
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const READ_ROLE_ELIGIBILITY = [
  'RoleEligibilitySchedule.Read.Directory',
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.ReadWrite.Directory',
];
const READ_GROUP_MEMBERS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

const USER_PAGE: PageLimits = { defaultSize: 100, maxTop: 999 };
/** userRegistrationDetails' page size is undocumented: the simulator pages by 1000 and honours $top up to 999. */
const REGISTRATION_PAGE: PageLimits = { defaultSize: 1000, maxTop: 999 };
const ROLE_PAGE: PageLimits = { defaultSize: 100, maxTop: 999 };
const MEMBER_PAGE: PageLimits = { defaultSize: 100, maxTop: 999 };

const REGISTRATION_FILTERABLE = [
  'id',
  'userPrincipalName',
  'userType',
  'isAdmin',
  'isMfaCapable',
  'isMfaRegistered',
  'isPasswordlessCapable',
  'isSsprCapable',
  'isSsprEnabled',
  'isSsprRegistered',
];
const ROLE_FILTERABLE = ['roleDefinitionId', 'principalId'];

interface Route {
  /** Path segments after /v1.0; "{…}" is a parameter. Matched case-insensitively. */
  path: string[];
  permissions: readonly string[];
  handle(context: GraphHandlerContext, req: SimRequest, params: string[]): SimResponse;
}

const ROUTES: Route[] = [
  { path: ['users'], permissions: READ_USERS, handle: listUsers },
  { path: ['users', '{id}'], permissions: READ_USERS, handle: getUser },
  {
    path: ['reports', 'authenticationMethods', 'userRegistrationDetails'],
    permissions: READ_REGISTRATION_REPORT,
    handle: listRegistrations,
  },
  {
    path: ['reports', 'authenticationMethods', 'userRegistrationDetails', '{id}'],
    permissions: READ_REGISTRATION_REPORT,
    handle: getRegistration,
  },
  {
    path: ['roleManagement', 'directory', 'roleDefinitions'],
    permissions: READ_ROLE_MANAGEMENT,
    handle: listRoleDefinitions,
  },
  {
    path: ['roleManagement', 'directory', 'roleDefinitions', '{id}'],
    permissions: READ_ROLE_MANAGEMENT,
    handle: getRoleDefinition,
  },
  {
    path: ['roleManagement', 'directory', 'roleAssignments'],
    permissions: READ_ROLE_MANAGEMENT,
    handle: listRoleAssignments,
  },
  {
    path: ['roleManagement', 'directory', 'roleEligibilitySchedules'],
    permissions: READ_ROLE_ELIGIBILITY,
    handle: listRoleEligibilitySchedules,
  },
  { path: ['groups', '{id}'], permissions: READ_GROUP_MEMBERS, handle: getGroup },
  { path: ['groups', '{id}', 'members'], permissions: READ_GROUP_MEMBERS, handle: listGroupMembers },
];

export function createGraphHandler(context: GraphHandlerContext): GraphHandler {
  return (req, claims) => {
    try {
      return routeRequest(context, req, claims);
    } catch (error) {
      if (error instanceof GraphError) return graphErrorResponse(req, error);
      throw error;
    }
  };
}

function routeRequest(context: GraphHandlerContext, req: SimRequest, claims: AccessTokenClaims): SimResponse {
  const prefix = '/v1.0/';
  if (!req.url.pathname.startsWith(prefix))
    throw badRequest(`Invalid version: ${req.url.pathname.split('/')[1] ?? ''}`);
  const segments = req.url.pathname
    .slice(prefix.length)
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));

  const match = matchRoute(segments);
  if (!match) {
    const unmatched = segments[longestRoutePrefix(segments)] ?? segments[segments.length - 1] ?? '';
    throw badRequest(`Resource not found for the segment '${unmatched}'.`);
  }
  if (req.method !== 'GET') {
    throw new GraphError(
      405,
      'Request_BadRequest',
      'Specified HTTP method is not allowed for the request target.',
    );
  }
  if (!claims.roles.some((role) => match.route.permissions.includes(role))) throw insufficientPrivileges();
  return match.route.handle(context, req, match.params);
}

function segmentMatches(pattern: string, segment: string): boolean {
  return pattern.startsWith('{') || pattern.toLowerCase() === segment.toLowerCase();
}

function matchRoute(segments: string[]): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.path.length !== segments.length) continue;
    if (!route.path.every((pattern, i) => segmentMatches(pattern, segments[i] ?? ''))) continue;
    const params = route.path.flatMap((pattern, i) => (pattern.startsWith('{') ? [segments[i] ?? ''] : []));
    return { route, params };
  }
  return undefined;
}

/** How many leading segments some route accepts: the next one is the segment Graph would name as not found. */
function longestRoutePrefix(segments: string[]): number {
  let longest = 0;
  for (const route of ROUTES) {
    let n = 0;
    while (
      n < route.path.length &&
      n < segments.length &&
      segmentMatches(route.path[n] ?? '', segments[n] ?? '')
    )
      n++;
    longest = Math.max(longest, n);
  }
  return longest;
}

function ok(req: SimRequest, body: unknown): SimResponse {
  const clientRequestHeader = req.headers['client-request-id'];
  const headers: Record<string, string> = { 'OData-Version': '4.0' };
  const clientRequestId = Array.isArray(clientRequestHeader) ? clientRequestHeader[0] : clientRequestHeader;
  if (clientRequestId) headers['client-request-id'] = clientRequestId;
  return { status: 200, headers, body };
}

function metadataContext(req: SimRequest, fragment: string): string {
  return `${req.url.origin}/v1.0/$metadata#${fragment}`;
}

/** A collection page in Graph's key order: context, nextLink, value. */
function collectionPage(
  req: SimRequest,
  context: string,
  value: GraphResource[],
  next: { collection: string; offset: number } | undefined,
): SimResponse {
  const body: Record<string, unknown> = { '@odata.context': metadataContext(req, context) };
  if (next) body['@odata.nextLink'] = nextLink(req.url, encodeSkipToken(next.collection, next.offset));
  body.value = value;
  return ok(req, body);
}

/** Pages an in-memory list (role assignments and the like are small): the offset is the position in `items`. */
function pageOfList<T>(
  items: readonly T[],
  offset: number,
  size: number,
  collection: string,
): { page: T[]; next: { collection: string; offset: number } | undefined } {
  const end = Math.min(offset + size, items.length);
  return {
    page: items.slice(offset, end),
    next: end < items.length ? { collection, offset: end } : undefined,
  };
}

const resourceNotFound = (id: string): GraphError =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

function collectionKey(req: SimRequest): string {
  return req.url.pathname.toLowerCase();
}

function listUsers(context: GraphHandlerContext, req: SimRequest): SimResponse {
  const query = readQueryOptions(req.url, '/users', ['select', 'top', 'skiptoken']);
  const properties = selectedProperties(query.select, USER_TYPE);
  const size = pageSize(query.top, USER_PAGE);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const { directory } = context;
  const end = Math.min(offset + size, directory.userCount);
  const value: GraphResource[] = [];
  for (let index = offset; index < end; index++)
    value.push(project(userResource(directory.user(index)), properties));
  const next = end < directory.userCount ? { collection: collectionKey(req), offset: end } : undefined;
  return collectionPage(req, `users${contextSelection(query.select, properties)}`, value, next);
}

function getUser(context: GraphHandlerContext, req: SimRequest, [id = '']: string[]): SimResponse {
  const query = readQueryOptions(req.url, '/users/{id}', ['select']);
  const properties = selectedProperties(query.select, USER_TYPE);
  const user = context.directory.findUser(id);
  if (!user) throw resourceNotFound(id);
  const contextName = metadataContext(req, `users${contextSelection(query.select, properties)}/$entity`);
  return ok(req, { '@odata.context': contextName, ...project(userResource(user), properties) });
}

function requirePremium(context: GraphHandlerContext): void {
  if (!context.licences.p1 && !context.licences.p2) {
    throw new GraphError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license",
    );
  }
}

function registrationAt(directory: SimDirectory, index: number): GraphResource | undefined {
  const user = directory.user(index);
  const registration = directory.registrationOf(user);
  return registration ? registrationResource(user, registration) : undefined;
}

function matchesFilter(resource: GraphResource, filter: ReturnType<typeof equalityFilter>): boolean {
  if (!filter) return true;
  const actual = resource[filter.property];
  return typeof filter.value === 'string'
    ? typeof actual === 'string' && actual.toLowerCase() === filter.value.toLowerCase()
    : actual === filter.value;
}

function listRegistrations(context: GraphHandlerContext, req: SimRequest): SimResponse {
  requirePremium(context);
  const route = '/reports/authenticationMethods/userRegistrationDetails';
  const query = readQueryOptions(req.url, route, ['select', 'top', 'filter', 'skiptoken']);
  const properties = selectedProperties(query.select, REGISTRATION_TYPE);
  const filter = equalityFilter(query.filter, REGISTRATION_FILTERABLE);
  const size = pageSize(query.top, REGISTRATION_PAGE);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const { directory } = context;
  // The offset is a user index: users without a record (or filtered out) are skipped, and the next page starts
  // at the first user beyond this page that has a matching record, so no page is empty.
  const value: GraphResource[] = [];
  let next: { collection: string; offset: number } | undefined;
  for (let index = offset; index < directory.userCount; index++) {
    const resource = registrationAt(directory, index);
    if (!resource || !matchesFilter(resource, filter)) continue;
    if (value.length === size) {
      next = { collection: collectionKey(req), offset: index };
      break;
    }
    value.push(project(resource, properties));
  }
  const contextName = `reports/authenticationMethods/userRegistrationDetails${contextSelection(query.select, properties)}`;
  return collectionPage(req, contextName, value, next);
}

function getRegistration(context: GraphHandlerContext, req: SimRequest, [id = '']: string[]): SimResponse {
  requirePremium(context);
  const query = readQueryOptions(req.url, '/reports/authenticationMethods/userRegistrationDetails/{id}', [
    'select',
  ]);
  const properties = selectedProperties(query.select, REGISTRATION_TYPE);
  const user = context.directory.findUser(id);
  const resource = user ? registrationAt(context.directory, user.index) : undefined;
  if (!resource) throw resourceNotFound(id);
  const contextName = metadataContext(req, 'reports/authenticationMethods/userRegistrationDetails/$entity');
  return ok(req, { '@odata.context': contextName, ...project(resource, properties) });
}

function listRoleDefinitions(_context: GraphHandlerContext, req: SimRequest): SimResponse {
  const query = readQueryOptions(req.url, '/roleManagement/directory/roleDefinitions', ['select']);
  const properties = selectedProperties(query.select, ROLE_DEFINITION_TYPE);
  const value = BUILT_IN_ROLES.map((role) => project(roleDefinitionResource(role), properties));
  const contextName = `roleManagement/directory/roleDefinitions${contextSelection(query.select, properties)}`;
  return collectionPage(req, contextName, value, undefined);
}

function getRoleDefinition(_context: GraphHandlerContext, req: SimRequest, [id = '']: string[]): SimResponse {
  const query = readQueryOptions(req.url, '/roleManagement/directory/roleDefinitions/{id}', ['select']);
  const properties = selectedProperties(query.select, ROLE_DEFINITION_TYPE);
  const role = BUILT_IN_ROLES.find((candidate) => candidate.templateId === id.toLowerCase());
  if (!role) throw resourceNotFound(id);
  const contextName = metadataContext(req, 'roleManagement/directory/roleDefinitions/$entity');
  return ok(req, { '@odata.context': contextName, ...project(roleDefinitionResource(role), properties) });
}

/** Shared by roleAssignments and roleEligibilitySchedules: $filter eq, $select, $expand=principal, paging. */
function listRoleRecords<T extends { principal: DirectoryPrincipal }>(
  req: SimRequest,
  route: string,
  records: readonly T[],
  type: EntityTypeCatalogue,
  toResource: (record: T) => GraphResource,
): SimResponse {
  const query = readQueryOptions(req.url, route, ['select', 'filter', 'expand', 'top', 'skiptoken']);
  const properties = selectedProperties(query.select, type);
  const filter = equalityFilter(query.filter, ROLE_FILTERABLE);
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
  const contextName = `${route.slice(1)}${contextSelection(query.select, properties)}`;
  return collectionPage(req, contextName, value, next);
}

function listRoleAssignments(context: GraphHandlerContext, req: SimRequest): SimResponse {
  return listRoleRecords(
    req,
    '/roleManagement/directory/roleAssignments',
    context.directory.roleAssignments(),
    ROLE_ASSIGNMENT_TYPE,
    (assignment) => roleAssignmentResource(assignment, context.tenantId),
  );
}

function listRoleEligibilitySchedules(context: GraphHandlerContext, req: SimRequest): SimResponse {
  if (!context.licences.p2) {
    throw new GraphError(
      400,
      'AadPremiumLicenseRequired',
      'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
    );
  }
  return listRoleRecords(
    req,
    '/roleManagement/directory/roleEligibilitySchedules',
    context.directory.roleEligibilities(),
    ROLE_ELIGIBILITY_SCHEDULE_TYPE,
    roleEligibilityScheduleResource,
  );
}

function getGroup(context: GraphHandlerContext, req: SimRequest, [id = '']: string[]): SimResponse {
  const query = readQueryOptions(req.url, '/groups/{id}', ['select']);
  const properties = selectedProperties(query.select, GROUP_TYPE);
  const group = context.directory.groupById(id);
  if (!group) throw resourceNotFound(id);
  const contextName = metadataContext(req, `groups${contextSelection(query.select, properties)}/$entity`);
  return ok(req, { '@odata.context': contextName, ...project(groupResource(group), properties) });
}

function listGroupMembers(context: GraphHandlerContext, req: SimRequest, [id = '']: string[]): SimResponse {
  const query = readQueryOptions(req.url, '/groups/{id}/members', ['select', 'top', 'skiptoken']);
  // Members are directoryObjects; the simulator's role-assignable groups hold users only.
  const properties = selectedProperties(query.select, USER_TYPE);
  const group = context.directory.groupById(id);
  if (!group) throw resourceNotFound(id);
  const size = pageSize(query.top, MEMBER_PAGE);
  const offset = decodeSkipToken(query.skiptoken, collectionKey(req));
  const { page, next } = pageOfList(group.memberIndices, offset, size, collectionKey(req));
  const value = page.map((index) => ({
    '@odata.type': '#microsoft.graph.user',
    ...project(userResource(context.directory.user(index)), properties),
  }));
  return collectionPage(req, `directoryObjects${contextSelection(query.select, properties)}`, value, next);
}
