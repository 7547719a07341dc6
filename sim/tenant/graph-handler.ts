// Graph v1.0 for one generated tenant: routing, app-permission checks and method checks. The routes' handlers
// (graph-users.ts, graph-roles.ts, …) do licence checks, query options and paging. The caller (sim core) has
// verified the bearer token; everything after that happens here.
import type { AccessTokenClaims, SimRequest, SimResponse } from '../types';
import { badRequest, GraphError, graphErrorResponse, insufficientPrivileges } from './graph-errors';
import { getGroup, listGroupMembers, listGroupTransitiveMembers } from './graph-groups';
import {
  getConditionalAccessPolicy,
  getSecurityDefaults,
  listConditionalAccessPolicies,
  listSubscribedSkus,
} from './graph-policies';
import { getRegistration, listRegistrations } from './graph-reports';
import {
  getRoleDefinition,
  listRoleAssignments,
  listRoleAssignmentScheduleInstances,
  listRoleDefinitions,
  listRoleEligibilitySchedules,
} from './graph-roles';
import type { GraphHandlerContext, RouteHandler } from './graph-route-kit';
import { getUser, listUsers } from './graph-users';

export type { GraphHandlerContext } from './graph-route-kit';

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
const READ_ROLE_ASSIGNMENT_SCHEDULES = [
  'RoleAssignmentSchedule.Read.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
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
const READ_SUBSCRIBED_SKUS = [
  'LicenseAssignment.Read.All',
  'Organization.Read.All',
  'LicenseAssignment.ReadWrite.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const READ_CONDITIONAL_ACCESS = ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'];
const READ_SECURITY_DEFAULTS = ['Policy.Read.All', 'Policy.ReadWrite.SecurityDefaults'];

interface Route {
  /** Path segments after /v1.0; "{…}" is a parameter. Matched case-insensitively. */
  path: string[];
  permissions: readonly string[];
  handle: RouteHandler;
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
  {
    path: ['roleManagement', 'directory', 'roleAssignmentScheduleInstances'],
    permissions: READ_ROLE_ASSIGNMENT_SCHEDULES,
    handle: listRoleAssignmentScheduleInstances,
  },
  { path: ['groups', '{id}'], permissions: READ_GROUP_MEMBERS, handle: getGroup },
  { path: ['groups', '{id}', 'members'], permissions: READ_GROUP_MEMBERS, handle: listGroupMembers },
  {
    path: ['groups', '{id}', 'transitiveMembers'],
    permissions: READ_GROUP_MEMBERS,
    handle: listGroupTransitiveMembers,
  },
  { path: ['subscribedSkus'], permissions: READ_SUBSCRIBED_SKUS, handle: listSubscribedSkus },
  {
    path: ['identity', 'conditionalAccess', 'policies'],
    permissions: READ_CONDITIONAL_ACCESS,
    handle: listConditionalAccessPolicies,
  },
  {
    path: ['identity', 'conditionalAccess', 'policies', '{id}'],
    permissions: READ_CONDITIONAL_ACCESS,
    handle: getConditionalAccessPolicy,
  },
  {
    path: ['policies', 'identitySecurityDefaultsEnforcementPolicy'],
    permissions: READ_SECURITY_DEFAULTS,
    handle: getSecurityDefaults,
  },
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
  return match.route.handle(context, req, match.params, claims);
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
