// sim/tenant for the Entra ID controls: the Graph endpoints they read (users with licences, sync and sign-ins,
// PIM schedule instances, SKUs, Conditional Access, security defaults, nested groups), licence gaps, hostile data,
// sizes from 10 to 1,000,000 users, and the ground truth of CRW-ID-01 … CRW-ID-10 against the plan's parameters.
import { validateGraphRequest, validateGraphResource } from '../sim/graph-metadata';
import type { AccessTokenClaims, SimResponse } from '../sim/types';
import {
  createSimTenant,
  DEFAULT_GRANTED_PERMISSIONS,
  expectedIdentityResults,
  expectedResults,
  REFERENCE_TIME,
  type GeneratedTenant,
  type GroundTruth,
  type GroundTruthControl,
  type GroundTruthSettings,
} from '../sim/tenant';
import { LONG_DISPLAY_NAME } from '../sim/tenant/hygiene-plan';
import { encodeSkipToken } from '../sim/tenant/graph-query';
import {
  builtInRole,
  DEFAULT_PRIVILEGED_ROLE_IDS,
  GLOBAL_ADMINISTRATOR,
} from '../sim/tenant/role-definitions';
import { SKUS } from '../sim/tenant/skus';
import { graphClaimsFor } from './helpers/sim-fixtures';

const ORIGIN = 'https://127.0.0.1:8443';
const DAY_MS = 86_400_000;
const NOW_MS = Date.parse(REFERENCE_TIME);

type Json = Record<string, unknown>;

function tenantOf(
  seed: number,
  extra: { users?: number; p1?: boolean; p2?: boolean; name?: string } = {},
): GeneratedTenant {
  return createSimTenant({
    name: extra.name ?? `tenant${seed}`,
    seed,
    users: extra.users ?? 200,
    credential: 'secret',
    licences: { p1: extra.p1 ?? true, p2: extra.p2 ?? true },
  });
}

function claimsFor(tenant: GeneratedTenant, roles: readonly string[]): AccessTokenClaims {
  return graphClaimsFor(tenant, roles);
}

async function call(
  tenant: GeneratedTenant,
  pathAndQuery: string,
  roles: readonly string[] = DEFAULT_GRANTED_PERMISSIONS,
): Promise<SimResponse> {
  const url = pathAndQuery.startsWith('https://')
    ? new URL(pathAndQuery)
    : new URL(`${ORIGIN}${pathAndQuery}`);
  return tenant.handleGraph(
    { method: 'GET', url, headers: {}, body: Buffer.alloc(0) },
    claimsFor(tenant, roles),
  );
}

const bodyOf = (response: SimResponse): Json => response.body as Json;

function itemsOf(response: SimResponse): Json[] {
  expect([response.status, bodyOf(response).error]).toEqual([200, undefined]);
  return bodyOf(response).value as Json[];
}

function errorOf(response: SimResponse): { code: string; message: string } {
  return (bodyOf(response).error ?? {}) as { code: string; message: string };
}

async function fetchAll(tenant: GeneratedTenant, pathAndQuery: string): Promise<Json[]> {
  const items: Json[] = [];
  let link: string | undefined = `${ORIGIN}${pathAndQuery}`;
  while (link) {
    const response = await call(tenant, link);
    items.push(...itemsOf(response));
    link = bodyOf(response)['@odata.nextLink'] as string | undefined;
  }
  return items;
}

function control(results: GroundTruth, id: string): GroundTruthControl {
  const found = results.controls.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no ${id} in the ground truth`);
  return found;
}

const sorted = (names: string[]): string[] => [...names].sort();

/** Every served resource uses only properties Graph v1.0 declares (shared/reference CSDL). */
function expectValid(type: string, resources: Json[]): void {
  expect(resources.flatMap((resource) => validateGraphResource(type, resource))).toEqual([]);
}

describe('GET /v1.0/users: licences, directory sync and sign-in activity', () => {
  const tenant = tenantOf(1);
  const everything =
    'id,userPrincipalName,displayName,mail,accountEnabled,userType,createdDateTime,onPremisesSyncEnabled,' +
    'assignedLicenses,signInActivity';

  it('serves the selected properties in Graph’s shapes', async () => {
    const users = await fetchAll(tenant, `/v1.0/users?$select=${everything}&$top=500`);
    expect(users).toHaveLength(200);
    expectValid('microsoft.graph.user', users);
    for (const user of users) expect(Object.keys(user)).toEqual(everything.split(','));
    const licences = users.flatMap((user) => user.assignedLicenses as Json[]);
    expect(licences.length).toBeGreaterThan(100);
    const skuIds = new Set(Object.values(SKUS).map((sku) => sku.skuId));
    for (const licence of licences) {
      expect(Object.keys(licence)).toEqual(['disabledPlans', 'skuId']);
      expect(skuIds.has(String(licence.skuId))).toBe(true);
    }
    expect(new Set(users.map((user) => user.onPremisesSyncEnabled))).toEqual(new Set([true, false, null]));
    const activities = users.map((user) => user.signInActivity as Json | null);
    expect(activities).toContain(null);
    const first = activities.find((activity) => activity !== null) ?? {};
    expect(Object.keys(first).sort()).toEqual(
      [
        'lastNonInteractiveSignInDateTime',
        'lastNonInteractiveSignInRequestId',
        'lastSignInDateTime',
        'lastSignInRequestId',
        'lastSuccessfulSignInDateTime',
        'lastSuccessfulSignInRequestId',
      ].sort(),
    );
    const dates = activities.flatMap((activity) =>
      activity
        ? [
            activity.lastSignInDateTime,
            activity.lastNonInteractiveSignInDateTime,
            activity.lastSuccessfulSignInDateTime,
          ]
        : [],
    );
    expect(dates).toContain('0001-01-01T00:00:00Z');
    expect(dates).toContain(null);
    expect(users.some((user) => user.createdDateTime === null)).toBe(true);
  });

  it('never dates anything after the reference time, and signs in only after creation', async () => {
    const users = await fetchAll(tenant, `/v1.0/users?$select=createdDateTime,signInActivity&$top=500`);
    for (const user of users) {
      const created = user.createdDateTime === null ? 0 : Date.parse(String(user.createdDateTime));
      expect(created).toBeLessThanOrEqual(NOW_MS);
      const activity = (user.signInActivity ?? {}) as Json;
      for (const field of [
        'lastSignInDateTime',
        'lastNonInteractiveSignInDateTime',
        'lastSuccessfulSignInDateTime',
      ]) {
        const value = activity[field];
        if (typeof value !== 'string' || value.startsWith('0001')) continue;
        expect(Date.parse(value)).toBeLessThanOrEqual(NOW_MS);
        expect(Date.parse(value)).toBeGreaterThanOrEqual(created - 1000);
      }
    }
    expect(tenant.referenceTime).toBe('2026-01-01T00:00:00Z');
    expect(tenant.describe().referenceTime).toBe(tenant.referenceTime);
  });

  it('caps $top at 500 with signInActivity (999 without) and needs AuditLog.Read.All', async () => {
    const tooMany = await call(tenant, '/v1.0/users?$select=id,signInActivity&$top=501');
    expect(tooMany.status).toBe(400);
    expect(errorOf(tooMany)).toEqual(
      expect.objectContaining({
        code: 'Request_UnsupportedQuery',
        message: "Invalid page size specified: '501'. Must be between 1 and 500 inclusive.",
      }),
    );
    expect(itemsOf(await call(tenant, '/v1.0/users?$select=id,signInActivity&$top=500'))).toHaveLength(200);
    expect(itemsOf(await call(tenant, '/v1.0/users?$select=id&$top=999'))).toHaveLength(200);
    const withoutAudit = DEFAULT_GRANTED_PERMISSIONS.filter(
      (permission) => permission !== 'AuditLog.Read.All',
    );
    const denied = await call(tenant, '/v1.0/users?$select=id,signInActivity', withoutAudit);
    expect([denied.status, errorOf(denied).code]).toEqual([403, 'Authorization_RequestDenied']);
    expect((await call(tenant, '/v1.0/users?$select=id', withoutAudit)).status).toBe(200);
  });

  it('refuses signInActivity without Entra ID P1 but still serves the other properties', async () => {
    const free = tenantOf(1, { p1: false, p2: false });
    const refused = await call(free, '/v1.0/users?$select=id,signInActivity');
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toEqual(
      expect.objectContaining({
        code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
        message: "Neither tenant is B2C or tenant doesn't have premium license",
      }),
    );
    const [user] = itemsOf(
      await call(free, '/v1.0/users?$select=id,assignedLicenses,onPremisesSyncEnabled&$top=1'),
    );
    expect((await call(free, `/v1.0/users/${String(user?.id)}?$select=signInActivity`)).status).toBe(403);
    expect(
      (await call(free, `/v1.0/users/${String(user?.id)}?$select=id,onPremisesSyncEnabled`)).status,
    ).toBe(200);
  });

  it('returns signInActivity for one user by id', async () => {
    const breakGlass = tenant.describe().users.find((user) => user.label === 'break-glass-1');
    const response = await call(tenant, `/v1.0/users/${String(breakGlass?.id)}?$select=id,signInActivity`);
    expect(bodyOf(response)).toMatchObject({
      id: breakGlass?.id,
      signInActivity: { lastSignInDateTime: '2025-06-15T00:00:00Z', lastNonInteractiveSignInDateTime: null },
    });
  });
});

describe('GET /v1.0/users?$filter', () => {
  const tenant = tenantOf(2, { users: 300 });
  let all: Json[] = [];
  beforeAll(async () => {
    all = await fetchAll(
      tenant,
      '/v1.0/users?$select=id,accountEnabled,userType,onPremisesSyncEnabled&$top=999',
    );
  });
  const idsOf = (users: Json[]): string[] => users.map((user) => String(user.id));
  const select = '$select=id,accountEnabled,userType,onPremisesSyncEnabled';

  it.each([
    ['accountEnabled eq true', (user: Json) => user.accountEnabled === true],
    ['accountEnabled eq false', (user: Json) => user.accountEnabled === false],
    ["userType eq 'Guest'", (user: Json) => user.userType === 'Guest'],
    ["userType eq 'member'", (user: Json) => user.userType === 'Member'],
    ['onPremisesSyncEnabled eq true', (user: Json) => user.onPremisesSyncEnabled === true],
    [
      "accountEnabled eq true and userType eq 'Member' and onPremisesSyncEnabled eq true",
      (user: Json) =>
        user.accountEnabled === true && user.userType === 'Member' && user.onPremisesSyncEnabled === true,
    ],
  ])('%s pages through exactly the matching users', async (filter, predicate) => {
    const expected = idsOf(all.filter(predicate));
    expect(expected.length).toBeGreaterThan(0);
    const paged = await fetchAll(
      tenant,
      `/v1.0/users?$filter=${encodeURIComponent(filter)}&${select}&$top=7`,
    );
    expect(idsOf(paged)).toEqual(expected);
  });

  it('takes up to 15 ids with "in", combined with "and"', async () => {
    const ids = idsOf(all).slice(100, 115);
    const list = ids.map((id) => `'${id.toUpperCase()}'`).join(',');
    const found = await fetchAll(tenant, `/v1.0/users?$filter=id in (${list})&$select=id&$top=4`);
    expect(idsOf(found).sort()).toEqual([...ids].sort());
    const enabledOnly = await fetchAll(
      tenant,
      `/v1.0/users?$filter=id in (${list}) and accountEnabled eq true&${select}`,
    );
    expect(idsOf(enabledOnly).sort()).toEqual(
      idsOf(all.filter((user) => ids.includes(String(user.id)) && user.accountEnabled === true)).sort(),
    );

    const sixteen = [...ids, idsOf(all)[0]].map((id) => `'${String(id)}'`).join(',');
    const tooMany = await call(tenant, `/v1.0/users?$filter=id in (${sixteen})`);
    expect(tooMany.status).toBe(400);
    expect(errorOf(tooMany)).toEqual(
      expect.objectContaining({
        code: 'Request_UnsupportedQuery',
        message:
          "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.",
      }),
    );
    expect(errorOf(await call(tenant, "/v1.0/users?$filter=id in ('nope')")).code).toBe('Request_BadRequest');
  });

  it.each([
    ["displayName eq 'Adele'", 'Request_UnsupportedQuery', /property 'displayName' of resource 'User'/],
    ['onPremisesSyncEnabled eq false', 'Request_UnsupportedQuery', /onPremisesSyncEnabled/],
    ["startswith(userPrincipalName,'a')", 'BadRequest', /Invalid filter clause/],
    ["userType eq 'Guest' or accountEnabled eq false", 'BadRequest', /Invalid filter clause/],
    ["favouriteColour eq 'blue'", 'BadRequest', /Could not find a property named 'favouriteColour'/],
    ["accountEnabled eq 'true'", 'BadRequest', /incompatible types/],
    ["userType eq 'Guest", 'BadRequest', /unterminated/],
  ])('answers $filter=%s with 400 %s', async (filter, code, message) => {
    const response = await call(tenant, `/v1.0/users?$filter=${encodeURIComponent(filter)}`);
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe(code);
    expect(errorOf(response).message).toMatch(message);
  });
});

describe('GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances', () => {
  const path = '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances';

  it('lists permanent, time-bound and activated assignments with $filter and $expand=principal', async () => {
    const tenant = tenantOf(1);
    const instances = await fetchAll(tenant, `${path}?$expand=principal&$top=5`);
    expectValid('microsoft.graph.unifiedRoleAssignmentScheduleInstance', instances);
    const assignments = itemsOf(await call(tenant, '/v1.0/roleManagement/directory/roleAssignments'));
    expect(instances.map((instance) => instance.id).sort()).toEqual(assignments.map((a) => a.id).sort());

    const permanent = instances.filter((i) => i.assignmentType === 'Assigned' && i.endDateTime === null);
    const timeBound = instances.filter((i) => i.assignmentType === 'Assigned' && i.endDateTime !== null);
    const activated = instances.filter((i) => i.assignmentType === 'Activated');
    expect(permanent.length).toBeGreaterThan(10);
    expect(timeBound).toHaveLength(1);
    expect(activated).toHaveLength(1);
    for (const instance of [...timeBound, ...activated]) {
      expect(Date.parse(String(instance.startDateTime))).toBeLessThan(NOW_MS);
      expect(Date.parse(String(instance.endDateTime))).toBeGreaterThan(NOW_MS);
    }
    // Assignments made before PIM have no start (as on Graph).
    expect(permanent.some((instance) => instance.startDateTime === null)).toBe(true);
    const kinds = new Set(instances.map((instance) => (instance.principal as Json)['@odata.type']));
    expect(kinds).toEqual(
      new Set(['#microsoft.graph.user', '#microsoft.graph.group', '#microsoft.graph.servicePrincipal']),
    );
    expect(instances.every((instance) => instance.memberType === 'Direct')).toBe(true);

    const ga = itemsOf(await call(tenant, `${path}?$filter=roleDefinitionId eq '${GLOBAL_ADMINISTRATOR}'`));
    expect(ga.length).toBeGreaterThan(0);
    expect(ga.every((instance) => instance.roleDefinitionId === GLOBAL_ADMINISTRATOR)).toBe(true);
    const onlyActivated = itemsOf(await call(tenant, `${path}?$filter=assignmentType eq 'Activated'`));
    expect(onlyActivated.map((instance) => instance.id)).toEqual(activated.map((instance) => instance.id));
  });

  it('needs P2 (400 AadPremiumLicenseRequired) and RoleAssignmentSchedule.Read.Directory', async () => {
    const refused = await call(tenantOf(1, { p2: false }), path);
    expect([refused.status, errorOf(refused).code]).toEqual([400, 'AadPremiumLicenseRequired']);
    const tenant = tenantOf(1);
    const without = DEFAULT_GRANTED_PERMISSIONS.filter(
      (permission) =>
        !['RoleAssignmentSchedule.Read.Directory', 'RoleManagement.Read.Directory'].includes(permission),
    );
    expect((await call(tenant, path, without)).status).toBe(403);
    expect((await call(tenant, path, ['RoleAssignmentSchedule.Read.Directory'])).status).toBe(200);
  });
});

describe('GET /v1.0/subscribedSkus', () => {
  it('lists real SKUs by licence, with service plans', async () => {
    const full = itemsOf(await call(tenantOf(1), '/v1.0/subscribedSkus'));
    expectValid('microsoft.graph.subscribedSku', full);
    expect(full.map((sku) => sku.skuPartNumber)).toEqual([
      'ENTERPRISEPACK',
      'EXCHANGESTANDARD',
      'POWER_BI_STANDARD',
      'EMS',
      'AAD_PREMIUM',
      'SPE_E5',
    ]);
    const e3 = full.find((sku) => sku.skuPartNumber === 'ENTERPRISEPACK') ?? {};
    expect(e3.skuId).toBe('6fd2c87f-b296-42f0-b197-1e91e994b900');
    expect(e3.servicePlans).toEqual(
      expect.arrayContaining([
        {
          servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0',
          servicePlanName: 'EXCHANGE_S_ENTERPRISE',
          provisioningStatus: 'Success',
          appliesTo: 'User',
        },
      ]),
    );
    const p1 = full.find((sku) => sku.skuPartNumber === 'AAD_PREMIUM') ?? {};
    const p1Exchange = (p1.servicePlans as Json[]).filter((plan) =>
      String(plan.servicePlanName).startsWith('EXCHANGE_S_'),
    );
    expect(p1Exchange.map((plan) => plan.servicePlanName)).toEqual(['EXCHANGE_S_FOUNDATION']);

    const free = itemsOf(
      await call(tenantOf(1, { p1: false, p2: false }), '/v1.0/subscribedSkus?$select=skuPartNumber'),
    );
    expect(free).toEqual([
      { skuPartNumber: 'ENTERPRISEPACK' },
      { skuPartNumber: 'EXCHANGESTANDARD' },
      { skuPartNumber: 'POWER_BI_STANDARD' },
    ]);
    const withoutPermission = await call(tenantOf(1), '/v1.0/subscribedSkus', ['User.Read.All']);
    expect(withoutPermission.status).toBe(403);
  });
});

describe('Conditional Access and security defaults', () => {
  it('serves the policies as Graph does, and one by id', async () => {
    const tenant = tenantOf(1);
    const policies = itemsOf(await call(tenant, '/v1.0/identity/conditionalAccess/policies'));
    expectValid('microsoft.graph.conditionalAccessPolicy', policies);
    expect(policies.map((policy) => policy.id)).toEqual(
      tenant.describe().conditionalAccess.policies.map((policy) => policy.id),
    );
    const states = new Set(policies.map((policy) => policy.state));
    expect(states).toEqual(new Set(['enabled', 'disabled', 'enabledForReportingButNotEnforced']));
    const strength = policies.find(
      (policy) => ((policy.grantControls as Json).authenticationStrength as Json | null) !== null,
    );
    expect((strength?.grantControls as Json).authenticationStrength).toMatchObject({
      id: '00000000-0000-0000-0000-000000000004',
      requirementsSatisfied: 'mfa',
    });
    const [first] = policies;
    const one = await call(tenant, `/v1.0/identity/conditionalAccess/policies/${String(first?.id)}`);
    expect(bodyOf(one)).toEqual({
      '@odata.context': `${ORIGIN}/v1.0/$metadata#identity/conditionalAccess/policies/$entity`,
      ...first,
    });
    const missing = await call(
      tenant,
      '/v1.0/identity/conditionalAccess/policies/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    const selected = itemsOf(
      await call(tenant, '/v1.0/identity/conditionalAccess/policies?$select=id,displayName,state'),
    );
    expect(Object.keys(selected[0] ?? {})).toEqual(['id', 'displayName', 'state']);
  });

  it('varies the policy set with the seed; security defaults and no policies without P1', async () => {
    const securityDefaults = async (tenant: GeneratedTenant): Promise<Json> =>
      bodyOf(await call(tenant, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy'));
    const profiles = [1, 2, 3, 4].map((seed) => tenantOf(seed).describe().conditionalAccess.profile);
    expect(profiles).toEqual(['enforced', 'gaps', 'reportOnly', 'securityDefaults']);
    expect(await securityDefaults(tenantOf(1))).toMatchObject({
      id: '00000000-0000-0000-0000-000000000005',
      displayName: 'Security Defaults',
      isEnabled: false,
    });
    expect((await securityDefaults(tenantOf(4))).isEnabled).toBe(true);
    expect(itemsOf(await call(tenantOf(4), '/v1.0/identity/conditionalAccess/policies'))).toEqual([]);
    const free = tenantOf(1, { p1: false, p2: false });
    expect((await securityDefaults(free)).isEnabled).toBe(true);
    expect(itemsOf(await call(free, '/v1.0/identity/conditionalAccess/policies'))).toEqual([]);
    expectValid('microsoft.graph.identitySecurityDefaultsEnforcementPolicy', [
      await securityDefaults(tenantOf(1)),
    ]);
    const denied = await call(tenantOf(1), '/v1.0/identity/conditionalAccess/policies', ['User.Read.All']);
    expect([denied.status, errorOf(denied).code]).toEqual([403, 'Authorization_RequestDenied']);
  });

  it('excludes users through nested groups, listed by /members and /transitiveMembers', async () => {
    const tenant = tenantOf(1);
    const description = tenant.describe();
    const exclusions = description.groups.find((group) => group.displayName === '=CA Exclusions');
    const direct = itemsOf(
      await call(
        tenant,
        `/v1.0/groups/${String(exclusions?.id)}/members?$select=id,displayName,userPrincipalName`,
      ),
    );
    expect(direct.filter((member) => member['@odata.type'] === '#microsoft.graph.group')).toEqual([
      expect.objectContaining({ displayName: '+Service Accounts' }),
    ]);
    expect(direct.find((m) => m['@odata.type'] === '#microsoft.graph.group')).not.toHaveProperty(
      'userPrincipalName',
    );
    const transitive = await fetchAll(
      tenant,
      `/v1.0/groups/${String(exclusions?.id)}/transitiveMembers?$select=id,userPrincipalName,displayName&$top=3`,
    );
    expectValid('microsoft.graph.directoryObject', transitive);
    const groups = transitive.filter((member) => member['@odata.type'] === '#microsoft.graph.group');
    expect(groups.map((group) => group.displayName).sort()).toEqual(
      ['+Service Accounts', '-Legacy Apps \u0001'].sort(),
    );
    const users = transitive.filter((member) => member['@odata.type'] === '#microsoft.graph.user');
    expect(new Set(users.map((user) => user.id)).size).toBe(users.length);
    const labelsOf = (ids: unknown[]): string[] =>
      description.users
        .filter((user) => ids.includes(user.id))
        .map((user) => user.label)
        .sort();
    expect(labelsOf(users.map((user) => user.id))).toEqual(
      [
        'break-glass-2',
        'ca-excluded-direct-member',
        'ca-excluded-disabled',
        'ca-excluded-guest',
        'ca-nested-member-1',
        'ca-nested-member-2',
        'svc-legacy-app',
      ].sort(),
    );
    const unknown = await call(
      tenant,
      `/v1.0/groups/${String(exclusions?.id)}/transitiveMembers?$select=colour`,
    );
    expect(unknown.status).toBe(400);
  });
});

describe('every new route is a Graph v1.0 request', () => {
  it.each([
    '/v1.0/users?$select=id,signInActivity,assignedLicenses,onPremisesSyncEnabled&$top=500',
    "/v1.0/users?$filter=accountEnabled eq true and userType eq 'Member'",
    '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal',
    '/v1.0/subscribedSkus',
    '/v1.0/identity/conditionalAccess/policies',
    '/v1.0/identity/conditionalAccess/policies/1',
    '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy',
    '/v1.0/groups/1/transitiveMembers?$select=id,userPrincipalName',
  ])('%s', (url) => {
    expect(validateGraphRequest('GET', url)).toEqual([]);
  });
});

describe('ground truth of CRW-ID-01 … CRW-ID-10 against the plan (acceptance: seeds 1, 2, 3 at 200 users)', () => {
  const seeds = [1, 2, 3];
  const tenants = seeds.map((seed) => tenantOf(seed));
  const truths = tenants.map((tenant) => expectedResults(tenant));

  it.each(seeds.map((seed, k) => [seed, k]))('seed %i: findings follow the declared plan', (_seed, k) => {
    const tenant = tenants[k] as GeneratedTenant;
    const truth = truths[k] as GroundTruth;
    const description = tenant.describe();
    const upnOf = (label: string): string => {
      const user = description.users.find((candidate) => candidate.label === label);
      if (!user) throw new Error(`no planned user ${label}`);
      return user.userPrincipalName;
    };
    const { declared } = description;
    const ca = description.conditionalAccess.declared;

    // The plan states the counts; the ground truth has exactly those.
    expect(declared.staleMembers).toHaveLength(6);
    expect(declared.stalePrivileged).toEqual(['billing-admin']);
    expect(declared.mailboxAdmins).toHaveLength(3);
    expect(declared.syncedAdmins).toHaveLength(2);
    expect(description.breakGlassUserPrincipalNames).toHaveLength(2);

    expect(control(truth, 'CRW-ID-04').findingAssetNames).toEqual(sorted(declared.mailboxAdmins.map(upnOf)));
    expect(control(truth, 'CRW-ID-05').findingAssetNames).toEqual(sorted(declared.syncedAdmins.map(upnOf)));
    const id09 = control(truth, 'CRW-ID-09');
    expect(id09.findingAssetNames).toEqual(sorted(declared.staleMembers.map(upnOf)));
    expect(id09.highSeverityAssetNames).toEqual(sorted(declared.stalePrivileged.map(upnOf)));

    // ID-03: one finding per enabled user (not break-glass) and privileged role held permanently.
    const privileged = new Set(DEFAULT_PRIVILEGED_ROLE_IDS);
    const expected03 = description.users.flatMap((user) => {
      if (!user.accountEnabled || user.breakGlass) return [];
      const roles = new Set(
        user.roles
          .filter((role) => role.schedule === 'permanent' && privileged.has(role.roleDefinitionId))
          .map((role) => role.roleDefinitionId),
      );
      return [...roles].map(() => user.userPrincipalName);
    });
    const id03 = control(truth, 'CRW-ID-03');
    expect(id03.findingAssetNames).toEqual(sorted(expected03));
    for (const label of [...declared.justInTimeAdmins, 'break-glass-1', 'break-glass-2'])
      expect(id03.findingAssetNames).not.toContain(upnOf(label));
    // A user holding a role directly and through a group gives one finding per role.
    expect(new Set(id03.findingAssetNames).size).toBeLessThan(id03.findingAssetNames.length);

    for (const id of ['CRW-ID-06', 'CRW-ID-07', 'CRW-ID-08', 'CRW-ID-10'] as const)
      expect([id, control(truth, id).status]).toEqual([id, ca.statuses[id]]);
    const id06 = control(truth, 'CRW-ID-06');
    if (id06.status === 'fail') {
      expect(id06.findingAssetNames).toEqual([tenant.options.name]);
      expect(id06.uncoveredRoles).toEqual(
        sorted(ca.uncoveredRoles.map((id) => builtInRole(id)?.displayName ?? id)),
      );
      expect(id06.reportOnlyPolicies).toEqual(sorted(ca.reportOnlyPolicies));
    }
    expect(control(truth, 'CRW-ID-08').findingAssetNames).toEqual(sorted(ca.mfaExclusions.map(upnOf)));

    // Disabled accounts never appear in any finding.
    const disabled = description.users.filter((user) => !user.accountEnabled).map((u) => u.userPrincipalName);
    expect(
      truth.controls.flatMap((result) => result.findingAssetNames).filter((name) => disabled.includes(name)),
    ).toEqual([]);
    for (const result of truth.controls)
      expect(result.findingAssetNames).toEqual(sorted(result.findingAssetNames));
  });

  it('gives each Conditional Access control both outcomes across the seeds, and ID-08 skipped once', () => {
    const statuses = (id: string): string[] => truths.map((truth) => control(truth, id).status);
    for (const id of ['CRW-ID-06', 'CRW-ID-07', 'CRW-ID-08', 'CRW-ID-10'])
      expect([id, statuses(id)]).toEqual([id, expect.arrayContaining(['pass', 'fail'])]);
    expect(statuses('CRW-ID-08')).toContain('skipped');
    expect(truths.map((truth) => truth.assumptions.now)).toEqual([
      REFERENCE_TIME,
      REFERENCE_TIME,
      REFERENCE_TIME,
    ]);
  });

  it('passes ID-06, ID-07 and ID-10 with security defaults on (seed 4), with ID-08 skipped', () => {
    const truth = expectedResults(tenantOf(4));
    expect(
      ['CRW-ID-06', 'CRW-ID-07', 'CRW-ID-08', 'CRW-ID-10'].map((id) => control(truth, id).status),
    ).toEqual(['pass', 'pass', 'skipped', 'pass']);
  });

  it('reports licence gaps: without P2 ID-03 is error, without P1 ID-09 is error and CA has nothing to read', () => {
    const noP2 = expectedResults(tenantOf(1, { p2: false }));
    expect(control(noP2, 'CRW-ID-03')).toMatchObject({ status: 'error', findingAssetNames: [] });
    expect(control(noP2, 'CRW-ID-09').status).toBe('fail');
    const free = expectedResults(tenantOf(1, { p1: false, p2: false }));
    expect(control(free, 'CRW-ID-09')).toMatchObject({ status: 'error', findingAssetNames: [] });
    expect(control(free, 'CRW-ID-01').status).toBe('error');
    expect(
      ['CRW-ID-06', 'CRW-ID-07', 'CRW-ID-08', 'CRW-ID-10'].map((id) => control(free, id).status),
    ).toEqual(['pass', 'pass', 'skipped', 'pass']);
    // Without P2 the eligible-only admins are gone, so fewer roles need covering, and no mailbox changes.
    expect(control(noP2, 'CRW-ID-04').findingAssetNames).toEqual(
      control(expectedResults(tenantOf(1)), 'CRW-ID-04').findingAssetNames,
    );
  });

  it('applies the settings: break-glass case-insensitively, staleDays, privileged roles', () => {
    const tenant = tenants[0] as GeneratedTenant;
    const base = truths[0] as GroundTruth;
    const breakGlass = tenant.describe().breakGlassUserPrincipalNames;
    const upper = expectedResults(tenant, { breakGlass: breakGlass.map((name) => name.toUpperCase()) });
    expect(upper.controls).toEqual(base.controls);
    expect(base.assumptions.breakGlass).toEqual(breakGlass);

    const none = expectedResults(tenant, { breakGlass: [] });
    const countOf = (truth: GroundTruth, id: string): number => control(truth, id).findingAssetNames.length;
    expect(countOf(none, 'CRW-ID-03')).toBe(countOf(base, 'CRW-ID-03') + 2);
    expect(countOf(none, 'CRW-ID-09')).toBe(countOf(base, 'CRW-ID-09') + 2);
    // Two MFA policies exclude both accounts (one of them also through a nested group: still one finding).
    expect(countOf(none, 'CRW-ID-08')).toBe(countOf(base, 'CRW-ID-08') + 4);
    expect(control(none, 'CRW-ID-07').status).toBe('fail');

    const settings: GroundTruthSettings = { staleDays: 100 };
    const lenient = control(expectedResults(tenant, settings), 'CRW-ID-09').findingAssetNames;
    const upn91 = tenant
      .describe()
      .users.find((user) => user.label === 'stale-member-91-days')?.userPrincipalName;
    expect(control(base, 'CRW-ID-09').findingAssetNames).toContain(upn91);
    expect(lenient).not.toContain(upn91);
    expect(lenient).toHaveLength(countOf(base, 'CRW-ID-09') - 1);
    expect(() => expectedResults(tenant, { staleDays: 29 })).toThrow(/staleDays >= 30/);

    const gaOnly = expectedResults(tenant, { privilegedRoles: [GLOBAL_ADMINISTRATOR] });
    expect(control(gaOnly, 'CRW-ID-04').status).toBe('pass');
    expect(control(gaOnly, 'CRW-ID-09').highSeverityAssetNames).toEqual([]);
  });
});

// Independent of src/controls and of the ground truth's code: reads Graph like a scanner would.
describe('the ground truth agrees with what Graph serves', () => {
  it.each([1, 2, 3])('seed %i: ID-03, ID-04, ID-05, ID-08, ID-09 and ID-10', async (seed) => {
    const tenant = tenantOf(seed);
    const truth = expectedResults(tenant);
    const breakGlass = new Set(
      tenant.describe().breakGlassUserPrincipalNames.map((name) => name.toLowerCase()),
    );
    const privileged = new Set(DEFAULT_PRIVILEGED_ROLE_IDS);
    const users = new Map(
      (
        await fetchAll(
          tenant,
          '/v1.0/users?$select=id,userPrincipalName,accountEnabled,userType,createdDateTime,onPremisesSyncEnabled,' +
            'assignedLicenses,signInActivity&$top=500',
        )
      ).map((user) => [String(user.id), user]),
    );
    const upn = (id: string): string => String(users.get(id)?.userPrincipalName);
    const enabled = (id: string): boolean => users.get(id)?.accountEnabled === true;
    const membersOf = async (groupId: string, transitive = false): Promise<string[]> =>
      (
        await fetchAll(
          tenant,
          `/v1.0/groups/${groupId}/${transitive ? 'transitiveMembers' : 'members'}?$select=id`,
        )
      )
        .filter((member) => member['@odata.type'] === '#microsoft.graph.user')
        .map((member) => String(member.id));

    // Privileged users and permanent holdings.
    const holders = new Map<string, Set<string>>();
    const permanent = new Map<string, Set<string>>();
    const add = (map: Map<string, Set<string>>, id: string, role: string): void => {
      map.set(id, (map.get(id) ?? new Set()).add(role));
    };
    const sources = [
      '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal',
      '/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal',
    ];
    for (const source of sources) {
      for (const item of await fetchAll(tenant, source)) {
        const role = String(item.roleDefinitionId);
        if (!privileged.has(role)) continue;
        const principal = item.principal as Json;
        const ids =
          principal['@odata.type'] === '#microsoft.graph.group'
            ? await membersOf(String(principal.id))
            : principal['@odata.type'] === '#microsoft.graph.user'
              ? [String(principal.id)]
              : [];
        const isPermanent = item.assignmentType === 'Assigned' && item.endDateTime === null;
        for (const id of ids) {
          add(holders, id, role);
          if (isPermanent) add(permanent, id, role);
        }
      }
    }
    const admins = [...holders.keys()].filter(enabled);
    const notBreakGlass = (id: string): boolean => !breakGlass.has(upn(id).toLowerCase());

    const id03 = [...permanent.entries()]
      .filter(([id]) => enabled(id) && notBreakGlass(id))
      .flatMap(([id, roles]) => [...roles].map(() => upn(id)));
    expect(control(truth, 'CRW-ID-03').findingAssetNames).toEqual(sorted(id03));

    const skus = itemsOf(await call(tenant, '/v1.0/subscribedSkus'));
    const mailboxPlans = new Map(
      skus.map((sku) => [
        String(sku.skuId),
        (sku.servicePlans as Json[])
          .filter((plan) => /^EXCHANGE_S_/.test(String(plan.servicePlanName)))
          .filter((plan) => plan.servicePlanName !== 'EXCHANGE_S_FOUNDATION')
          .map((plan) => String(plan.servicePlanId)),
      ]),
    );
    const hasMailbox = (id: string): boolean =>
      ((users.get(id)?.assignedLicenses ?? []) as Json[]).some((licence) =>
        (mailboxPlans.get(String(licence.skuId)) ?? []).some(
          (plan) => !(licence.disabledPlans as string[]).includes(plan),
        ),
      );
    expect(control(truth, 'CRW-ID-04').findingAssetNames).toEqual(sorted(admins.filter(hasMailbox).map(upn)));
    expect(control(truth, 'CRW-ID-05').findingAssetNames).toEqual(
      sorted(admins.filter((id) => users.get(id)?.onPremisesSyncEnabled === true).map(upn)),
    );

    const cutoff = NOW_MS - 90 * DAY_MS;
    const stale = [...users.values()].filter((user) => {
      if (user.accountEnabled !== true || user.userType !== 'Member') return false;
      if (!notBreakGlass(String(user.id))) return false;
      const created = user.createdDateTime === null ? 0 : Date.parse(String(user.createdDateTime));
      const activity = (user.signInActivity ?? {}) as Json;
      const last = Math.max(
        0,
        ...['lastSignInDateTime', 'lastNonInteractiveSignInDateTime', 'lastSuccessfulSignInDateTime']
          .map((field) => activity[field])
          .filter((value): value is string => typeof value === 'string' && !value.startsWith('0001'))
          .map((value) => Date.parse(value)),
      );
      return created < cutoff && last < cutoff;
    });
    expect(control(truth, 'CRW-ID-09').findingAssetNames).toEqual(
      sorted(stale.map((user) => String(user.userPrincipalName))),
    );

    const policies = itemsOf(await call(tenant, '/v1.0/identity/conditionalAccess/policies'));
    const mfaPolicies = policies.filter((policy) => {
      const grant = policy.grantControls as Json;
      const controls = grant.builtInControls as string[];
      const mfa = controls.includes('mfa') || grant.authenticationStrength !== null;
      return (
        policy.state === 'enabled' && mfa && (grant.operator === 'AND' || controls.every((c) => c === 'mfa'))
      );
    });
    const id08: string[] = [];
    for (const policy of mfaPolicies) {
      const conditions = (policy.conditions as Json).users as Json;
      const excluded = new Set((conditions.excludeUsers as string[]).filter((id) => users.has(id)));
      for (const groupId of conditions.excludeGroups as string[])
        for (const id of await membersOf(groupId, true)) excluded.add(id);
      id08.push(...[...excluded].filter((id) => enabled(id) && notBreakGlass(id)).map(upn));
    }
    const id08Truth = control(truth, 'CRW-ID-08');
    expect(id08Truth.status).toBe(mfaPolicies.length === 0 ? 'skipped' : id08.length > 0 ? 'fail' : 'pass');
    expect(id08Truth.findingAssetNames).toEqual(sorted(id08));

    const defaults = bodyOf(await call(tenant, '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy'));
    const baseline = defaults.isEnabled === true || policies.some((policy) => policy.state === 'enabled');
    expect(control(truth, 'CRW-ID-10').status).toBe(baseline ? 'pass' : 'fail');
  });
});

describe('hostile data', () => {
  it('puts formula prefixes, XML-invalid characters, RTL, emoji and 40,000 characters in names', async () => {
    const tenant = tenantOf(2);
    const users = await fetchAll(tenant, '/v1.0/users?$select=displayName,userPrincipalName&$top=999');
    const groups = tenant.describe().groups.map((group) => group.displayName);
    const policies = tenant.describe().conditionalAccess.policies.map((policy) => policy.displayName);
    const policiesSeed1 = tenantOf(1)
      .describe()
      .conditionalAccess.policies.map((policy) => policy.displayName);
    const names = [
      ...users.map((user) => String(user.displayName)),
      ...groups,
      ...policies,
      ...policiesSeed1,
    ];
    for (const prefix of ['=', '+', '-', '@']) {
      expect([prefix, users.some((user) => String(user.displayName).startsWith(prefix))]).toEqual([
        prefix,
        true,
      ]);
      expect([prefix, groups.some((name) => name.startsWith(prefix))]).toEqual([prefix, true]);
      expect([prefix, policiesSeed1.some((name) => name.startsWith(prefix))]).toEqual([prefix, true]);
    }
    expect(names.some((name) => name.includes('\u0001'))).toBe(true);
    expect(names.some((name) => name.includes('\uFFFE'))).toBe(true);
    expect(
      names.some((name) => /[\u0590-\u06ff]/.test(name) && /\p{Extended_Pictographic}/u.test(name)),
    ).toBe(true);
    expect(users.map((user) => user.displayName)).toContain(LONG_DISPLAY_NAME);
    expect(LONG_DISPLAY_NAME).toHaveLength(40_000);
    for (const user of users)
      expect(String(user.userPrincipalName)).toMatch(/^[A-Za-z0-9._#_-]+@[a-z0-9.-]+$/);
  });
});

describe('tenant sizes', () => {
  it.each([10, 11, 17, 25, 34, 49, 50])(
    '%i users: a consistent plan, Graph and ground truth',
    async (users) => {
      for (const seed of [0, 1, 2, 3]) {
        const tenant = tenantOf(seed, { users });
        const description = tenant.describe();
        expect(description.planFeatures[0]).toBe('global-administrators');
        expect(description.users.length).toBeLessThan(users);
        const served = await fetchAll(tenant, '/v1.0/users?$select=id,userPrincipalName&$top=999');
        expect(new Set(served.map((user) => user.userPrincipalName)).size).toBe(users);
        const truth = expectedResults(tenant);
        expect(truth.controls).toHaveLength(16);
        if (users >= 50) expect(description.planFeatures).toHaveLength(8);
      }
    },
  );

  it('has fewer features in small tenants, all from 50 users', () => {
    expect(tenantOf(1, { users: 10 }).describe().planFeatures).toEqual([
      'global-administrators',
      'helpdesk-group',
    ]);
    expect(tenantOf(1, { users: 30 }).describe().planFeatures).toContain('break-glass');
    expect(tenantOf(0, { users: 50 }).describe().planFeatures).toContain('conditional-access-exclusions');
  });

  it('pages the far end of a million-user tenant without building its users', async () => {
    const big = tenantOf(4, { users: 1_000_000 });
    // Identity controls only: their ground truth comes from the admin plan, while Exchange's visits every mailbox.
    const truth = expectedIdentityResults(big);
    expect(control(truth, 'CRW-ID-09').findingAssetNames).toHaveLength(6);

    const before = process.memoryUsage().heapUsed;
    const select = 'id,userPrincipalName,signInActivity,assignedLicenses,onPremisesSyncEnabled';
    let link: string | undefined =
      `${ORIGIN}/v1.0/users?$select=${select}&$top=500&$skiptoken=${encodeSkipToken('/v1.0/users', 998_500)}`;
    const ids = new Set<string>();
    let pages = 0;
    while (link) {
      const response = await call(big, link);
      for (const user of itemsOf(response)) ids.add(String(user.id));
      link = bodyOf(response)['@odata.nextLink'] as string | undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids.size).toBe(1500);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);

    const guests = itemsOf(
      await call(big, `/v1.0/users?$filter=userType eq 'Guest'&$select=id,userType&$top=50`),
    );
    expect(guests).toHaveLength(50);
  });
});

describe('determinism', () => {
  const paths = [
    '/v1.0/users?$select=id,assignedLicenses,onPremisesSyncEnabled,signInActivity,createdDateTime&$top=500',
    '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances',
    '/v1.0/identity/conditionalAccess/policies',
    '/v1.0/subscribedSkus',
  ];

  it('gives identical responses and ground truth for the same options', async () => {
    const [a, b] = [tenantOf(5), tenantOf(5)];
    for (const path of paths) expect((await call(b, path)).body).toEqual((await call(a, path)).body);
    expect(expectedResults(b)).toEqual(expectedResults(a));
    const other = tenantOf(9, { name: 'tenant5' });
    expect((await call(other, paths[0] ?? '')).body).not.toEqual((await call(a, paths[0] ?? '')).body);
  });
});
