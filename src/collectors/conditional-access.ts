import type { GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { DIRECTORY_USER_SELECT, isGraphUser, toDirectoryUser } from './directory-user';
import type { ProgressSink } from './progress';
import { graphShapeError, noteUnexpected, requireString, unexpectedPart } from './shape';
import type {
  ConditionalAccessExclusions,
  ConditionalAccessPolicy,
  ConditionalAccessState,
  DirectoryUser,
} from './types';

type Json = Record<string, unknown>;

const POLICIES = '/identity/conditionalAccess/policies';
const SECURITY_DEFAULTS = '/policies/identitySecurityDefaultsEnforcementPolicy';

/** Every Conditional Access policy (any state) and whether security defaults are on. */
export async function collectConditionalAccess(
  graph: GraphClient,
  progress: ProgressSink,
): Promise<ConditionalAccessState> {
  const defaults = await graph.get<Json>(SECURITY_DEFAULTS);
  if (typeof defaults.isEnabled !== 'boolean')
    throw graphShapeError(
      SECURITY_DEFAULTS,
      'security defaults',
      'isEnabled',
      defaults.isEnabled,
      'true or false',
    );
  const policies: ConditionalAccessPolicy[] = [];
  let pages = 0;
  for await (const page of graph.pages<Json>(POLICIES)) {
    pages++;
    for (const item of page) policies.push(toConditionalAccessPolicy(item));
    progress({ collector: 'conditionalAccessPolicies', pages, items: policies.length });
  }
  return { securityDefaultsEnabled: defaults.isEnabled, policies };
}

/**
 * A policy as the controls read it. id and displayName name it (required); the state is kept as sent (an unknown
 * one is for each control to weigh); conditions and grant controls in another shape than documented are noted in
 * `unexpected`, with empty typed values the controls must not judge by (ca-rules.ts checks).
 */
export function toConditionalAccessPolicy(item: Json): ConditionalAccessPolicy {
  const id = requireString(item.id, 'id', 'a Conditional Access policy', POLICIES);
  const displayName = requireString(
    item.displayName,
    'displayName',
    `Conditional Access policy ${id}`,
    POLICIES,
  );
  const notes: Record<string, string> = {};
  const state = typeof item.state === 'string' ? item.state : noteUnexpected(notes, 'state', item.state);
  const conditions = objectOf(notes, 'conditions', item.conditions);
  // Nothing is noted under a parent already noted.
  const users = conditions && objectOf(notes, 'conditions.users', conditions.users);
  const applications = conditions && objectOf(notes, 'conditions.applications', conditions.applications);
  const list = (parent: Json | null, path: string, key: string) => strings(notes, parent, path, key);
  const usersList = (key: string) => list(users, 'conditions.users', key);
  return {
    id,
    displayName,
    state,
    createdDateTime: isoDateOrNull(item.createdDateTime),
    modifiedDateTime: isoDateOrNull(item.modifiedDateTime),
    users: {
      includeUsers: usersList('includeUsers'),
      excludeUsers: usersList('excludeUsers'),
      includeGroups: usersList('includeGroups'),
      excludeGroups: usersList('excludeGroups'),
      includeRoles: usersList('includeRoles'),
      excludeRoles: usersList('excludeRoles'),
      includeGuestsOrExternalUsers: users?.includeGuestsOrExternalUsers ?? null,
      excludeGuestsOrExternalUsers: users?.excludeGuestsOrExternalUsers ?? null,
    },
    includeApplications: list(applications, 'conditions.applications', 'includeApplications'),
    excludeApplications: list(applications, 'conditions.applications', 'excludeApplications'),
    // Values this version does not know are kept: ca-rules.ts explains why they never leave a policy unjudgeable.
    clientAppTypes: list(conditions, 'conditions', 'clientAppTypes'),
    locations: locationsOf(notes, conditions?.locations),
    platforms: conditions?.platforms ?? null,
    signInRiskLevels: list(conditions, 'conditions', 'signInRiskLevels'),
    userRiskLevels: list(conditions, 'conditions', 'userRiskLevels'),
    servicePrincipalRiskLevels: list(conditions, 'conditions', 'servicePrincipalRiskLevels'),
    insiderRiskLevels: conditions?.insiderRiskLevels ?? null,
    devices: conditions?.devices ?? null,
    authenticationFlows: conditions?.authenticationFlows ?? null,
    clientApplications: conditions?.clientApplications ?? null,
    grant: grantOf(notes, item.grantControls),
    ...unexpectedPart(notes),
  };
}

/** An ISO date for display, or null: the dates are shown in the inventory, never judged. */
function isoDateOrNull(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

/** null: no location condition. Graph sends both lists whenever the condition is set. */
function locationsOf(notes: Record<string, string>, value: unknown): ConditionalAccessPolicy['locations'] {
  if (value === null || value === undefined) return null;
  const locations = objectOf(notes, 'conditions.locations', value);
  if (!locations) return null;
  return {
    includeLocations: strings(notes, locations, 'conditions.locations', 'includeLocations'),
    excludeLocations: strings(notes, locations, 'conditions.locations', 'excludeLocations'),
  };
}

/** null: the policy grants nothing (session controls only). The operator must be AND or OR, as documented. */
function grantOf(notes: Record<string, string>, value: unknown): ConditionalAccessPolicy['grant'] {
  if (value === null || value === undefined) return null;
  const grant = objectOf(notes, 'grantControls', value);
  if (!grant) return null;
  const operator =
    grant.operator === 'AND' || grant.operator === 'OR'
      ? grant.operator
      : (noteUnexpected(notes, 'grantControls.operator', grant.operator) ?? 'OR');
  const strength = grant.authenticationStrength;
  return {
    operator,
    builtInControls: strings(notes, grant, 'grantControls', 'builtInControls'),
    authenticationStrength: typeof strength === 'object' && strength !== null,
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
      const path = `/users/${encodeURIComponent(id)}`;
      const item = await graph.get<Json>(`${path}?$select=${DIRECTORY_USER_SELECT}`);
      users.set(id, toDirectoryUser(item, path));
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
    const path = `/groups/${encodeURIComponent(groupId)}/transitiveMembers`;
    for await (const page of graph.pages<Json>(`${path}?$select=${DIRECTORY_USER_SELECT}`)) {
      pages++;
      items += page.length;
      for (const item of page) if (isGraphUser(item)) members.push(toDirectoryUser(item, path));
      progress({ collector: 'excludedGroupMembers', pages, items });
    }
    groupMembers.set(groupId, { displayName, members });
  }
  return { users, groupMembers };
}

function isObjectId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** The object at `path`, or null (noted) when Graph sent anything else. */
function objectOf(notes: Record<string, string>, path: string, value: unknown): Json | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  return noteUnexpected(notes, path, value);
}

/**
 * A collection of strings Graph always sends (Nullable="false" in its metadata); anything else is noted. Nothing
 * is noted under a parent already noted (null).
 */
function strings(notes: Record<string, string>, parent: Json | null, path: string, key: string): string[] {
  if (parent === null) return [];
  const value = parent[key];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  noteUnexpected(notes, `${path}.${key}`, value);
  return [];
}
