// sim/faults: every fault is observable through real requests over HTTPS; triggers (rate with a seed, once,
// after N, times, for a period) behave as documented. Time-based triggers run on a fake clock; slow responses are
// seen through an injected sleep, never by timing them.
import { ClientSecretCredential } from '@azure/identity';
import { readFileSync } from 'node:fs';
import { startSim, type SimHandle } from '../sim';
import { FaultRuleError, parseFaultFlag, parseFaultsDocument } from '../sim/faults/fault-rules';
import { rawRequest, tenantToken, workerVaultToken, type RawResponse } from './helpers/sim-raw-http';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

let sim: SimHandle;
let ca: string;
let token: string;
let now = 5_000_000;
const sleeps: number[] = [];

function graph(pathAndQuery: string, bearer = token): Promise<RawResponse> {
  return rawRequest(`${sim.ready.graphUrl}${pathAndQuery}`, {
    ca,
    headers: { authorization: `Bearer ${bearer}` },
  });
}

beforeAll(async () => {
  sim = await startSim({
    tenants: [{ name: 'wingtip', seed: 5, users: 60, credential: 'secret' }],
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  ca = readFileSync(sim.ready.caFile, 'utf8');
  token = await tenantToken(sim, ca, 'wingtip');
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => {
  sim.clearFaults();
  sim.resetStats();
});

describe('Graph faults', () => {
  test('http-500 once: one 500 generalException in Graph shape, then normal answers', async () => {
    sim.addFault({ fault: 'http-500', once: true });
    const failed = await graph('/v1.0/users?$top=1');
    expect(failed.status).toBe(500);
    expect(failed.json()).toMatchObject({ error: { code: 'generalException', innerError: {} } });
    expect(failed.headers['retry-after']).toBeUndefined();
    expect((await graph('/v1.0/users?$top=1')).status).toBe(200);
    expect(sim.faults()).toEqual([expect.objectContaining({ fault: 'http-500', matched: 2, fired: 1 })]);
    expect(sim.stats().faultsFired).toEqual({ 'http-500': 1 });
  });

  test('http-503 with and without Retry-After', async () => {
    sim.setFaults([
      { fault: 'http-503', times: 1, retryAfterSeconds: 2.5 },
      { fault: 'http-503', after: 1, once: true },
    ]);
    const withHeader = await graph('/v1.0/users?$top=1');
    expect(withHeader.status).toBe(503);
    expect(withHeader.headers['retry-after']).toBe('2.5');
    expect(withHeader.json()).toMatchObject({ error: { code: 'serviceNotAvailable' } });
    const without = await graph('/v1.0/users?$top=1');
    expect(without.status).toBe(503);
    expect(without.headers['retry-after']).toBeUndefined();
    expect((await graph('/v1.0/users?$top=1')).status).toBe(200);
  });

  test('drop-connection: the socket closes without a response', async () => {
    sim.addFault({ fault: 'drop-connection', once: true, path: '^/v1\\.0/users$' });
    await expect(graph('/v1.0/users?$top=1')).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect((await graph('/v1.0/users?$top=1')).status).toBe(200);
  });

  test('slow: the response waits latencyMs (seen through the injected sleep)', async () => {
    sleeps.length = 0;
    sim.addFault({ fault: 'slow', latencyMs: 250, times: 2 });
    for (let i = 0; i < 3; i++) expect((await graph('/v1.0/users?$top=1')).status).toBe(200);
    expect(sleeps).toEqual([250, 250]);
  });

  test('revoke tokens after N Graph requests: request N+1 gets 401, a new token works', async () => {
    const own = await tenantToken(sim, ca, 'wingtip');
    await sim.revokeTokens({ afterGraphRequests: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graph('/v1.0/users?$top=1', own)).status);
    expect(statuses).toEqual([200, 200, 200, 401]);
    token = await tenantToken(sim, ca, 'wingtip');
    expect((await graph('/v1.0/users?$top=1')).status).toBe(200);
  });

  test('CAE claims challenge: 401 insufficient_claims until a token is requested with the claims', async () => {
    sim.addFault({ fault: 'claims-challenge', once: true });
    const challenged = await graph('/v1.0/users?$top=1');
    expect(challenged.status).toBe(401);
    expect(challenged.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const header = String(challenged.headers['www-authenticate']);
    expect(header).toMatch(
      /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$/,
    );
    const claims = Buffer.from(/claims="([^"]+)"/.exec(header)?.[1] ?? '', 'base64').toString('utf8');
    const nbf = Number(JSON.parse(claims).access_token.nbf.value);
    expect(JSON.parse(claims)).toEqual({ access_token: { nbf: { essential: true, value: String(nbf) } } });
    expect(nbf).toBeGreaterThan(Date.now() / 1000 - 5);

    // The old token stays refused (the fault fired once; the challenge stands).
    expect((await graph('/v1.0/users?$top=1')).status).toBe(401);
    // What a client does: @azure/identity passes the decoded claims to the token endpoint (bypassing its cache).
    const info = sim.ready.tenants[0]!;
    const credential = new ClientSecretCredential(
      info.tenantId,
      info.clientId,
      sim.keyVaultItemValue(info.credential.name)!,
      { authorityHost: sim.ready.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } },
    );
    await credential.getToken(GRAPH_SCOPE);
    const answered = await credential.getToken(GRAPH_SCOPE, { claims });
    expect((await graph('/v1.0/users?$top=1', answered.token)).status).toBe(200);
    token = await tenantToken(sim, ca, 'wingtip', { claims });
    expect((await graph('/v1.0/users?$top=1')).status).toBe(200);

    await expect(tenantToken(sim, ca, 'wingtip', { claims: 'not json' })).rejects.toThrow(/AADSTS90100/);
  });

  test('nextlink-loop: a page reached through a nextLink names that same link again', async () => {
    sim.addFault({ fault: 'nextlink-loop', once: true });
    const first = (await graph('/v1.0/users?$top=10')).json();
    const link = String(first['@odata.nextLink']);
    expect(link).toContain('$skiptoken=');
    const second = (await graph(link.slice(sim.ready.graphUrl.length))).json();
    expect(second['@odata.nextLink']).toBe(link);
    // Fired once: following the link again moves on.
    const again = (await graph(link.slice(sim.ready.graphUrl.length))).json();
    expect(again['@odata.nextLink']).not.toBe(link);
  });

  test('rate: the same seed gives the same faults', async () => {
    const run = async (): Promise<number[]> => {
      sim.setFaults({ seed: 7, rules: [{ fault: 'http-500', rate: 0.5 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await graph('/v1.0/users?$top=1')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });
});

describe('Key Vault and token endpoint faults', () => {
  const secretUrl = () =>
    `${sim.ready.keyVaultUrl}/secrets/${sim.ready.tenants[0]!.credential.name}/?api-version=2025-07-01`;

  test('Key Vault outage for N requests, then for a period (fake clock)', async () => {
    const vaultToken = await workerVaultToken(sim, ca);
    const read = () => rawRequest(secretUrl(), { ca, headers: { authorization: `Bearer ${vaultToken}` } });

    sim.addFault({ fault: 'http-503', target: 'keyvault', times: 2, retryAfterSeconds: 1 });
    const outage = await read();
    expect(outage.status).toBe(503);
    expect(outage.json()).toMatchObject({ error: { code: 'ServiceUnavailable' } });
    expect(outage.headers['retry-after']).toBe('1');
    expect((await read()).status).toBe(503);
    expect((await read()).status).toBe(200);
    // Graph is not affected by a Key Vault fault.
    sim.setFaults([{ fault: 'http-503', target: 'keyvault', durationMs: 30_000 }]);
    expect((await graph('/v1.0/users?$top=1')).status).toBe(200);
    expect((await read()).status).toBe(503);
    now += 29_999;
    expect((await read()).status).toBe(503);
    now += 1;
    expect((await read()).status).toBe(200);
  });

  test('a disabled Key Vault item answers 403 Forbidden / SecretDisabled until enabled again', async () => {
    const vaultToken = await workerVaultToken(sim, ca);
    const read = () => rawRequest(secretUrl(), { ca, headers: { authorization: `Bearer ${vaultToken}` } });
    sim.setKeyVaultItemEnabled(sim.ready.tenants[0]!.credential.name, false);
    const disabled = await read();
    expect(disabled.status).toBe(403);
    expect(disabled.json()).toMatchObject({
      error: { code: 'Forbidden', innererror: { code: 'SecretDisabled' } },
    });
    sim.setKeyVaultItemEnabled(sim.ready.tenants[0]!.credential.name, true);
    expect((await read()).status).toBe(200);
    expect(() => sim.setKeyVaultItemEnabled('no-such-item', false)).toThrow(/No Key Vault item/);
  });

  test('token endpoint 503 in Entra shape; the managed identity endpoint can fail too', async () => {
    sim.setFaults([
      { fault: 'http-503', target: 'token', once: true },
      { fault: 'http-500', target: 'managed-identity', once: true },
    ]);
    await expect(tenantToken(sim, ca, 'wingtip')).rejects.toThrow(/503 .*temporarily_unavailable/);
    await expect(tenantToken(sim, ca, 'wingtip')).resolves.toBeTruthy();
    const mi = `${sim.ready.imdsAuthorityHost}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`;
    expect((await rawRequest(mi, { headers: { Metadata: 'true' } })).status).toBe(500);
    expect((await rawRequest(mi, { headers: { Metadata: 'true' } })).status).toBe(200);
  });
});

describe('fault rules as written', () => {
  test('CLI flags: KIND[@TARGET]=RATE|once|after:N', () => {
    expect(parseFaultFlag('http-503=0.05')).toEqual({ fault: 'http-503', rate: 0.05 });
    expect(parseFaultFlag('http-503@keyvault=once')).toEqual({
      fault: 'http-503',
      target: 'keyvault',
      once: true,
    });
    expect(parseFaultFlag('revoke-tokens=after:100')).toEqual({ fault: 'revoke-tokens', after: 100 });
    expect(() => parseFaultFlag('http-503=2')).toThrow(/rate: expected a number from 0 to 1/);
    expect(() => parseFaultFlag('teapot=0.1')).toThrow(FaultRuleError);
    expect(() => parseFaultFlag('claims-challenge@keyvault=once')).toThrow(/applies to graph only/);
  });

  test('documents: an array or {seed, rules}; unknown fields and bad paths are named', () => {
    expect(parseFaultsDocument({ seed: 3, rules: [{ fault: 'slow', latencyMs: 10 }] })).toEqual({
      seed: 3,
      rules: [{ fault: 'slow', latencyMs: 10 }],
    });
    expect(() => parseFaultsDocument([{ fault: 'slow', latency: 10 }])).toThrow(/faults\[0\]: unknown field/);
    expect(() => parseFaultsDocument([{ fault: 'slow', path: '(' }])).toThrow(/faults\[0\]\.path/);
    expect(() => sim.setFaults([{ fault: 'http-500', rate: -1 }])).toThrow(FaultRuleError);
  });
});
