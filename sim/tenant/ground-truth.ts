// Expected control results for a generated tenant, from the admin plan's own parameters (who holds which role,
// enabled or not, registered or not). Never computed through src/controls/ nor by replaying Graph responses.
import type { ExpectedControl, ExpectedResults, SimTenant } from '../types';
import { SimDirectory } from './directory';
import { describePopulation, type PlannedUserDescription } from './population';
import { DEFAULT_PRIVILEGED_ROLE_IDS, GLOBAL_ADMINISTRATOR } from './role-definitions';

export interface GroundTruthSettings {
  /** CONTROLS.md default [2, 4]. */
  globalAdminRange?: [number, number];
  /** Privileged role template ids; CONTROLS.md's default set. */
  privilegedRoles?: string[];
}

const DEFAULT_GLOBAL_ADMIN_RANGE: [number, number] = [2, 4];

export function expectedResults(tenant: SimTenant, settings: GroundTruthSettings = {}): ExpectedResults {
  const directory = new SimDirectory({
    name: tenant.options.name,
    seed: tenant.options.seed,
    users: tenant.options.users,
    domain: tenant.domain,
    p2: tenant.options.licences.p2,
    scanningAppId: tenant.clientId,
  });
  const population = describePopulation(directory, settings.privilegedRoles ?? DEFAULT_PRIVILEGED_ROLE_IDS);
  const controls = [
    privilegedUsersRegisteredForMfa(tenant, population.users),
    globalAdministratorCountInRange(
      tenant,
      population.users,
      settings.globalAdminRange ?? DEFAULT_GLOBAL_ADMIN_RANGE,
    ),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { tenant: { name: tenant.options.name, tenantId: tenant.tenantId }, controls };
}

/** CRW-ID-01: one finding per enabled privileged user (member or guest) not registered or without a record. */
function privilegedUsersRegisteredForMfa(
  tenant: SimTenant,
  users: PlannedUserDescription[],
): ExpectedControl {
  const { p1, p2 } = tenant.options.licences;
  // Without any premium licence the registration report is refused (403), so the control cannot be evaluated.
  if (!p1 && !p2) return { id: 'CRW-ID-01', status: 'error', findingAssetNames: [] };
  const findingAssetNames = users
    .filter((user) => user.privileged && user.accountEnabled && user.registration !== 'registered')
    .map((user) => user.userPrincipalName)
    .sort();
  return { id: 'CRW-ID-01', status: findingAssetNames.length > 0 ? 'fail' : 'pass', findingAssetNames };
}

/** CRW-ID-02: distinct enabled users holding Global Administrator in any way, against the range. */
function globalAdministratorCountInRange(
  tenant: SimTenant,
  users: PlannedUserDescription[],
  [min, max]: [number, number],
): ExpectedControl {
  const count = enabledGlobalAdministrators(users).length;
  const inRange = count >= min && count <= max;
  return {
    id: 'CRW-ID-02',
    status: inRange ? 'pass' : 'fail',
    findingAssetNames: inRange ? [] : [tenant.options.name],
  };
}

/** Enabled users holding Global Administrator (active, eligible, through a group), each once. */
export function enabledGlobalAdministrators(users: PlannedUserDescription[]): PlannedUserDescription[] {
  return users.filter(
    (user) =>
      user.accountEnabled && user.roles.some((role) => role.roleDefinitionId === GLOBAL_ADMINISTRATOR),
  );
}
