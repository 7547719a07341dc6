// sim/control-api: the sim's controls over HTTP under /_sim (JSON, off the Microsoft paths), mirrored by the
// in-process SimHandle; and the CLI flags (--throttling, --fault, --faults) with controlUrl in the ready file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startSim, type SimHandle } from '../sim';
import { rawRequest, tenantToken, workerVaultToken, type RawResponse } from './helpers/sim-raw-http';

let sim: SimHandle;
let ca: string;

function control(method: string, route: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(`${sim.ready.controlUrl}${route}`, {
    method,
    ca,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  });
}

beforeAll(async () => {
  sim = await startSim({ tenants: [{ name: 'northwind', seed: 8, users: 50, credential: 'secret' }] });
  ca = readFileSync(sim.ready.caFile, 'utf8');
});

afterAll(async () => {
  await sim?.stop();
});

test('the control API lives under /_sim on the sim origin and lists its routes', async () => {
  expect(sim.ready.controlUrl).toBe(`${sim.ready.authorityHost}/_sim`);
  const index = await control('GET', '');
  expect(index.status).toBe(200);
  expect(index.json<{ routes: string[] }>().routes).toContain('GET /_sim/stats');
  expect((await control('GET', '/nothing')).status).toBe(404);
  expect((await control('DELETE', '/stats')).status).toBe(405);
});

test('throttling on/off round trip, mirrored by the handle', async () => {
  expect((await control('GET', '/throttling')).json()).toEqual({ enabled: false });
  expect((await control('PUT', '/throttling', { enabled: true })).json()).toEqual({ enabled: true });
  expect(sim.throttlingEnabled()).toBe(true);
  sim.setThrottling(false);
  expect((await control('GET', '/throttling')).json()).toEqual({ enabled: false });
  expect((await control('PUT', '/throttling', { enabled: 'yes' })).status).toBe(400);
  expect((await control('PUT', '/throttling', '{not json')).status).toBe(400);
});

test('faults: set, add, read with counters, act on requests, clear', async () => {
  const token = await tenantToken(sim, ca, 'northwind');
  const users = () =>
    rawRequest(`${sim.ready.graphUrl}/v1.0/users?$top=1`, {
      ca,
      headers: { authorization: `Bearer ${token}` },
    });

  const set = await control('PUT', '/faults', { seed: 3, rules: [{ fault: 'http-503', once: true }] });
  expect(set.status).toBe(200);
  expect((await control('POST', '/faults', { fault: 'http-500', after: 1, once: true })).status).toBe(200);
  expect((await users()).status).toBe(503);
  expect((await users()).status).toBe(500);
  expect((await users()).status).toBe(200);
  expect((await control('GET', '/faults')).json()).toEqual({
    rules: [
      { fault: 'http-503', once: true, matched: 3, fired: 1 },
      { fault: 'http-500', after: 1, once: true, matched: 3, fired: 1 },
    ],
  });
  expect(sim.faults()).toHaveLength(2);

  const bad = await control('POST', '/faults', { fault: 'http-503', rate: 3 });
  expect(bad.status).toBe(400);
  expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/body\.rate/);
  expect((await control('DELETE', '/faults')).status).toBe(204);
  expect((await control('GET', '/faults')).json()).toEqual({ rules: [] });
  expect((await users()).status).toBe(200);
});

test('stats and reset: Graph families and routes, token requests, Key Vault reads per item', async () => {
  const token = await tenantToken(sim, ca, 'northwind');
  await rawRequest(`${sim.ready.graphUrl}/v1.0/users?$top=1`, {
    ca,
    headers: { authorization: `Bearer ${token}` },
  });
  const item = sim.ready.tenants[0]!.credential.name;
  const vaultToken = await workerVaultToken(sim, ca);
  await rawRequest(`${sim.ready.keyVaultUrl}/secrets/${item}/?api-version=2025-07-01`, {
    ca,
    headers: { authorization: `Bearer ${vaultToken}` },
  });

  const stats = (await control('GET', '/stats')).json<ReturnType<SimHandle['stats']>>();
  expect(stats.graphTraffic.families.identity.requests).toBeGreaterThanOrEqual(1);
  expect(stats.graphTraffic.routes['GET /v1.0/users']?.requests).toBeGreaterThanOrEqual(1);
  expect(stats.keyVaultReads[item]).toBeGreaterThanOrEqual(1);
  expect(stats.tokenRequests[sim.ready.tenants[0]!.clientId]).toBeGreaterThanOrEqual(1);
  expect(stats).toEqual(sim.stats());

  expect((await control('POST', '/stats/reset')).status).toBe(204);
  const reset = sim.stats();
  expect(reset).toMatchObject({
    tokenRequests: {},
    keyVaultReads: {},
    graphRequests: {},
    managedIdentityRequests: 0,
    faultsFired: {},
  });
  expect(reset.graphTraffic.families.identity).toEqual({ requests: 0, throttled: 0 });
});

test('tokens: lifetime and revocation (now, or after N Graph requests)', async () => {
  expect((await control('PUT', '/tokens/lifetime', { seconds: 120 })).json()).toEqual({ seconds: 120 });
  expect(sim.tokenLifetime()).toBe(120);
  const token = await tenantToken(sim, ca, 'northwind');
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  expect(claims.exp - claims.iat).toBe(120);
  expect((await control('PUT', '/tokens/lifetime', { seconds: 0 })).status).toBe(400);
  sim.setTokenLifetime(3600);

  const users = () =>
    rawRequest(`${sim.ready.graphUrl}/v1.0/users?$top=1`, {
      ca,
      headers: { authorization: `Bearer ${token}` },
    });
  expect((await control('POST', '/tokens/revoke', { afterGraphRequests: 1 })).status).toBe(204);
  expect((await users()).status).toBe(200);
  expect((await users()).status).toBe(401);
  sim.clearFaults();

  const fresh = await tenantToken(sim, ca, 'northwind');
  expect((await control('POST', '/tokens/revoke')).status).toBe(204);
  const revoked = await rawRequest(`${sim.ready.graphUrl}/v1.0/users?$top=1`, {
    ca,
    headers: { authorization: `Bearer ${fresh}` },
  });
  expect(revoked.status).toBe(401);
});

test('credential rotation and Key Vault items: enable / disable', async () => {
  const info = sim.ready.tenants[0]!;
  const before = sim.keyVaultItemValue(info.credential.name);
  const rotated = await control('POST', `/tenants/${info.name}/rotate-credential`, { keepOld: true });
  expect(rotated.status).toBe(200);
  expect(rotated.json()).toEqual({
    itemName: info.credential.name,
    version: expect.stringMatching(/^[0-9a-f]{32}$/),
  });
  expect(sim.keyVaultItemValue(info.credential.name)).not.toBe(before);
  expect((await control('POST', '/tenants/nobody/rotate-credential')).status).toBe(404);

  const vaultToken = await workerVaultToken(sim, ca);
  const read = () =>
    rawRequest(`${sim.ready.keyVaultUrl}/secrets/${info.credential.name}/?api-version=2025-07-01`, {
      ca,
      headers: { authorization: `Bearer ${vaultToken}` },
    });
  const disabled = await control('PUT', `/keyvault/secrets/${info.credential.name}`, { enabled: false });
  expect(disabled.json()).toEqual({ name: info.credential.name, enabled: false });
  expect((await read()).json()).toMatchObject({ error: { innererror: { code: 'SecretDisabled' } } });
  await control('PUT', `/keyvault/secrets/${info.credential.name}`, { enabled: true });
  expect((await read()).status).toBe(200);
  expect((await control('PUT', '/keyvault/secrets/missing-item', { enabled: false })).status).toBe(404);
});

test('mail: [] until a mailbox is registered, then what it recorded', async () => {
  expect((await control('GET', '/mail')).json()).toEqual({ messages: [] });
  const sent: unknown[] = [{ subject: 'report' }];
  sim.registerMailbox({ list: () => sent, clear: () => sent.splice(0) });
  expect((await control('GET', '/mail')).json()).toEqual({ messages: [{ subject: 'report' }] });
  expect((await control('DELETE', '/mail')).status).toBe(204);
  expect(sim.mail()).toEqual([]);
});

describe('CLI', () => {
  const main = path.resolve(__dirname, '../dist/sim/main.js');
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crw-sim-cli-'));
  });

  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(args: string[]): Promise<{ code: number | null; output: string }> {
    const started = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => started.on('exit', resolve));
    return { code, output };
  }

  test('--help documents --throttling, --fault and --faults; a bad --fault is a usage error', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/--throttling <state>/);
    expect(help.output).toMatch(/--fault <KIND\[@TARGET\]=WHEN>/);
    expect(help.output).toMatch(/--faults <file>/);
    expect(help.output).toMatch(/controlUrl/);
    const bad = await run([
      '--users',
      '50',
      '--ready-file',
      path.join(dir, 'x.json'),
      '--fault',
      'http-503=7',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/rate: expected a number from 0 to 1/);
  });

  test('flags reach the running sim; the ready file names the control API', async () => {
    const readyFile = path.join(dir, 'ready.json');
    const faultsFile = path.join(dir, 'faults.json');
    writeFileSync(
      faultsFile,
      JSON.stringify({ seed: 9, rules: [{ fault: 'slow', latencyMs: 5, times: 1 }] }),
    );
    child = spawn(
      process.execPath,
      [
        main,
        ...['--users', '50', '--credential', 'secret', '--ready-file', readyFile, '--throttling', 'on'],
        ...['--faults', faultsFile, '--fault', 'http-503@keyvault=once', '--fault', 'revoke-tokens=after:10'],
      ],
      { stdio: 'ignore' },
    );
    for (let waited = 0; !existsSync(readyFile); waited += 50) {
      if (waited > 30_000) throw new Error('the sim did not write its ready file');
      await delay(50);
    }
    const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { controlUrl: string; caFile: string };
    const cliCa = readFileSync(ready.caFile, 'utf8');
    const throttling = await rawRequest(`${ready.controlUrl}/throttling`, { ca: cliCa });
    expect(throttling.json()).toEqual({ enabled: true });
    const faults = await rawRequest(`${ready.controlUrl}/faults`, { ca: cliCa });
    expect(faults.json<{ rules: { fault: string; target?: string }[] }>().rules).toEqual([
      expect.objectContaining({ fault: 'slow', latencyMs: 5, times: 1 }),
      expect.objectContaining({ fault: 'http-503', target: 'keyvault', once: true }),
      expect.objectContaining({ fault: 'revoke-tokens', after: 10 }),
    ]);
  });
});
