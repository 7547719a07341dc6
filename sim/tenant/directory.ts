// The directory content of one generated tenant, produced on demand: users and registration records by index,
// the admin plan's groups, service principals, role assignments and eligibility schedules.
import {
  buildAdminPlan,
  type AdminPlan,
  type PlannedGroup,
  type PlannedServicePrincipal,
} from './admin-plan';
import type { PlannedUser } from './admin-plan';
import { REFERENCE_TIME_MS, roleAssignmentId, stableGuid, UserIdCodec } from './ids';
import { generateRegistration, type SimRegistration } from './registrations';
import { generateUser, type SimUser } from './users';

export interface DirectoryOptions {
  name: string;
  seed: number;
  users: number;
  domain: string;
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

export class SimDirectory {
  readonly userCount: number;
  readonly plan: AdminPlan;
  private readonly seed: number;
  private readonly domain: string;
  private readonly ids: UserIdCodec;
  private readonly plannedUsers: Map<number, PlannedUser>;
  /** Users the registration report flags isAdmin: active role holders, direct or through a group (not eligible). */
  private readonly reportAdmins: Set<number>;
  private readonly assignments: RoleAssignmentRecord[];
  private readonly eligibilities: RoleEligibilityRecord[];

  constructor(options: DirectoryOptions) {
    this.userCount = options.users;
    this.seed = options.seed;
    this.domain = options.domain;
    this.ids = new UserIdCodec(options.seed, options.name);
    this.plan = buildAdminPlan({
      name: options.name,
      seed: options.seed,
      users: options.users,
      p2: options.p2,
      scanningAppId: options.scanningAppId,
    });
    this.plannedUsers = new Map(this.plan.users.map((planned) => [planned.index, planned]));

    this.reportAdmins = new Set();
    this.assignments = [];
    this.eligibilities = [];
    for (const holding of this.plan.holdings) {
      const principal = this.principalOf(holding.principal);
      const principalId = principalIdOf(principal);
      if (holding.assignment === 'active') {
        for (const index of memberIndicesOf(principal)) this.reportAdmins.add(index);
        this.assignments.push({
          id: roleAssignmentId(holding.roleDefinitionId, principalId),
          roleDefinitionId: holding.roleDefinitionId,
          principalId,
          principal,
        });
      } else {
        this.eligibilities.push({
          id: stableGuid(options.seed, options.name, 'eligibility', holding.roleDefinitionId, principalId),
          roleDefinitionId: holding.roleDefinitionId,
          principalId,
          principal,
          createdDateTime: new Date(REFERENCE_TIME_MS - 200 * 86_400_000).toISOString().replace('.000Z', 'Z'),
        });
      }
    }
  }

  user(index: number): SimUser {
    const planned = this.plannedUsers.get(index);
    return generateUser({ seed: this.seed, domain: this.domain, ids: this.ids }, index, planned);
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

  roleAssignments(): readonly RoleAssignmentRecord[] {
    return this.assignments;
  }

  roleEligibilities(): readonly RoleEligibilityRecord[] {
    return this.eligibilities;
  }

  private principalOf(planned: AdminPlan['holdings'][number]['principal']): DirectoryPrincipal {
    switch (planned.kind) {
      case 'user':
        return { kind: 'user', user: this.user(planned.userIndex) };
      case 'group': {
        const group = this.plan.groups.find((g) => g.key === planned.groupKey);
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
