// Expected control results for a generated tenant, from the admin plan's own parameters (who holds which role and
// how, enabled or not, registered, licensed, synced, signed in, which Conditional Access policies exist). Never
// computed through src/controls/ nor by replaying Graph responses.
//
// "Now" is the generator's reference time (REFERENCE_TIME, 2026-01-01T00:00:00Z; GeneratedTenant.referenceTime),
// never the wall clock: a scan compared with this ground truth must evaluate ID-09 as of that instant. The result
// says so in `assumptions`.
import { expectedExchangeControls } from './ground-truth-exchange';
import type { ExpectedControl, ExpectedResults, SimTenant } from '../types';
import { SimDirectory } from './directory';
import { accountControls } from './ground-truth-accounts';
import { conditionalAccessControls } from './ground-truth-conditional-access';
import type { GroundTruthContext } from './ground-truth-context';
import { roleControls } from './ground-truth-roles';
import { REFERENCE_TIME_MS } from './ids';
import { describePopulation } from './population';
import { DEFAULT_PRIVILEGED_ROLE_IDS } from './role-definitions';
import { REFERENCE_TIME } from './time';

export { enabledGlobalAdministrators } from './ground-truth-roles';

export interface GroundTruthSettings {
  /** CONTROLS.md default [2, 4]. */
  globalAdminRange?: [number, number];
  /** Privileged role template ids; CONTROLS.md's default set. */
  privilegedRoles?: string[];
  /** UPNs exempt from ID-03, ID-08, ID-09 (compared case-insensitively); default: the sim's break-glass accounts. */
  breakGlass?: string[];
  /** CONTROLS.md default 90; the ground truth is exact from 30 days up (sign-ins.ts). */
  staleDays?: number;
}

export interface GroundTruthControl extends ExpectedControl {
  /** Why a control is error or skipped (for test messages). */
  reason?: string;
  /** ID-09: assetNames of the findings that carry severity "high" (privileged users), sorted. */
  highSeverityAssetNames?: string[];
  /** ID-06 when failing: display names of the uncovered privileged roles, sorted. */
  uncoveredRoles?: string[];
  /** ID-06 when failing: report-only policies that would otherwise qualify, sorted. */
  reportOnlyPolicies?: string[];
}

export interface GroundTruth extends ExpectedResults {
  controls: GroundTruthControl[];
  /** The settings and the "now" the results assume; configure a scan the same way to compare. */
  assumptions: {
    now: string;
    staleDays: number;
    breakGlass: string[];
    globalAdminRange: [number, number];
    privilegedRoles: string[];
  };
}

const DEFAULT_GLOBAL_ADMIN_RANGE: [number, number] = [2, 4];
const DEFAULT_STALE_DAYS = 90;

/** Expected results of every control of CONTROLS.md (Entra ID and Exchange Online). */
export function expectedResults(tenant: SimTenant, settings: GroundTruthSettings = {}): GroundTruth {
  const identity = expectedIdentityResults(tenant, settings);
  return { ...identity, controls: [...identity.controls, ...expectedExchangeControls(tenant)].sort(byId) };
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Expected results of the Entra ID controls only. Cheap at any size (it works from the admin plan), whereas the
 * Exchange part visits every mailbox.
 */
export function expectedIdentityResults(tenant: SimTenant, settings: GroundTruthSettings = {}): GroundTruth {
  const { licences } = tenant.options;
  const directory = new SimDirectory({
    name: tenant.options.name,
    seed: tenant.options.seed,
    users: tenant.options.users,
    domain: tenant.domain,
    p1: licences.p1,
    p2: licences.p2,
    scanningAppId: tenant.clientId,
  });
  const privilegedRoles = settings.privilegedRoles ?? [...DEFAULT_PRIVILEGED_ROLE_IDS];
  const population = describePopulation(directory, privilegedRoles);
  const breakGlass = settings.breakGlass ?? population.breakGlassUserPrincipalNames;
  const breakGlassNames = new Set(breakGlass.map((name) => name.toLowerCase()));
  const context: GroundTruthContext = {
    tenantName: tenant.options.name,
    licences,
    directory,
    users: population.users,
    privilegedRoles: privilegedRoles.map((id) => id.toLowerCase()),
    isBreakGlass: (userPrincipalName) => breakGlassNames.has(userPrincipalName.toLowerCase()),
    staleDays: settings.staleDays ?? DEFAULT_STALE_DAYS,
    nowMs: REFERENCE_TIME_MS,
    globalAdminRange: settings.globalAdminRange ?? DEFAULT_GLOBAL_ADMIN_RANGE,
  };

  const controls: GroundTruthControl[] = [
    ...roleControls(context),
    ...accountControls(context),
    ...conditionalAccessControls(context),
  ].sort(byId);
  return {
    tenant: { name: tenant.options.name, tenantId: tenant.tenantId },
    controls,
    assumptions: {
      now: REFERENCE_TIME,
      staleDays: context.staleDays,
      breakGlass: [...breakGlass],
      globalAdminRange: context.globalAdminRange,
      privilegedRoles: [...privilegedRoles],
    },
  };
}
