// sim/tenant: the generated tenant's Graph v1.0 answers (called directly, no server) and its ground truth.
import type { AccessTokenClaims, ExpectedControl, ExpectedResults, SimResponse } from '../sim/types';
import {
  createSimTenant,
  DEFAULT_GRANTED_PERMISSIONS,
  expectedResults,
  type GeneratedTenant,
} from '../sim/tenant';
import {
  GLOBAL_ADMINISTRATOR,
  REPORTS_READER,
  DEFAULT_PRIVILEGED_ROLE_IDS,
} from '../sim/tenant/role-definitions';
import { graphClaimsFor } from './helpers/sim-fixtures';

const ORIGIN = 'https://127.0.0.1:8443';
const GA = GLOBAL_ADMINISTRATOR;

function tenantOf(seed: number, extra: { users?: number; p2?: boolean; p1?: boolean } = {}): GeneratedTenant {
  return createSimTenant({
    name: `tenant${seed}`,
    seed,
    users: extra.users ?? 200,
    credential: 'secret',
    licences: { p1: extra.p1 ?? true, p2: extra.p2 ?? true },
  });
}

function claimsFor(
  tenant: GeneratedTenant,
  roles: readonly string[] = DEFAULT_GRANTED_PERMISSIONS,
): AccessTokenClaims {
  return graphClaimsFor(tenant, roles);
}

async function call(
  tenant: GeneratedTenant,
  pathAndQuery: string,
  options: { roles?: readonly string[]; method?: string } = {},
): Promise<SimResponse> {
  const url = pathAndQuery.startsWith('https://')
    ? new URL(pathAndQuery)
    : new URL(`${ORIGIN}${pathAndQuery}`);
  return tenant.handleGraph(
    { method: options.method ?? 'GET', url, headers: {}, body: Buffer.alloc(0) },
    claimsFor(tenant, options.roles),
  );
}

type Json = Record<string, unknown>;

function bodyOf(response: SimResponse): Json {
  return response.body as Json;
}

function itemsOf(response: SimResponse): Json[] {
  expect(response.status).toBe(200);
  return bodyOf(response).value as Json[];
}

function errorOf(response: SimResponse): { code: string; message: string; innerError: Json } {
  return (bodyOf(response).error ?? {}) as { code: string; message: string; innerError: Json };
}

/** Follows @odata.nextLink to the end; returns every item and the number of pages. */
async function fetchAll(
  tenant: GeneratedTenant,
  pathAndQuery: string,
): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let pages = 0;
  let link: string | undefined = `${ORIGIN}${pathAndQuery}`;
  while (link) {
    const response = await call(tenant, link);
    expect(response.status).toBe(200);
    items.push(...itemsOf(response));
    pages++;
    const next = bodyOf(response)['@odata.nextLink'] as string | undefined;
    if (next) expect(next.startsWith(`${ORIGIN}/v1.0/`)).toBe(true);
    link = next;
  }
  return { items, pages };
}

describe('tenant identity', () => {
  it('derives tenantId, clientId and a lower-case domain from (name, seed)', () => {
    const a = createSimTenant({ name: 'Contoso', seed: 7, users: 60, credential: 'certificate' });
    const b = createSimTenant({ name: 'Contoso', seed: 7, users: 60, credential: 'certificate' });
    const c = createSimTenant({ name: 'Contoso', seed: 8, users: 60, credential: 'certificate' });
    expect(a.domain).toBe('contoso.onmicrosoft.com');
    expect([a.tenantId, a.clientId]).toEqual([b.tenantId, b.clientId]);
    expect(a.tenantId).not.toBe(c.tenantId);
    expect(a.tenantId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.options.licences).toEqual({ p1: true, p2: true });
    expect(a.options.grantedPermissions).toEqual([...DEFAULT_GRANTED_PERMISSIONS]);
  });

  it('refuses tenants too small for the admin plan', () => {
    expect(() => createSimTenant({ name: 'tiny', seed: 1, users: 9, credential: 'secret' })).toThrow(
      /at least 10/,
    );
  });
});

describe('GET /v1.0/users', () => {
  const tenant = tenantOf(1, { users: 250 });

  it('pages through exactly `users` users, without duplicates, with absolute nextLinks keeping the query', async () => {
    const { items, pages } = await fetchAll(tenant, '/v1.0/users?$select=id,userPrincipalName&$top=100');
    expect(pages).toBe(3);
    expect(items).toHaveLength(250);
    expect(new Set(items.map((user) => user.id)).size).toBe(250);
    expect(new Set(items.map((user) => user.userPrincipalName)).size).toBe(250);
    const first = bodyOf(await call(tenant, '/v1.0/users?$select=id,userPrincipalName&$top=100'));
    expect(first['@odata.nextLink']).toMatch(
      /^https:\/\/127\.0\.0\.1:8443\/v1\.0\/users\?\$select=id,userPrincipalName&\$top=100&\$skiptoken=[A-Za-z0-9_-]+$/,
    );
    expect(Object.keys(first)).toEqual(['@odata.context', '@odata.nextLink', 'value']);
  });

  it('uses a default page of 100 and Graph’s default property set', async () => {
    const response = await call(tenant, '/v1.0/users');
    const items = itemsOf(response);
    expect(items).toHaveLength(100);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
        'id',
      ].sort(),
    );
    expect(items[0]).not.toHaveProperty('accountEnabled');
    expect(bodyOf(response)['@odata.context']).toBe(`${ORIGIN}/v1.0/$metadata#users`);
  });

  it('returns exactly the selected properties, matched case-insensitively', async () => {
    const items = itemsOf(
      await call(tenant, '/v1.0/users?$select=id,AccountEnabled,userType,createdDateTime,mail&$top=5'),
    );
    expect(items).toHaveLength(5);
    for (const user of items) {
      expect(Object.keys(user)).toEqual(['id', 'accountEnabled', 'userType', 'createdDateTime', 'mail']);
      expect(['Member', 'Guest']).toContain(user.userType);
      expect(typeof user.accountEnabled).toBe('boolean');
    }
  });

  it('answers unknown properties, bad $top and unsupported options as Graph does (never silently)', async () => {
    const unknown = await call(tenant, '/v1.0/users?$select=id,favouriteColour');
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown)).toMatchObject({
      code: 'BadRequest',
      message: "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.",
    });
    expect(Object.keys(errorOf(unknown).innerError).sort()).toEqual([
      'client-request-id',
      'date',
      'request-id',
    ]);

    const tooBig = await call(tenant, '/v1.0/users?$top=1000');
    expect(tooBig.status).toBe(400);
    expect(errorOf(tooBig)).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    });
    expect((await call(tenant, '/v1.0/users?$top=0')).status).toBe(400);
    expect((await call(tenant, '/v1.0/users?$top=abc')).status).toBe(400);
    expect(itemsOf(await call(tenant, '/v1.0/users?$top=999'))).toHaveLength(250);

    const notModelled = await call(tenant, '/v1.0/users?$select=city');
    expect(notModelled.status).toBe(501);
    expect(errorOf(notModelled).code).toBe('NotImplemented');
    expect((await call(tenant, "/v1.0/users?$filter=startswith(displayName,'A')")).status).toBe(400);
    expect((await call(tenant, '/v1.0/users?$bogus=1')).status).toBe(400);
    expect((await call(tenant, '/v1.0/users?$skiptoken=forged')).status).toBe(400);
  });

  it('finds one user by id or UPN', async () => {
    const [first] = itemsOf(await call(tenant, '/v1.0/users?$select=id,userPrincipalName&$top=1'));
    const byId = await call(tenant, `/v1.0/users/${String(first?.id)}?$select=userPrincipalName`);
    expect(bodyOf(byId).userPrincipalName).toBe(first?.userPrincipalName);
    const byUpn = await call(tenant, `/v1.0/users/${encodeURIComponent(String(first?.userPrincipalName))}`);
    expect(bodyOf(byUpn).id).toBe(first?.id);
    const missing = await call(tenant, '/v1.0/users/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('Request_ResourceNotFound');
  });
});

describe('GET /v1.0/reports/authenticationMethods/userRegistrationDetails', () => {
  const path = '/v1.0/reports/authenticationMethods/userRegistrationDetails';

  it('pages by 1000 by default, honours $top, and has no record for some users (admins included)', async () => {
    const tenant = tenantOf(2, { users: 1500 });
    const all = await fetchAll(tenant, path);
    expect(all.pages).toBe(2);
    const ids = all.items.map((record) => record.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeLessThan(1500);
    expect(ids.length).toBeGreaterThan(1300);

    const paged = await fetchAll(tenant, `${path}?$top=200`);
    expect(paged.pages).toBe(Math.ceil(ids.length / 200));
    expect(paged.items.map((record) => record.id)).toEqual(ids);

    const description = tenant.describe();
    const withoutRecord = description.users.filter((user) => user.registration === 'noRecord');
    expect(withoutRecord.some((user) => user.privileged)).toBe(true);
    for (const user of withoutRecord) expect(ids).not.toContain(user.id);

    const record = all.items[0] ?? {};
    for (const field of [
      'id',
      'userPrincipalName',
      'userDisplayName',
      'userType',
      'isAdmin',
      'isMfaRegistered',
    ]) {
      expect(record).toHaveProperty(field);
    }
    expect(['member', 'guest']).toContain(record.userType);
    expect(Array.isArray(record.methodsRegistered)).toBe(true);
  });

  it('filters on a boolean and rejects $top above 999', async () => {
    const tenant = tenantOf(1);
    const unregistered = await fetchAll(
      tenant,
      `${path}?$filter=isMfaRegistered eq false&$select=id,isMfaRegistered`,
    );
    expect(unregistered.items.length).toBeGreaterThan(0);
    for (const record of unregistered.items)
      expect(record).toEqual({ id: record.id, isMfaRegistered: false });
    expect((await call(tenant, `${path}?$top=1000`)).status).toBe(400);
  });

  it('is refused without any Entra ID premium licence', async () => {
    const response = await call(tenantOf(1, { p1: false, p2: false }), path);
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  });
});

describe('role management', () => {
  const tenant = tenantOf(1);

  it('lists built-in role definitions with id == templateId', async () => {
    const roles = itemsOf(await call(tenant, '/v1.0/roleManagement/directory/roleDefinitions'));
    for (const role of roles) expect(role.id).toBe(role.templateId);
    const ids = roles.map((role) => role.id);
    for (const id of [
      ...DEFAULT_PRIVILEGED_ROLE_IDS,
      REPORTS_READER,
      'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('filters role assignments by role and expands principals of all three kinds', async () => {
    const url = `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${GA}'&$expand=principal`;
    const assignments = itemsOf(await call(tenant, url));
    expect(assignments.every((assignment) => assignment.roleDefinitionId === GA)).toBe(true);
    expect(assignments.every((assignment) => assignment.directoryScopeId === '/')).toBe(true);
    const types = new Set(assignments.map((assignment) => (assignment.principal as Json)['@odata.type']));
    expect([...types].sort()).toEqual([
      '#microsoft.graph.group',
      '#microsoft.graph.servicePrincipal',
      '#microsoft.graph.user',
    ]);
    for (const assignment of assignments) {
      const principal = assignment.principal as Json;
      expect(principal.id).toBe(assignment.principalId);
      if (principal['@odata.type'] === '#microsoft.graph.user')
        expect(principal).toHaveProperty('userPrincipalName');
    }
    expect(String(assignments[0]?.id)).toMatch(/^[A-Za-z0-9_-]{44}-1$/);
  });

  it('lists all assignments without a filter, paged by $top', async () => {
    const all = itemsOf(await call(tenant, '/v1.0/roleManagement/directory/roleAssignments'));
    const paged = await fetchAll(tenant, '/v1.0/roleManagement/directory/roleAssignments?$top=4');
    expect(paged.pages).toBe(Math.ceil(all.length / 4));
    expect(paged.items).toEqual(all);
    expect(new Set(all.map((assignment) => assignment.roleDefinitionId)).size).toBeGreaterThan(10);
  });

  it('lists eligibility schedules with P2, and answers 400 AadPremiumLicenseRequired without', async () => {
    const path = `/v1.0/roleManagement/directory/roleEligibilitySchedules?$filter=roleDefinitionId eq '${GA}'&$expand=principal`;
    const [schedule] = itemsOf(await call(tenant, path));
    expect(schedule).toMatchObject({
      roleDefinitionId: GA,
      directoryScopeId: '/',
      memberType: 'Direct',
      status: 'Provisioned',
      scheduleInfo: { expiration: { type: 'noExpiration' } },
    });
    expect((schedule?.principal as Json)['@odata.type']).toBe('#microsoft.graph.user');

    const refused = await call(tenantOf(1, { p2: false }), path);
    expect(refused.status).toBe(400);
    expect(errorOf(refused)).toMatchObject({
      code: 'AadPremiumLicenseRequired',
      innerError: { 'request-id': expect.any(String), date: expect.any(String) },
    });
  });

  it('lists members of a role-assignable group with $select and paging', async () => {
    const url = `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${GA}'&$expand=principal`;
    const groupAssignment = itemsOf(await call(tenant, url)).find(
      (assignment) => (assignment.principal as Json)['@odata.type'] === '#microsoft.graph.group',
    );
    const groupId = String(groupAssignment?.principalId);
    expect(bodyOf(await call(tenant, `/v1.0/groups/${groupId}`))).toMatchObject({
      id: groupId,
      isAssignableToRole: true,
    });
    const members = await fetchAll(
      tenant,
      `/v1.0/groups/${groupId}/members?$select=id,userPrincipalName,accountEnabled,userType&$top=1`,
    );
    expect(members.items.length).toBeGreaterThanOrEqual(2);
    expect(members.pages).toBe(members.items.length);
    for (const member of members.items) {
      expect(Object.keys(member)).toEqual([
        '@odata.type',
        'id',
        'userPrincipalName',
        'accountEnabled',
        'userType',
      ]);
    }
    expect(members.items.some((member) => member.accountEnabled === false)).toBe(true);
    expect((await call(tenant, '/v1.0/groups/00000000-0000-4000-8000-000000000000/members')).status).toBe(
      404,
    );
  });
});

describe('permissions and unknown requests', () => {
  const tenant = tenantOf(1);

  // The last column: default permissions that would also grant the read (removed for the 403 case).
  it.each([
    ['/v1.0/users', 'User.Read.All', []],
    ['/v1.0/reports/authenticationMethods/userRegistrationDetails', 'AuditLog.Read.All', []],
    ['/v1.0/roleManagement/directory/roleAssignments', 'RoleManagement.Read.Directory', []],
    ['/v1.0/roleManagement/directory/roleDefinitions', 'RoleManagement.Read.Directory', []],
    [
      '/v1.0/roleManagement/directory/roleEligibilitySchedules',
      'RoleEligibilitySchedule.Read.Directory',
      ['RoleManagement.Read.Directory'],
    ],
  ])('%s needs %s', async (path, permission, alsoGranting) => {
    const without = [permission, ...alsoGranting];
    const denied = await call(tenant, path, {
      roles: DEFAULT_GRANTED_PERMISSIONS.filter((p) => !without.includes(p)),
    });
    expect(denied.status).toBe(403);
    expect(errorOf(denied)).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    expect((await call(tenant, path, { roles: [permission] })).status).toBe(200);
  });

  it('accepts the broader permissions Graph accepts', async () => {
    expect((await call(tenant, '/v1.0/users', { roles: ['Directory.Read.All'] })).status).toBe(200);
    const eligibility = '/v1.0/roleManagement/directory/roleEligibilitySchedules';
    expect((await call(tenant, eligibility, { roles: ['RoleManagement.Read.Directory'] })).status).toBe(200);
  });

  it('answers unknown paths and methods with Graph errors', async () => {
    const unknown = await call(tenant, '/v1.0/userz');
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown)).toMatchObject({
      code: 'BadRequest',
      message: "Resource not found for the segment 'userz'.",
    });
    const nested = await call(tenant, '/v1.0/roleManagement/directory/nothing');
    expect(errorOf(nested).message).toBe("Resource not found for the segment 'nothing'.");
    expect((await call(tenant, '/v1.0/users', { method: 'POST' })).status).toBe(405);
  });
});

describe('determinism', () => {
  const paths = [
    '/v1.0/users?$select=id,userPrincipalName,displayName,accountEnabled,userType,createdDateTime,mail&$top=999',
    '/v1.0/reports/authenticationMethods/userRegistrationDetails',
    '/v1.0/roleManagement/directory/roleAssignments?$expand=principal',
    '/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal',
  ];

  it('gives identical responses for the same options and different ones for another seed', async () => {
    const [a, b, c] = [tenantOf(5), tenantOf(5), createSimTenant({ ...tenantOf(5).options, seed: 6 })];
    for (const path of paths) {
      const [ra, rb, rc] = await Promise.all([call(a, path), call(b, path), call(c, path)]);
      expect(rb.body).toEqual(ra.body);
      expect(rc.body).not.toEqual(ra.body);
    }
  });

  it('gives some users right-to-left or emoji display names', async () => {
    const { items } = await fetchAll(
      tenantOf(3, { users: 2000 }),
      '/v1.0/users?$select=displayName&$top=999',
    );
    expect(
      items.some((user) => /[\u0590-\u06ff]|\p{Extended_Pictographic}/u.test(String(user.displayName))),
    ).toBe(true);
  });

  it('serves a million-user tenant lazily', async () => {
    const big = tenantOf(4, { users: 1_000_000 });
    const page = await call(big, '/v1.0/users?$select=id&$top=999');
    expect(itemsOf(page)).toHaveLength(999);
    const last = big.describe().users.reduce((max, user) => (user.index > max.index ? user : max));
    expect(
      bodyOf(await call(big, `/v1.0/users/${last.id}?$select=userPrincipalName`)).userPrincipalName,
    ).toBe(last.userPrincipalName);
  });
});

function controlOf(results: ExpectedResults, id: string): ExpectedControl | undefined {
  return results.controls.find((control) => control.id === id);
}

describe('ground truth', () => {
  it('varies the Global Administrator count with the seed: 1 → 3 pass, 2 → 5 fail, 3 → 1 fail', () => {
    const results = [1, 2, 3].map((seed) => expectedResults(tenantOf(seed)));
    const ids = Array.from({ length: 10 }, (_, k) => `CRW-ID-${String(k + 1).padStart(2, '0')}`);
    const identityIds = (r: (typeof results)[number]) =>
      r.controls.map((control) => control.id).filter((id) => id.startsWith('CRW-ID-'));
    expect(results.map(identityIds)).toEqual([ids, ids, ids]);
    expect(results.map((r) => controlOf(r, 'CRW-ID-02')?.status)).toEqual(['pass', 'fail', 'fail']);
    expect(controlOf(results[1]!, 'CRW-ID-02')?.findingAssetNames).toEqual(['tenant2']);
    expect(results.map((r) => controlOf(r, 'CRW-ID-01')?.status)).toEqual(['fail', 'fail', 'fail']);
    // A narrower range turns seed 1 into a failure.
    expect(controlOf(expectedResults(tenantOf(1), { globalAdminRange: [1, 2] }), 'CRW-ID-02')?.status).toBe(
      'fail',
    );
  });

  it.each([1, 2, 3])('seed %i has every kind of privileged holder and MFA gap', (seed) => {
    const description = tenantOf(seed).describe();
    const users = description.users;
    const holdsGa = (user: (typeof users)[number]): boolean =>
      user.roles.some((r) => r.roleDefinitionId === GA);
    const gaRoutes = users
      .filter(holdsGa)
      .flatMap((user) => user.roles.filter((r) => r.roleDefinitionId === GA));
    expect(gaRoutes.some((r) => r.assignment === 'eligible')).toBe(true);
    expect(gaRoutes.some((r) => r.viaGroup !== undefined)).toBe(true);
    expect(gaRoutes.some((r) => r.assignment === 'active' && r.viaGroup === undefined)).toBe(true);
    expect(users.some((user) => holdsGa(user) && !user.accountEnabled)).toBe(true);
    expect(users.some((user) => holdsGa(user) && user.userType === 'Guest' && user.accountEnabled)).toBe(
      true,
    );
    expect(users.some((user) => user.privileged && user.userType === 'Guest' && !holdsGa(user))).toBe(true);
    expect(
      users.some((user) => new Set(user.roles.map((r) => r.roleDefinitionId)).size >= 2 && user.privileged),
    ).toBe(true);
    expect(
      users.some((user) => user.privileged && user.accountEnabled && user.registration === 'notRegistered'),
    ).toBe(true);
    expect(
      users.some((user) => user.privileged && user.accountEnabled && user.registration === 'noRecord'),
    ).toBe(true);
    expect(
      users.some((user) => user.privileged && !user.accountEnabled && user.registration !== 'registered'),
    ).toBe(true);
    const reportsReader = users.find((user) => user.roles.some((r) => r.roleDefinitionId === REPORTS_READER));
    expect(reportsReader).toMatchObject({ privileged: false, registration: 'notRegistered' });

    const id01 = controlOf(expectedResults(tenantOf(seed)), 'CRW-ID-01');
    const findings = id01?.findingAssetNames ?? [];
    expect(findings).toEqual([...findings].sort());
    expect(findings).not.toContain(reportsReader?.userPrincipalName);
    for (const user of users.filter((u) => !u.accountEnabled))
      expect(findings).not.toContain(user.userPrincipalName);
  });

  it('without P2 counts active holders only', () => {
    // Seed 2 (five GA users) loses its eligible-only GA: four remain, inside [2, 4].
    expect(controlOf(expectedResults(tenantOf(2, { p2: false })), 'CRW-ID-02')?.status).toBe('pass');
    const withP2 = controlOf(expectedResults(tenantOf(1)), 'CRW-ID-01')?.findingAssetNames ?? [];
    const withoutP2 =
      controlOf(expectedResults(tenantOf(1, { p2: false })), 'CRW-ID-01')?.findingAssetNames ?? [];
    expect(withoutP2.length).toBeLessThan(withP2.length);
    expect(controlOf(expectedResults(tenantOf(1, { p1: false, p2: false })), 'CRW-ID-01')?.status).toBe(
      'error',
    );
  });

  // Independent of src/controls: reads Graph like a collector would and checks it agrees with the plan's truth.
  it.each([
    [1, true],
    [2, true],
    [3, true],
    [1, false],
    [2, false],
  ])('agrees with what Graph serves (seed %i, P2 %s)', async (seed, p2) => {
    const tenant = tenantOf(seed, { p2 });
    const privileged = new Set(DEFAULT_PRIVILEGED_ROLE_IDS);
    const holders = new Map<string, { upn: string; enabled: boolean; roles: Set<string> }>();
    const addHolder = (principal: Json, roleId: string): void => {
      const entry = holders.get(String(principal.id)) ?? {
        upn: String(principal.userPrincipalName),
        enabled: principal.accountEnabled === true,
        roles: new Set<string>(),
      };
      entry.roles.add(roleId);
      holders.set(String(principal.id), entry);
    };
    const sources = ['/v1.0/roleManagement/directory/roleAssignments?$expand=principal'];
    if (p2) sources.push('/v1.0/roleManagement/directory/roleEligibilitySchedules?$expand=principal');
    for (const source of sources) {
      for (const item of (await fetchAll(tenant, source)).items) {
        const principal = item.principal as Json;
        const roleId = String(item.roleDefinitionId);
        if (principal['@odata.type'] === '#microsoft.graph.user') addHolder(principal, roleId);
        if (principal['@odata.type'] === '#microsoft.graph.group') {
          const members = await fetchAll(
            tenant,
            `/v1.0/groups/${String(principal.id)}/members?$select=id,userPrincipalName,accountEnabled`,
          );
          for (const member of members.items) addHolder(member, roleId);
        }
      }
    }
    const registrations = new Map(
      (await fetchAll(tenant, '/v1.0/reports/authenticationMethods/userRegistrationDetails')).items.map(
        (r) => [String(r.id), r.isMfaRegistered === true],
      ),
    );
    const enabledHolders = [...holders.entries()].filter(([, holder]) => holder.enabled);
    const mfaFindings = enabledHolders
      .filter(([, holder]) => [...holder.roles].some((role) => privileged.has(role)))
      .filter(([id]) => registrations.get(id) !== true)
      .map(([, holder]) => holder.upn)
      .sort();
    const gaCount = enabledHolders.filter(([, holder]) => holder.roles.has(GA)).length;

    const truth = expectedResults(tenant);
    const [id01, id02] = [controlOf(truth, 'CRW-ID-01'), controlOf(truth, 'CRW-ID-02')];
    expect(id01?.findingAssetNames).toEqual(mfaFindings);
    expect(id02?.status).toBe(gaCount >= 2 && gaCount <= 4 ? 'pass' : 'fail');
  });
});
