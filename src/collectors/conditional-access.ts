import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { DIRECTORY_USER_SELECT, isGraphUser, toDirectoryUser } from './directory-user';
import type { ProgressSink } from './progress';
import { requireString } from './role-grants';
import type {
  ConditionalAccessExclusions,
  ConditionalAccessPolicy,
  ConditionalAccessState,
  DirectoryUser,
} from './types';

type Json = Record<string, unknown>;

/** Every Conditional Access policy (any state) and whether security defaults are on. */
export async function collectConditionalAccess(
  graph: GraphClient,
  progress: ProgressSink,
): Promise<ConditionalAccessState> {
  const defaults = await graph.get<Json>('/policies/identitySecurityDefaultsEnforcementPolicy');
  if (typeof defaults.isEnabled !== 'boolean') {
    throw new GraphError(200, 'UnexpectedShape', 'isEnabled', 'security defaults have no boolean isEnabled');
  }
  const policies: ConditionalAccessPolicy[] = [];
  let pages = 0;
  for await (const page of graph.pages<Json>('/identity/conditionalAccess/policies')) {
    pages++;
    for (const item of page) policies.push(toPolicy(item));
    progress({ collector: 'conditionalAccessPolicies', pages, items: policies.length });
  }
  return { securityDefaultsEnabled: defaults.isEnabled, policies };
}

function toPolicy(item: Json): ConditionalAccessPolicy {
  const conditions = object(item.conditions);
  const users = object(conditions.users);
  const applications = object(conditions.applications);
  const locations = conditions.locations;
  const grant = item.grantControls;
  return {
    id: requireString(item.id, 'id'),
    displayName: requireString(item.displayName, 'displayName'),
    state: requireString(item.state, 'state'),
    users: {
      includeUsers: strings(users.includeUsers),
      excludeUsers: strings(users.excludeUsers),
      includeGroups: strings(users.includeGroups),
      excludeGroups: strings(users.excludeGroups),
      includeRoles: strings(users.includeRoles),
      excludeRoles: strings(users.excludeRoles),
      includeGuestsOrExternalUsers: users.includeGuestsOrExternalUsers ?? null,
      excludeGuestsOrExternalUsers: users.excludeGuestsOrExternalUsers ?? null,
    },
    includeApplications: strings(applications.includeApplications),
    excludeApplications: strings(applications.excludeApplications),
    clientAppTypes: strings(conditions.clientAppTypes),
    locations:
      typeof locations === 'object' && locations !== null
        ? {
            includeLocations: strings((locations as Json).includeLocations),
            excludeLocations: strings((locations as Json).excludeLocations),
          }
        : null,
    platforms: conditions.platforms ?? null,
    signInRiskLevels: strings(conditions.signInRiskLevels),
    userRiskLevels: strings(conditions.userRiskLevels),
    servicePrincipalRiskLevels: strings(conditions.servicePrincipalRiskLevels),
    insiderRiskLevels: conditions.insiderRiskLevels ?? null,
    devices: conditions.devices ?? null,
    authenticationFlows: conditions.authenticationFlows ?? null,
    clientApplications: conditions.clientApplications ?? null,
    grant:
      typeof grant === 'object' && grant !== null
        ? {
            operator:
              typeof (grant as Json).operator === 'string' ? ((grant as Json).operator as string) : 'OR',
            builtInControls: strings((grant as Json).builtInControls),
            authenticationStrength:
              typeof (grant as Json).authenticationStrength === 'object' &&
              (grant as Json).authenticationStrength !== null,
          }
        : null,
  };
}

/**
 * Resolves what the policies exclude: each excluded user id (a few) by a direct read, and the transitive user
 * members of each excluded group. Entries that are not object ids ("GuestsOrExternalUsers") are left out.
 */
export async function collectExclusions(
  graph: GraphClient,
  policies: readonly ConditionalAccessPolicy[],
  progress: ProgressSink,
): Promise<ConditionalAccessExclusions> {
  const userIds = new Set(policies.flatMap((p) => p.users.excludeUsers).filter(isObjectId));
  const groupIds = new Set(policies.flatMap((p) => p.users.excludeGroups).filter(isObjectId));
  const users = new Map<string, DirectoryUser | null>();
  for (const id of userIds) {
    try {
      const item = await graph.get<Json>(`/users/${encodeURIComponent(id)}?$select=${DIRECTORY_USER_SELECT}`);
      users.set(id, toDirectoryUser(item));
    } catch (err) {
      // A deleted user may linger in a policy's exclusions: it excludes nobody.
      if (err instanceof GraphError && err.status === 404) users.set(id, null);
      else throw err;
    }
  }
  const groupMembers = new Map<string, { displayName: string; members: DirectoryUser[] }>();
  let pages = 0;
  let items = 0;
  for (const groupId of groupIds) {
    let displayName = groupId;
    try {
      const group = await graph.get<Json>(`/groups/${encodeURIComponent(groupId)}?$select=id,displayName`);
      if (typeof group.displayName === 'string') displayName = group.displayName;
    } catch (err) {
      if (err instanceof GraphError && err.status === 404) {
        groupMembers.set(groupId, { displayName, members: [] });
        continue;
      }
      throw err;
    }
    const members: DirectoryUser[] = [];
    for await (const page of graph.pages<Json>(
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=${DIRECTORY_USER_SELECT}`,
    )) {
      pages++;
      items += page.length;
      for (const item of page) if (isGraphUser(item)) members.push(toDirectoryUser(item));
      progress({ collector: 'excludedGroupMembers', pages, items });
    }
    groupMembers.set(groupId, { displayName, members });
  }
  return { users, groupMembers };
}

function isObjectId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
