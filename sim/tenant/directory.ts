// The directory content of one generated tenant, produced on demand: users and registration records by index,
// the admin plan's groups, service principals, role assignments, PIM schedules, and Conditional Access.
import {
  buildAdminPlan,
  type ActiveSchedule,
  type AdminPlan,
  type PlannedGroup,
  type PlannedServicePrincipal,
  type PlannedUser,
} from './admin-plan';
import { buildConditionalAccess, type ConditionalAccessPlan } from './conditional-access';
import { REFERENCE_TIME_MS, roleAssignmentId, stableGuid, UserIdCodec } from './ids';
import { generateRegistration, type SimRegistration } from './registrations';
import { DAY_MS, graphDateTime, HOUR_MS } from './time';
import { generateUser, type SimUser } from './users';

export interface DirectoryOptions {
  name: string;
  seed: number;
  users: number;
  domain: string;
  p1: boolean;
  p2: boolean;
  scanningAppId: string;
}

export type DirectoryPrincipal =
  | { kind: 'user'; user: SimUser }
  | { kind: 'group'; group: PlannedGroup }
  | { kind: 'servicePrincipal'; servicePrincipal: PlannedServicePrincipal };

export interface RoleAssignmentRecord {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  principal: DirectoryPrincipal;
}

export interface RoleEligibilityRecord {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  principal: DirectoryPrincipal;
  createdDateTime: string;
}

/** An active assignment as PIM lists it (roleAssignmentScheduleInstances). */
export interface RoleAssignmentInstanceRecord extends RoleAssignmentRecord {
  assignmentType: 'Assigned' | 'Activated';
  /** Groups are assigned directly; their members inherit through the group (expand it). */
  memberType: 'Direct';
  /** null for assignments made before PIM (the automation service principal's). */
  startDateTime: string | null;
  /** null = permanent. */
  endDateTime: string | null;
  roleAssignmentScheduleId: string;
}

/** A group member as /members and /transitiveMembers list it. */
export type GroupMember = { kind: 'user'; user: SimUser } | { kind: 'group'; group: PlannedGroup };

export class SimDirectory {
  readonly userCount: number;
  readonly plan: AdminPlan;
  readonly conditionalAccess: ConditionalAccessPlan;
  private readonly seed: number;
  private readonly domain: string;
  private readonly licences: { p1: boolean; p2: boolean };
  private readonly ids: UserIdCodec;
  private readonly plannedUsers: Map<number, PlannedUser>;
  private readonly groupsByKey: Map<string, PlannedGroup>;
  /** Users the registration report flags isAdmin: active role holders, direct or through a group (not eligible). */
  private readonly reportAdmins: Set<number>;
  private readonly assignments: RoleAssignmentRecord[];
  private readonly instances: RoleAssignmentInstanceRecord[];
  private readonly eligibilities: RoleEligibilityRecord[];

  constructor(options: DirectoryOptions) {
    this.userCount = options.users;
    this.seed = options.seed;
    this.domain = options.domain;
    this.licences = { p1: options.p1, p2: options.p2 };
    this.ids = new UserIdCodec(options.seed, options.name);
    this.plan = buildAdminPlan({
      name: options.name,
      seed: options.seed,
      users: options.users,
      p1: options.p1,
      p2: options.p2,
      scanningAppId: options.scanningAppId,
    });
    this.plannedUsers = new Map(this.plan.users.map((planned) => [planned.index, planned]));
    this.groupsByKey = new Map(this.plan.groups.map((group) => [group.key, group]));
    this.conditionalAccess = buildConditionalAccess(
      { name: options.name, seed: options.seed, p1: options.p1, p2: options.p2 },
      this.plan,
      (index) => this.ids.idOf(index),
    );

    this.reportAdmins = new Set();
    this.assignments = [];
    this.instances = [];
    this.eligibilities = [];
    for (const holding of this.plan.holdings) {
      const principal = this.principalOf(holding.principal);
      const principalId = principalIdOf(principal);
      if (holding.assignment === 'active') {
        for (const index of memberIndicesOf(principal)) this.reportAdmins.add(index);
        const assignment: RoleAssignmentRecord = {
          id: roleAssignmentId(holding.roleDefinitionId, principalId),
          roleDefinitionId: holding.roleDefinitionId,
          principalId,
          principal,
        };
        this.assignments.push(assignment);
        this.instances.push(
          instanceOf(assignment, holding.schedule ?? 'permanent', options, holding.principal.kind),
        );
      } else {
        this.eligibilities.push({
          id: stableGuid(options.seed, options.name, 'eligibility', holding.roleDefinitionId, principalId),
          roleDefinitionId: holding.roleDefinitionId,
          principalId,
          principal,
          createdDateTime: graphDateTime(REFERENCE_TIME_MS - 200 * DAY_MS),
        });
      }
    }
  }

  user(index: number): SimUser {
    const planned = this.plannedUsers.get(index);
    const context = { seed: this.seed, domain: this.domain, ids: this.ids, licences: this.licences };
    return generateUser(context, index, planned);
  }

  /** The index whose user has this object id, or undefined. */
  userIndexOf(id: string): number | undefined {
    return this.ids.indexOf(id, this.userCount);
  }

  /** The user with this object id or UPN (case-insensitive), or undefined. */
  findUser(idOrUserPrincipalName: string): SimUser | undefined {
    const byId = this.ids.indexOf(idOrUserPrincipalName, this.userCount);
    if (byId !== undefined) return this.user(byId);
    // Generated UPNs end their local part (before "@", or before "_home#EXT#" for guests) with the user index.
    const match = /^[^@_]*?(\d+)(?:_[^@]*)?@/.exec(idOrUserPrincipalName);
    if (!match?.[1]) return undefined;
    const index = Number(match[1]);
    if (!Number.isSafeInteger(index) || index >= this.userCount) return undefined;
    const candidate = this.user(index);
    return candidate.userPrincipalName.toLowerCase() === idOrUserPrincipalName.toLowerCase()
      ? candidate
      : undefined;
  }

  /** The registration report's record of `user` (from user(index)), or null when the report has none. */
  registrationOf(user: SimUser): SimRegistration | null {
    const planned = this.plannedUsers.get(user.index)?.registration;
    return generateRegistration(this.seed, user, this.reportAdmins.has(user.index), planned);
  }

  groupById(id: string): PlannedGroup | undefined {
    return this.plan.groups.find((group) => group.id === id.toLowerCase());
  }

  /** Direct members: users first, then groups. */
  groupMembers(group: PlannedGroup): GroupMember[] {
    return [
      ...group.memberIndices.map((index): GroupMember => ({ kind: 'user', user: this.user(index) })),
      ...group.memberGroupKeys.flatMap((key): GroupMember[] => {
        const member = this.groupsByKey.get(key);
        return member ? [{ kind: 'group', group: member }] : [];
      }),
    ];
  }

  /** Every user and group below `group`, each once, breadth first (as Graph's transitiveMembers). */
  transitiveGroupMembers(group: PlannedGroup): GroupMember[] {
    const result: GroupMember[] = [];
    const seenUsers = new Set<number>();
    const seenGroups = new Set<string>([group.key]);
    const queue: PlannedGroup[] = [group];
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const member of this.groupMembers(next)) {
        if (member.kind === 'user') {
          if (seenUsers.has(member.user.index)) continue;
          seenUsers.add(member.user.index);
        } else {
          if (seenGroups.has(member.group.key)) continue;
          seenGroups.add(member.group.key);
          queue.push(member.group);
        }
        result.push(member);
      }
    }
    return result;
  }

  roleAssignments(): readonly RoleAssignmentRecord[] {
    return this.assignments;
  }

  roleAssignmentScheduleInstances(): readonly RoleAssignmentInstanceRecord[] {
    return this.instances;
  }

  roleEligibilities(): readonly RoleEligibilityRecord[] {
    return this.eligibilities;
  }

  private principalOf(planned: AdminPlan['holdings'][number]['principal']): DirectoryPrincipal {
    switch (planned.kind) {
      case 'user':
        return { kind: 'user', user: this.user(planned.userIndex) };
      case 'group': {
        const group = this.groupsByKey.get(planned.groupKey);
        if (!group) throw new Error(`admin plan: unknown group ${planned.groupKey}`);
        return { kind: 'group', group };
      }
      case 'servicePrincipal': {
        const servicePrincipal = this.plan.servicePrincipals.find(
          (sp) => sp.key === planned.servicePrincipalKey,
        );
        if (!servicePrincipal)
          throw new Error(`admin plan: unknown service principal ${planned.servicePrincipalKey}`);
        return { kind: 'servicePrincipal', servicePrincipal };
      }
    }
  }
}

/** PIM's view of an active assignment: when it started and ends, and whether it was assigned or activated. */
function instanceOf(
  assignment: RoleAssignmentRecord,
  schedule: ActiveSchedule,
  options: DirectoryOptions,
  principalKind: 'user' | 'group' | 'servicePrincipal',
): RoleAssignmentInstanceRecord {
  const pimScheduleId = stableGuid(options.seed, options.name, 'assignment-schedule', assignment.id);
  const base = { ...assignment, memberType: 'Direct' as const };
  switch (schedule) {
    case 'permanent':
      return {
        ...base,
        assignmentType: 'Assigned',
        startDateTime:
          principalKind === 'servicePrincipal' ? null : graphDateTime(REFERENCE_TIME_MS - 300 * DAY_MS),
        endDateTime: null,
        roleAssignmentScheduleId: assignment.id,
      };
    case 'timeBound':
      return {
        ...base,
        assignmentType: 'Assigned',
        startDateTime: graphDateTime(REFERENCE_TIME_MS - 60 * DAY_MS),
        endDateTime: graphDateTime(REFERENCE_TIME_MS + 30 * DAY_MS),
        roleAssignmentScheduleId: pimScheduleId,
      };
    case 'activated':
      return {
        ...base,
        assignmentType: 'Activated',
        startDateTime: graphDateTime(REFERENCE_TIME_MS - 2 * HOUR_MS),
        endDateTime: graphDateTime(REFERENCE_TIME_MS + 6 * HOUR_MS),
        roleAssignmentScheduleId: pimScheduleId,
      };
  }
}

function principalIdOf(principal: DirectoryPrincipal): string {
  switch (principal.kind) {
    case 'user':
      return principal.user.id;
    case 'group':
      return principal.group.id;
    case 'servicePrincipal':
      return principal.servicePrincipal.id;
  }
}

function memberIndicesOf(principal: DirectoryPrincipal): number[] {
  if (principal.kind === 'user') return [principal.user.index];
  if (principal.kind === 'group') return principal.group.memberIndices;
  return [];
}
