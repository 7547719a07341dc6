// createSimTenant: a deterministic generated tenant (directory content is a pure function of its options) that
// answers Graph v1.0 requests for itself.
import type { AccessTokenClaims, SimRequest, SimResponse, SimTenant, SimTenantOptions } from '../types';
import { MIN_USERS_FOR_ADMIN_PLAN } from './admin-plan';
import { SimDirectory } from './directory';
import { createGraphHandler, type GraphHandler } from './graph-handler';
import { tenantIdentifiers } from './ids';
import { describePopulation, type PopulationDescription } from './population';
import { REFERENCE_TIME } from './time';
import type { ConditionalAccessProfile, DeclaredConditionalAccess, PolicyState } from './conditional-access';

export {
  expectedIdentityResults,
  expectedResults,
  type GroundTruth,
  type GroundTruthControl,
  type GroundTruthSettings,
} from './ground-truth';
export type {
  GroupDescription,
  PopulationDescription,
  PlannedUserDescription,
  RoleHoldingDescription,
} from './population';
export { REFERENCE_TIME } from './time';
export type { DeclaredOutcomes } from './admin-plan';
export type { ConditionalAccessProfile, DeclaredConditionalAccess } from './conditional-access';

/** Every read permission the 16 controls need (Exchange.ManageAsApp applies to Exchange tokens only). */
export const DEFAULT_GRANTED_PERMISSIONS: readonly string[] = [
  'User.Read.All',
  'AuditLog.Read.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'RoleAssignmentSchedule.Read.Directory',
  'GroupMember.Read.All',
  'Organization.Read.All',
  'Policy.Read.All',
  'MailboxSettings.Read',
  'Exchange.ManageAsApp',
];

export interface TenantDescription extends PopulationDescription {
  name: string;
  tenantId: string;
  clientId: string;
  domain: string;
  userCount: number;
  licences: { p1: boolean; p2: boolean };
  /** "Now" of the generated directory: every date is relative to it (see ground-truth.ts). */
  referenceTime: string;
  conditionalAccess: {
    profile: ConditionalAccessProfile;
    securityDefaultsEnabled: boolean;
    policies: Array<{ id: string; displayName: string; state: PolicyState }>;
    /** What the profile means ID-06, ID-07, ID-08 and ID-10 to give at the full plan (conditional-access.ts). */
    declared: DeclaredConditionalAccess;
  };
}

export interface GeneratedTenant extends SimTenant {
  /** The reference time every generated date is relative to: the "now" of the ground truth. */
  readonly referenceTime: string;
  /** The admin plan resolved to users: who is privileged, how, enabled, registered. */
  describe(): TenantDescription;
}

export function normalizeTenantOptions(options: SimTenantOptions): SimTenant['options'] {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(options.name)) {
    throw new TypeError(
      `Tenant name "${options.name}" must be letters, digits and "-" (it becomes a domain label).`,
    );
  }
  if (!Number.isSafeInteger(options.seed))
    throw new TypeError(`Tenant seed must be an integer (got ${options.seed}).`);
  if (!Number.isSafeInteger(options.users) || options.users < MIN_USERS_FOR_ADMIN_PLAN) {
    throw new RangeError(
      `Tenant "${options.name}": users must be an integer of at least ${MIN_USERS_FOR_ADMIN_PLAN} (got ${options.users}).`,
    );
  }
  return {
    name: options.name,
    seed: options.seed,
    users: options.users,
    credential: options.credential,
    licences: { p1: options.licences?.p1 ?? true, p2: options.licences?.p2 ?? true },
    grantedPermissions: [...(options.grantedPermissions ?? DEFAULT_GRANTED_PERMISSIONS)],
  };
}

export function createSimTenant(options: SimTenantOptions): GeneratedTenant {
  const normalized = normalizeTenantOptions(options);
  const { tenantId, clientId, domain } = tenantIdentifiers(normalized.name, normalized.seed);
  const directory = new SimDirectory({
    name: normalized.name,
    seed: normalized.seed,
    users: normalized.users,
    domain,
    p1: normalized.licences.p1,
    p2: normalized.licences.p2,
    scanningAppId: clientId,
  });
  const graph: GraphHandler = createGraphHandler({
    directory,
    tenantId,
    tenantName: normalized.name,
    seed: normalized.seed,
    licences: normalized.licences,
  });

  return {
    options: normalized,
    tenantId,
    clientId,
    domain,
    referenceTime: REFERENCE_TIME,
    handleGraph: (req: SimRequest, claims: AccessTokenClaims): SimResponse => graph(req, claims),
    describe: (): TenantDescription => ({
      name: normalized.name,
      tenantId,
      clientId,
      domain,
      userCount: normalized.users,
      licences: { ...normalized.licences },
      referenceTime: REFERENCE_TIME,
      conditionalAccess: {
        profile: directory.conditionalAccess.profile,
        securityDefaultsEnabled: directory.conditionalAccess.securityDefaultsEnabled,
        policies: directory.conditionalAccess.policies.map(({ id, displayName, state }) => ({
          id,
          displayName,
          state,
        })),
        declared: structuredClone(directory.conditionalAccess.declared),
      },
      ...describePopulation(directory),
    }),
  };
}
