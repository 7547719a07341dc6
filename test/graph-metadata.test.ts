// sim/graph-metadata: Graph v1.0's CSDL indexed, the request validator on known-good and bad requests, and every
// route and property the sim serves checked against the metadata (over HTTPS, through an audit as the
// integration tests will use it).
import { ClientCertificateCredential } from '@azure/identity';
import { readdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import {
  createGraphRequestAudit,
  exampleUrl,
  graphCsdlPath,
  graphMetadata,
  SIM_GRAPH_ROUTE_EXAMPLES,
  simEntityCatalogues,
  validateBatchBody,
  validateGraphRequest,
  validateGraphResource,
} from '../sim/graph-metadata';
import { startSim, type SimHandle } from '../sim/index';
import { pkcs12ToPem } from '../src/secrets/pkcs12-to-pem';

const ROLE_ID = '62e90394-69f5-4237-9190-012177145e10';

describe('the CSDL index', () => {
  const model = graphMetadata();

  it('knows types with their inheritance, properties and navigation properties', () => {
    expect(model.lineage('microsoft.graph.user').map((type) => type.qualifiedName)).toEqual([
      'microsoft.graph.user',
      'microsoft.graph.directoryObject',
      'microsoft.graph.entity',
    ]);
    expect(model.property('microsoft.graph.user', 'id')?.value.type).toBe('Edm.String');
    expect(model.property('microsoft.graph.user', 'signInActivity')?.value.type).toBe(
      'microsoft.graph.signInActivity',
    );
    expect(model.navigationProperty('microsoft.graph.user', 'memberOf')?.value).toMatchObject({
      type: 'microsoft.graph.directoryObject',
      isCollection: true,
    });
    expect(model.navigationProperty('microsoft.graph.user', 'manager')?.value.isCollection).toBe(false);
    expect(model.derivedTypes('microsoft.graph.directoryObject')).toEqual(
      expect.arrayContaining([
        'microsoft.graph.user',
        'microsoft.graph.group',
        'microsoft.graph.servicePrincipal',
      ]),
    );
  });

  it('knows the container: entity sets and singletons', () => {
    expect(model.containerChild('users')?.value).toEqual({
      kind: 'entitySet',
      name: 'users',
      type: 'microsoft.graph.user',
    });
    expect(model.containerChild('roleManagement')?.value.kind).toBe('singleton');
    expect(model.containerChild('userz')).toBeUndefined();
  });

  it('knows bound actions and functions by binding type', () => {
    const single = (type: string) => ({ type, isCollection: false });
    const many = (type: string) => ({ type, isCollection: true });
    expect(model.boundOperations('sendMail', single('microsoft.graph.user'))).toHaveLength(1);
    expect(model.boundOperations('send', single('microsoft.graph.message'))[0]?.kind).toBe('action');
    expect(model.boundOperations('createUploadSession', many('microsoft.graph.attachment'))).toHaveLength(1);
    // Bound to Collection(directoryObject): callable on every directoryObject collection, /users included.
    expect(model.boundOperations('getByIds', many('microsoft.graph.user'))).toHaveLength(1);
    expect(model.boundOperations('delta', many('microsoft.graph.user'))[0]?.kind).toBe('function');
    expect(model.boundOperations('sendMail', single('microsoft.graph.group'))).toHaveLength(0);
  });

  it('names the missing file in its error', () => {
    const saved = process.env.CRW_GRAPH_CSDL;
    process.env.CRW_GRAPH_CSDL = '/nonexistent/graph.xml';
    try {
      expect(() => graphMetadata()).toThrow(/\/nonexistent\/graph\.xml.*CRW_GRAPH_CSDL/);
    } finally {
      if (saved === undefined) delete process.env.CRW_GRAPH_CSDL;
      else process.env.CRW_GRAPH_CSDL = saved;
    }
    expect(graphCsdlPath({})).toBe(
      path.resolve(__dirname, '..', '..', 'shared', 'reference', 'graph-v1.0-csdl.xml'),
    );
  });
});

describe('validateGraphRequest', () => {
  it.each([
    [
      'GET',
      '/v1.0/users?$select=id,userPrincipalName,signInActivity,assignedLicenses,onPremisesSyncEnabled&$top=500',
    ],
    [
      'GET',
      `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${ROLE_ID}'&$expand=principal`,
    ],
    ['GET', '/v1.0/reports/authenticationMethods/userRegistrationDetails'],
    ['GET', '/v1.0/identity/conditionalAccess/policies'],
    ['GET', '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy'],
    ['GET', '/v1.0/users/{id}/mailFolders/inbox/messageRules'],
    ['POST', '/v1.0/users/{id}/sendMail'],
    ['GET', '/v1.0/subscribedSkus'],
    ['GET', '/v1.0/groups/{id}/members?$select=id,userPrincipalName'],
    ['GET', '/v1.0/roleManagement/directory/roleEligibilitySchedules'],
    ['GET', '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances'],
    ['POST', '/v1.0/users/{id}/messages/{id}/attachments/createUploadSession'],
    ['POST', '/v1.0/users/{id}/messages/{id}/send'],
    ['POST', '/v1.0/directoryObjects/getByIds'],
    ['GET', '/v1.0/groups/{id}/members/microsoft.graph.user?$select=id,userPrincipalName'],
    ['GET', "/v1.0/users('4a2b')/manager/$ref"],
    ['GET', '/v1.0/users/$count?$filter=accountEnabled eq false'],
    ['GET', '/v1.0/users/delta()?$select=id'],
    ['GET', "/v1.0/reports/getOffice365ActiveUserDetail(period='D7')"],
    [
      'GET',
      '/v1.0/users?$expand=memberOf($select=id,displayName;$top=5)&$count=true&$orderby=displayName desc',
    ],
    [
      'GET',
      "/v1.0/users?$filter=assignedLicenses/any(x:x/skuId eq cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46) and startswith(userPrincipalName,'a')",
    ],
    [
      'GET',
      "/v1.0/users?$filter=signInActivity/lastSignInDateTime le 2025-01-01T00:00:00Z&$skiptoken=X'4453'",
    ],
    ['GET', 'https://graph.microsoft.com/v1.0/organization?$select=id,verifiedDomains'],
    ['POST', '/v1.0/$batch'],
  ])('accepts %s %s', (method, url) => {
    expect(validateGraphRequest(method, url)).toEqual([]);
  });

  it.each([
    [
      'GET',
      '/v1.0/users?$select=id,userPrincipalNme',
      /'userPrincipalNme' is not a property of microsoft\.graph\.user/,
    ],
    ['GET', '/v1.0/users?$select=userprincipalname', /declared as 'userPrincipalName'/],
    ['GET', '/v1.0/userz', /Unknown segment 'userz'/],
    ['GET', '/v1.0/users/{id}/mailFolderz/inbox', /Unknown segment 'mailFolderz' after \/users\/\{key\}/],
    ['GET', '/v1.0/roleManagement/directory/roleAssignmentz', /Unknown segment 'roleAssignmentz'/],
    ['GET', '/v1.0/users?$expand=displayName', /'displayName' is a property .* not a navigation property/],
    ['GET', '/v1.0/users?$expand=managr', /'managr' is not a navigation property/],
    ['GET', '/v1.0/users?$select=manager', /navigation property .* use \$expand/],
    ['GET', '/v1.0/users?$frobnicate=1', /Unknown query option '\$frobnicate'/],
    ['GET', '/v1.0/users?select=id', /needs its '\$'/],
    ['GET', '/v1.0/users?$top=5&$top=6', /more than once/],
    ['GET', '/v1.0/users?$top=all', /non-negative integer/],
    ['GET', '/v1.0/users/{id}?$top=5', /\$top applies to collections/],
    ['GET', "/v1.0/users?$filter=userPrincipalNam eq 'x'", /\$filter: 'userPrincipalNam' is not a property/],
    ['GET', "/v1.0/users?$filter=startswith(displayNam,'a')", /'displayNam' is not a property/],
    [
      'GET',
      '/v1.0/users?$filter=assignedLicenses/any(x:x/skuIdd eq 1)',
      /'skuIdd' is not a property of .*assignedLicense/,
    ],
    ['GET', '/v1.0/groups/{id}/members?$orderby=nope', /\$orderby: 'nope' is not a property/],
    ['GET', '/v1.0/users/{id}/sendMail', /action microsoft\.graph\.sendMail takes POST/],
    ['POST', '/v1.0/users/{id}', /single entity takes GET, PATCH, PUT, DELETE/],
    [
      'GET',
      '/v1.0/groups/{id}/members/microsoft.graph.domain',
      /does not derive from microsoft\.graph\.directoryObject/,
    ],
    ['GET', '/v1.0/$batch', /\$batch takes POST/],
    ['GET', '/beta/users', /Not a Graph v1\.0 path/],
  ])('rejects %s %s', (method, url, problem) => {
    const problems = validateGraphRequest(method, url);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('takes URL objects as the sim receives them (placeholders percent-encoded)', () => {
    expect(validateGraphRequest('GET', new URL('https://127.0.0.1:1/v1.0/users/{id}?$select=id'))).toEqual(
      [],
    );
  });
});

describe('validateBatchBody', () => {
  it('accepts a JSON batch of valid requests and checks each one', () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/u${i}`,
    }));
    expect(validateBatchBody({ requests })).toEqual([]);
    expect(validateBatchBody(JSON.stringify({ requests: requests.slice(0, 2) }))).toEqual([]);
    const mail = {
      id: '1',
      method: 'POST',
      url: 'users/x/sendMail',
      body: {},
      headers: { 'Content-Type': 'application/json' },
    };
    expect(validateBatchBody({ requests: [mail] })).toEqual([]);
  });

  it('rejects bad envelopes and bad inner requests', () => {
    const problems = validateBatchBody({
      requests: [
        { id: '1', method: 'GET', url: '/users?$select=nope' },
        { id: '1', method: 'GET', url: '/v1.0/users' },
        { id: '3', method: 'POST', url: '/users/x/sendMail', body: {} },
        { id: '4', method: 'GET', url: '/users', dependsOn: ['9'] },
      ],
    });
    expect(problems).toEqual([
      expect.stringMatching(/requests\[0\] GET \/users\?\$select=nope: .*'nope' is not a property/),
      expect.stringMatching(/requests\[1\]: id '1' is used twice/),
      expect.stringMatching(/requests\[1\]: url '\/v1\.0\/users' must be relative to \/v1\.0/),
      expect.stringMatching(/requests\[2\]: a request with a body needs a Content-Type header/),
      expect.stringMatching(/requests\[3\]: "dependsOn" must list ids/),
    ]);
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' }));
    expect(validateBatchBody({ requests: tooMany })).toEqual([expect.stringMatching(/at most 20/)]);
    expect(validateBatchBody('not json')).toEqual(['$batch body is not JSON']);
  });
});

describe('createGraphRequestAudit', () => {
  it('collects distinct problems of recorded requests, batch bodies included', () => {
    const audit = createGraphRequestAudit();
    audit.record('GET', '/v1.0/users?$select=id');
    audit.record('GET', 'https://127.0.0.1:9/v1.0/users?$select=idd');
    audit.record('GET', 'https://127.0.0.1:9/v1.0/users?$select=idd');
    audit.record('POST', '/v1.0/$batch', { requests: [{ id: '1', method: 'GET', url: '/groupz' }] });
    expect(audit.count()).toBe(4);
    expect(audit.problems()).toEqual([
      expect.stringMatching(/^GET \/v1\.0\/users\?\$select=idd: \$select: 'idd' is not a property/),
      expect.stringMatching(/^POST \/v1\.0\/\$batch: .*requests\[0\] GET \/groupz: Unknown segment 'groupz'/),
    ]);
  });
});

describe('validateGraphResource', () => {
  it('checks member names, @odata.type and expanded navigation properties', () => {
    const assignment = {
      '@odata.context': 'x',
      id: '1',
      roleDefinitionId: ROLE_ID,
      principal: { '@odata.type': '#microsoft.graph.user', id: '2', userPrincipalName: 'a@b', ownerz: 1 },
    };
    expect(validateGraphResource('microsoft.graph.unifiedRoleAssignment', assignment)).toEqual([
      "microsoft.graph.unifiedRoleAssignment.principal: 'ownerz' is not a property of microsoft.graph.user",
    ]);
    expect(
      validateGraphResource('microsoft.graph.user', { '@odata.type': '#microsoft.graph.group' }),
    ).toEqual([
      "microsoft.graph.user: @odata.type '#microsoft.graph.group' does not derive from microsoft.graph.user",
    ]);
    expect(validateGraphResource('microsoft.graph.user', { UserPrincipalName: 'a' })).toEqual([
      "microsoft.graph.user: 'UserPrincipalName' is declared as 'userPrincipalName'",
    ]);
  });
});

describe("the sim's entity catalogues (sim/tenant/graph-*entities.ts)", () => {
  const model = graphMetadata();
  const catalogues = simEntityCatalogues();

  it('are all found', () => {
    // Every `X: EntityTypeCatalogue = { name: '…'` declared in sim/tenant/ must reach simEntityCatalogues().
    const dir = path.join(__dirname, '..', 'sim', 'tenant');
    const declared = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [
          ...readFileSync(path.join(dir, file), 'utf8').matchAll(
            /:\s*EntityTypeCatalogue\s*=\s*\{\s*name:\s*'([^']+)'/g,
          ),
        ].map((match) => match[1]),
      );
    expect(declared).toEqual(expect.arrayContaining(['microsoft.graph.user', 'microsoft.graph.group']));
    expect(catalogues.map((catalogue) => catalogue.name).sort()).toEqual([...declared].sort());
  });

  it.each(catalogues.map((catalogue) => [catalogue.name, catalogue] as const))(
    '%s declares exactly the CSDL properties, and models and defaults only those',
    (name, catalogue) => {
      expect(model.structuredType(name)?.kind).toBe('entity');
      const declared = [...model.properties(name).values()].map((property) => property.name);
      expect([...catalogue.csdlProperties].sort()).toEqual([...declared].sort());
      for (const list of [catalogue.modelledProperties, catalogue.defaultProperties])
        expect(list.filter((property) => !declared.includes(property))).toEqual([]);
    },
  );
});

/** Route path templates of the sim's Graph handlers, read from their `path: [...]` tables in sim/tenant/. */
function simRouteTemplates(): string[] {
  const dir = path.join(__dirname, '..', 'sim', 'tenant');
  const templates = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    for (const match of source.matchAll(/\bpath:\s*\[([^\]]*)\]/g)) {
      const segments = [...(match[1] ?? '').matchAll(/'([^']*)'/g)].map((segment) => segment[1] ?? '');
      if (segments.length > 0) templates.add(`/v1.0/${segments.join('/')}`);
    }
  }
  return [...templates];
}

/** "/v1.0/users/{user-id}?…" → "/v1.0/users/{}" for comparing with route templates. */
const routeShape = (url: string): string => (url.split('?')[0] ?? '').replace(/\{[^}]*\}/g, '{}');

describe('every route the sim serves', () => {
  const templates = simRouteTemplates();

  it('is found in sim/tenant/', () => {
    expect(templates).toEqual(expect.arrayContaining(['/v1.0/users', '/v1.0/groups/{id}/members']));
  });

  it.each(templates)('%s exists in Graph v1.0 and has an example in SIM_GRAPH_ROUTE_EXAMPLES', (template) => {
    expect(validateGraphRequest('GET', template)).toEqual([]);
    expect(SIM_GRAPH_ROUTE_EXAMPLES.map((example) => routeShape(example.url))).toContain(
      routeShape(template),
    );
  });
});

describe('the sim answering its route examples over HTTPS', () => {
  let sim: SimHandle;
  let ca: string;
  let token: string;
  const audit = createGraphRequestAudit();

  function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const target = new URL(url, sim.ready.graphUrl);
    audit.record('GET', target);
    return new Promise((resolve, reject) => {
      const req = https.request(target, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  const values = (body: Record<string, unknown>): Record<string, unknown>[] =>
    (body.value ?? []) as Record<string, unknown>[];

  beforeAll(async () => {
    sim = await startSim({ tenants: [{ name: 'contoso', seed: 1, users: 60, credential: 'certificate' }] });
    ca = readFileSync(sim.ready.caFile, 'utf8');
    const contoso = sim.ready.tenants[0]!;
    const pem = pkcs12ToPem(sim.keyVaultItemValue(contoso.credential.name) ?? '');
    const credential = new ClientCertificateCredential(
      contoso.tenantId,
      contoso.clientId,
      { certificate: pem },
      { authorityHost: sim.ready.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } },
    );
    token = (await credential.getToken('https://graph.microsoft.com/.default')).token;
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('serves each example with only properties Graph declares, and sends only valid requests', async () => {
    // Placeholder values from the sim itself.
    const users = values((await get('/v1.0/users?$select=id&$top=1')).body);
    const registrations = values(
      (await get('/v1.0/reports/authenticationMethods/userRegistrationDetails?$select=id&$top=1')).body,
    );
    const assignments = values(
      (await get('/v1.0/roleManagement/directory/roleAssignments?$expand=principal')).body,
    );
    const policies = values((await get('/v1.0/identity/conditionalAccess/policies?$select=id')).body);
    const group = assignments
      .map((assignment) => assignment.principal as Record<string, unknown>)
      .find((principal) => principal['@odata.type'] === '#microsoft.graph.group');
    const placeholders: Record<string, unknown> = {
      '{user-id}': users[0]?.id,
      '{registered-user-id}': registrations[0]?.id,
      '{group-id}': group?.id,
      '{role-definition-id}': assignments[0]?.roleDefinitionId,
      '{ca-policy-id}': policies[0]?.id,
    };
    for (const [name, value] of Object.entries(placeholders))
      expect([name, typeof value]).toEqual([name, 'string']);

    for (const example of SIM_GRAPH_ROUTE_EXAMPLES) {
      let url = exampleUrl(example);
      for (const [name, value] of Object.entries(placeholders)) url = url.split(name).join(String(value));
      expect([url, validateGraphRequest(example.method, url)]).toEqual([url, []]);
      const response = await get(url);
      expect([url, response.status]).toEqual([url, 200]);
      const resources = 'value' in response.body ? values(response.body) : [response.body];
      expect([url, resources.length > 0]).toEqual([url, true]);
      const problems = resources.flatMap((resource) => validateGraphResource(example.entityType, resource));
      expect([url, problems]).toEqual([url, []]);
    }
    expect(audit.count()).toBeGreaterThan(SIM_GRAPH_ROUTE_EXAMPLES.length);
    expect(audit.problems()).toEqual([]);
  });
});
