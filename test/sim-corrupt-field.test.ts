// sim/faults corrupt-field: data off the documented shape over HTTPS. A chosen member of a chosen route's items is
// dropped, nulled or set to a value Graph does not document (Graph collections, single entities, $batch items by
// their own path, Exchange rows by cmdlet); only members the item has change, so the CSDL check still holds.
import { readFileSync } from 'node:fs';
import { startSim, type SimHandle } from '../sim';
import { FaultRuleError, parseFaultFlag, parseFaultRule } from '../sim/faults/fault-rules';
import { validateGraphResource } from '../sim/graph-metadata';
import { rawRequest, tenantToken, type RawResponse } from './helpers/sim-raw-http';

type Json = Record<string, unknown>;

let sim: SimHandle;
let ca: string;
let graphToken: string;
let exchangeToken: string;

function graph(pathAndQuery: string, init: { method?: string; body?: string } = {}): Promise<RawResponse> {
  return rawRequest(`${sim.ready.graphUrl}${pathAndQuery}`, {
    ca,
    ...init,
    headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
  });
}

async function exchangeRows(cmdlet: string): Promise<Json[]> {
  const tenant = sim.ready.tenants[0]!;
  const res = await rawRequest(`${sim.ready.exchangeUrl}/adminapi/beta/${tenant.tenantId}/InvokeCommand`, {
    method: 'POST',
    ca,
    headers: { authorization: `Bearer ${exchangeToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: {} } }),
  });
  expect(res.status).toBe(200);
  return res.json<{ value: Json[] }>().value;
}

async function policies(): Promise<Json[]> {
  const res = await graph('/v1.0/identity/conditionalAccess/policies');
  expect(res.status).toBe(200);
  return res.json<{ value: Json[] }>().value;
}

beforeAll(async () => {
  sim = await startSim({ tenants: [{ name: 'tailspin', seed: 1, users: 60, credential: 'secret' }] });
  ca = readFileSync(sim.ready.caFile, 'utf8');
  graphToken = await tenantToken(sim, ca, 'tailspin');
  exchangeToken = await tenantToken(sim, ca, 'tailspin', { scope: 'https://outlook.office365.com/.default' });
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => {
  sim.clearFaults();
  sim.resetStats();
});

describe('corrupt-field on Graph', () => {
  test('set: every item of a collection page gets the value; the sim keeps its own data', async () => {
    const before = await policies();
    sim.addFault({
      fault: 'corrupt-field',
      path: '^/v1\\.0/identity/conditionalAccess/policies$',
      field: 'state',
      corruption: 'set',
      value: 'enabledWithGracePeriod',
    });
    const after = await policies();
    expect(after.map((p) => p['state'])).toEqual(before.map(() => 'enabledWithGracePeriod'));
    expect(after.map((p) => p['id'])).toEqual(before.map((p) => p['id']));
    expect(sim.faults()).toEqual([expect.objectContaining({ fault: 'corrupt-field', matched: 1, fired: 1 })]);
    expect(sim.stats().faultsFired).toEqual({ 'corrupt-field': 1 });
    sim.clearFaults();
    expect((await policies()).map((p) => p['state'])).toEqual(before.map((p) => p['state']));
  });

  test('drop and null a nested member of the items a `where` selects; a corrupted resource stays valid CSDL', async () => {
    const [first, second] = await policies();
    const name = String(first!['displayName']);
    sim.setFaults([
      {
        fault: 'corrupt-field',
        path: 'conditionalAccess/policies$',
        field: 'conditions.clientAppTypes',
        corruption: 'drop',
        where: { displayName: name },
      },
      {
        fault: 'corrupt-field',
        path: 'conditionalAccess/policies$',
        field: 'conditions.users',
        corruption: 'null',
        where: { displayName: name },
      },
    ]);
    const [corrupted, untouched] = await policies();
    const conditions = corrupted!['conditions'] as Json;
    expect(conditions).not.toHaveProperty('clientAppTypes');
    expect(conditions['users']).toBeNull();
    expect(untouched).toEqual(second);
    expect(validateGraphResource('microsoft.graph.conditionalAccessPolicy', corrupted)).toEqual([]);
  });

  test('never adds a member the item does not have; a single entity is corrupted as one item', async () => {
    sim.addFault({ fault: 'corrupt-field', field: 'noSuchMember', corruption: 'set', value: 1 });
    sim.addFault({
      fault: 'corrupt-field',
      path: '^/v1\\.0/policies/identitySecurityDefaultsEnforcementPolicy$',
      field: 'isEnabled',
      corruption: 'set',
      value: 'sometimes',
    });
    const defaults = (await graph('/v1.0/policies/identitySecurityDefaultsEnforcementPolicy')).json();
    expect(defaults['isEnabled']).toBe('sometimes');
    expect(defaults).not.toHaveProperty('noSuchMember');
    const users = (await graph('/v1.0/users?$select=id,userPrincipalName&$top=5')).json<{ value: Json[] }>();
    expect(users.value.every((u) => !('noSuchMember' in u))).toBe(true);
  });

  test('annotations and expanded members: principal.@odata.type', async () => {
    sim.addFault({
      fault: 'corrupt-field',
      path: '/roleAssignmentScheduleInstances$',
      field: 'principal.@odata.type',
      corruption: 'drop',
    });
    const res = await graph(
      '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal',
    );
    const items = res.json<{ value: Array<{ principal: Json }> }>().value;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => !('@odata.type' in i.principal) && typeof i.principal['id'] === 'string')).toBe(
      true,
    );
  });

  test('$batch items are matched and corrupted by their own path; triggers count per item', async () => {
    const rulesPath = (id: unknown) => `/users/${String(id)}/mailFolders/inbox/messageRules`;
    const withRules: string[] = [];
    for (const mailbox of await exchangeRows('Get-Mailbox')) {
      const res = await graph(`/v1.0${rulesPath(mailbox['ExternalDirectoryObjectId'])}`);
      if (res.status === 200 && res.json<{ value: Json[] }>().value.length > 0)
        withRules.push(rulesPath(mailbox['ExternalDirectoryObjectId']));
      if (withRules.length === 3) break;
    }
    expect(withRules).toHaveLength(3);
    sim.addFault({
      fault: 'corrupt-field',
      path: '/mailFolders/inbox/messageRules$',
      field: 'isEnabled',
      corruption: 'null',
      times: 2,
    });
    const requests = withRules.map((url, i) => ({ id: String(i), method: 'GET', url }));
    requests.push({ id: 'other', method: 'GET', url: '/users?$top=1' });
    const res = await graph('/v1.0/$batch', { method: 'POST', body: JSON.stringify({ requests }) });
    const responses = res.json<{
      responses: Array<{ id: string; status: number; body: { value: Json[] } }>;
    }>().responses;
    const nulled = responses.filter(
      (r) => r.id !== 'other' && r.body.value.every((rule) => rule['isEnabled'] === null),
    );
    expect(nulled).toHaveLength(2);
    expect(sim.faults()[0]).toMatchObject({ matched: 3, fired: 2 });
    expect(responses.find((r) => r.id === 'other')?.status).toBe(200);
  });
});

describe('corrupt-field on Exchange', () => {
  test('only the named cmdlet is corrupted', async () => {
    sim.addFault({
      fault: 'corrupt-field',
      target: 'exchange',
      cmdlet: 'get-mailbox',
      field: 'RecipientTypeDetails',
      corruption: 'drop',
    });
    const mailboxes = await exchangeRows('Get-Mailbox');
    expect(mailboxes.length).toBeGreaterThan(0);
    expect(
      mailboxes.every((m) => !('RecipientTypeDetails' in m) && typeof m['PrimarySmtpAddress'] === 'string'),
    ).toBe(true);
    const domains = await exchangeRows('Get-AcceptedDomain');
    expect(domains.every((d) => typeof d['DomainName'] === 'string')).toBe(true);
    expect(sim.faults()[0]).toMatchObject({ matched: 1, fired: 1 });
  });
});

describe('corrupt-field rules as written', () => {
  test('field and corruption are required, value only with set; cmdlet only for exchange', () => {
    expect(parseFaultRule({ fault: 'corrupt-field', field: 'state', corruption: 'set', value: 'x' })).toEqual(
      {
        fault: 'corrupt-field',
        field: 'state',
        corruption: 'set',
        value: 'x',
      },
    );
    expect(() => parseFaultRule({ fault: 'corrupt-field', corruption: 'drop' })).toThrow(/fault\.field/);
    expect(() => parseFaultRule({ fault: 'corrupt-field', field: 'a..b', corruption: 'drop' })).toThrow(
      /fault\.field/,
    );
    expect(() => parseFaultRule({ fault: 'corrupt-field', field: 'state', corruption: 'set' })).toThrow(
      /fault\.value: required with corruption "set"/,
    );
    expect(() =>
      parseFaultRule({ fault: 'corrupt-field', field: 'state', corruption: 'null', value: 1 }),
    ).toThrow(/fault\.value/);
    expect(() => parseFaultRule({ fault: 'corrupt-field', field: 's', corruption: 'mangle' })).toThrow(
      /corruption: expected one of drop, null, set/,
    );
    expect(() =>
      parseFaultRule({ fault: 'corrupt-field', field: 's', corruption: 'drop', where: { a: [1] } }),
    ).toThrow(/fault\.where/);
    expect(() => parseFaultRule({ fault: 'http-500', field: 'state' })).toThrow(
      /apply to corrupt-field only/,
    );
    expect(() =>
      parseFaultRule({ fault: 'corrupt-field', target: 'keyvault', field: 's', corruption: 'drop' }),
    ).toThrow(/applies to graph or exchange only/);
    expect(() => parseFaultRule({ fault: 'http-500', cmdlet: 'Get-Mailbox' })).toThrow(FaultRuleError);
    expect(() => parseFaultFlag('corrupt-field=once')).toThrow(
      /corrupt-field needs a field: give it with --faults FILE/,
    );
    expect(parseFaultRule({ fault: 'http-503', target: 'exchange', cmdlet: 'Get-Mailbox' })).toEqual({
      fault: 'http-503',
      target: 'exchange',
      cmdlet: 'Get-Mailbox',
    });
  });
});
