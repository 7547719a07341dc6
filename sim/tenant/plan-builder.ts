// The mechanics shared by the admin plan's features: picking user indices from the plan's random stream, role
// holdings, groups, and what each feature declares it means to produce (tests check the ground truth against it).
import { seededRandom, stableGuid, type SeededRandom } from './ids';
import type { PlannedRegistration } from './registrations';
import type { PlannedSignIn } from './sign-ins';
import type { PlannedLicence } from './skus';
import { daysBeforeReference, graphDateTime } from './time';
import { naturalUserTraits, type UserType } from './users';

const STREAM_PLAN = 0xad;

export interface AdminPlanInput {
  name: string;
  seed: number;
  users: number;
  /** Entra ID P1: Conditional Access and sign-in activity. */
  p1: boolean;
  /** Entra ID P2 (PIM): without it no eligible, time-bound or activated holdings exist. */
  p2: boolean;
  /** appId of the tenant's scanning app (its service principal holds Global Reader, as Exchange needs). */
  scanningAppId: string;
}

export interface PlannedUser {
  index: number;
  /** Why the user exists in the plan, e.g. "global-admin-2" (stable across seeds; useful in test messages). */
  label: string;
  accountEnabled: boolean;
  userType: UserType;
  registration: PlannedRegistration;
  /** Created within the last days (users without a registration record are new ones). */
  isNew: boolean;
  /** An emergency access account (exempt from ID-03, ID-08, ID-09; the only users an ID-07 policy may exclude). */
  breakGlass: boolean;
  displayName?: string;
  /** Days before the reference time; null = a null createdDateTime. Absent: the generated date. */
  createdDaysAgo?: number | null;
  /** Planned users are cloud-only (null) unless the plan says otherwise. */
  onPremisesSyncEnabled: boolean | null;
  /** Licences of planned users are always the plan's (none unless it says so). */
  licences: PlannedLicence[];
  /** Absent: generated like an ordinary user's (enabled members always signed in recently). */
  signIn?: PlannedSignIn;
}

export type UserTraits = Partial<
  Pick<
    PlannedUser,
    | 'accountEnabled'
    | 'userType'
    | 'breakGlass'
    | 'displayName'
    | 'createdDaysAgo'
    | 'onPremisesSyncEnabled'
    | 'licences'
    | 'signIn'
  >
>;

export type PlannedPrincipal =
  | { kind: 'user'; userIndex: number }
  | { kind: 'group'; groupKey: string }
  | { kind: 'servicePrincipal'; servicePrincipalKey: string };

export type AssignmentKind = 'active' | 'eligible';

/**
 * How PIM shows an active holding (roleAssignmentScheduleInstances): a permanent assignment (assignmentType
 * Assigned, endDateTime null), a time-bound one (Assigned with an end) or a PIM activation of an eligibility.
 */
export type ActiveSchedule = 'permanent' | 'timeBound' | 'activated';

export interface PlannedRoleHolding {
  roleDefinitionId: string;
  principal: PlannedPrincipal;
  assignment: AssignmentKind;
  /** Active holdings only. */
  schedule?: ActiveSchedule;
}

export interface PlannedGroup {
  key: string;
  id: string;
  displayName: string;
  description: string;
  mailNickname: string;
  createdDateTime: string;
  /** Role-assignable groups hold directory roles (and cannot contain groups). */
  isAssignableToRole: boolean;
  memberIndices: number[];
  /** Direct member groups (Conditional Access exclusions apply through them transitively). */
  memberGroupKeys: string[];
}

/** What the plan's features mean to produce, by user label (at the default settings of CONTROLS.md). */
export interface DeclaredOutcomes {
  /** ID-04: enabled privileged users with a licence that gives a mailbox. */
  mailboxAdmins: string[];
  /** ID-05: enabled privileged users synchronised from on-premises. */
  syncedAdmins: string[];
  /** ID-09: enabled members (not break-glass) without a sign-in in 90 days, privileged ones included. */
  staleMembers: string[];
  /** ID-09: the privileged ones among staleMembers (findings of severity high). */
  stalePrivileged: string[];
  /** ID-03: users whose privileged roles are all just-in-time (time-bound or activated): never a finding. */
  justInTimeAdmins: string[];
}

/** Room for planned users: a tenant keeps at least a tenth of its users (and 2) ordinary. */
export function planCapacity(users: number): number {
  return users - Math.max(2, Math.floor(users / 10));
}

export class PlanBuilder {
  readonly input: AdminPlanInput;
  readonly random: SeededRandom;
  readonly users: PlannedUser[] = [];
  readonly holdings: PlannedRoleHolding[] = [];
  readonly groups: PlannedGroup[] = [];
  readonly features: string[] = [];
  readonly declared: DeclaredOutcomes = {
    mailboxAdmins: [],
    syncedAdmins: [],
    staleMembers: [],
    stalePrivileged: [],
    justInTimeAdmins: [],
  };
  private readonly taken = new Set<number>();

  constructor(input: AdminPlanInput) {
    this.input = input;
    this.random = seededRandom(input.seed, STREAM_PLAN, input.users);
  }

  /** Runs `build` when `size` more planned users fit the tenant (small tenants get fewer features). */
  feature(name: string, size: number, build: () => void): void {
    if (this.users.length + size > planCapacity(this.input.users)) return;
    this.features.push(name);
    build();
  }

  /** A user at the next free random index (the original picking; kept so existing tenants keep their users). */
  addUser(label: string, registration: PlannedRegistration, traits: UserTraits = {}): number {
    let index = this.random.below(this.input.users);
    while (this.taken.has(index)) index = (index + 1) % this.input.users;
    return this.place(index, label, registration, traits);
  }

  /**
   * A user at a random index whose generated traits (type, enabled, new) already match the plan's, so that the
   * plan changes as little as possible of the ordinary population (UPNs of guests and members differ).
   */
  addNaturalUser(label: string, registration: PlannedRegistration, traits: UserTraits = {}): number {
    const wanted = {
      userType: traits.userType ?? 'Member',
      accountEnabled: traits.accountEnabled ?? true,
      isNew: registration === 'noRecord',
    };
    const start = this.random.below(this.input.users);
    let fallback: number | undefined;
    for (let step = 0; step < this.input.users; step++) {
      const index = (start + step) % this.input.users;
      if (this.taken.has(index)) continue;
      fallback ??= index;
      const natural = naturalUserTraits(this.input.seed, index);
      if (
        natural.userType === wanted.userType &&
        natural.accountEnabled === wanted.accountEnabled &&
        natural.isNew === wanted.isNew
      ) {
        return this.place(index, label, registration, traits);
      }
    }
    if (fallback === undefined) throw new RangeError(`admin plan: no free user for ${label}`);
    return this.place(fallback, label, registration, traits);
  }

  private place(index: number, label: string, registration: PlannedRegistration, traits: UserTraits): number {
    this.taken.add(index);
    this.users.push({
      index,
      label,
      accountEnabled: traits.accountEnabled ?? true,
      userType: traits.userType ?? 'Member',
      registration,
      isNew: registration === 'noRecord',
      breakGlass: traits.breakGlass ?? false,
      ...(traits.displayName !== undefined ? { displayName: traits.displayName } : {}),
      ...(traits.createdDaysAgo !== undefined ? { createdDaysAgo: traits.createdDaysAgo } : {}),
      onPremisesSyncEnabled: traits.onPremisesSyncEnabled ?? null,
      licences: traits.licences ?? [],
      ...(traits.signIn !== undefined ? { signIn: traits.signIn } : {}),
    });
    return index;
  }

  userByLabel(label: string): PlannedUser | undefined {
    return this.users.find((user) => user.label === label);
  }

  /** Without P2 there is no PIM: eligible holdings and activations vanish, time-bound ones are plain assignments. */
  hold(
    roleDefinitionId: string,
    principal: PlannedPrincipal,
    assignment: AssignmentKind,
    schedule: ActiveSchedule = 'permanent',
  ): void {
    if (assignment === 'eligible') {
      if (this.input.p2) this.holdings.push({ roleDefinitionId, principal, assignment });
      return;
    }
    if (schedule === 'activated' && !this.input.p2) return;
    const effective: ActiveSchedule = this.input.p2 ? schedule : 'permanent';
    this.holdings.push({ roleDefinitionId, principal, assignment, schedule: effective });
  }

  makeGroup(
    key: string,
    displayName: string,
    description: string,
    members: { users: number[]; groups?: string[]; roleAssignable?: boolean },
  ): PlannedGroup {
    const group: PlannedGroup = {
      key,
      id: stableGuid(this.input.seed, this.input.name, 'group', key),
      displayName,
      description,
      mailNickname: displayName.replace(/[^A-Za-z0-9]/g, '') || key.replace(/[^A-Za-z0-9]/g, ''),
      createdDateTime: graphDateTime(daysBeforeReference(400)),
      isAssignableToRole: members.roleAssignable ?? false,
      memberIndices: members.users,
      memberGroupKeys: members.groups ?? [],
    };
    this.groups.push(group);
    return group;
  }
}

export const userPrincipal = (userIndex: number): PlannedPrincipal => ({ kind: 'user', userIndex });
export const groupPrincipal = (groupKey: string): PlannedPrincipal => ({ kind: 'group', groupKey });
