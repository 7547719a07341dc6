// sim core (CA/TLS, Entra ID token endpoint, managed identity, Key Vault, Graph front door) against the REAL
// Azure SDK clients over real HTTPS on 127.0.0.1; raw requests only where no SDK path exists (IMDS, errors).
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { createHash, createPrivateKey, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { startSim, type SimHandle } from '../sim/index';
import type { AccessTokenClaims } from '../sim/types';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const VAULT_SCOPE = 'https://vault.azure.net/.default';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
}

let sim: SimHandle;
let ca: string;

function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      { method: init.method ?? 'GET', headers: init.headers, ...(target.protocol === 'https:' && { ca }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function claimsOf(accessToken: string): AccessTokenClaims {
  return JSON.parse(
    Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
  ) as AccessTokenClaims;
}

function sdkOptions() {
  return { authorityHost: sim.ready.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } };
}

function vaultClient(credential: ConstructorParameters<typeof SecretClient>[1]): SecretClient {
  return new SecretClient(sim.ready.keyVaultUrl, credential, {
    serviceVersion: '2025-07-01',
    disableChallengeResourceVerification: true,
    tlsOptions: { ca },
  });
}

function contosoInfo() {
  const info = sim.ready.tenants.find((t) => t.name === 'contoso');
  if (!info) throw new Error('contoso missing from ready');
  return info;
}

function fabrikamInfo() {
  const info = sim.ready.tenants.find((t) => t.name === 'fabrikam');
  if (!info) throw new Error('fabrikam missing from ready');
  return info;
}

function workerVaultClient(): SecretClient {
  const { workerApp, operatorTenantId } = sim.ready;
  return vaultClient(
    new ClientSecretCredential(operatorTenantId, workerApp.clientId, workerApp.clientSecret, sdkOptions()),
  );
}

beforeAll(async () => {
  sim = await startSim({
    tenants: [
      { name: 'contoso', seed: 1, users: 50, credential: 'certificate' },
      { name: 'fabrikam', seed: 2, users: 50, credential: 'secret' },
    ],
  });
  ca = readFileSync(sim.ready.caFile, 'utf8');
});

afterAll(async () => {
  await sim?.stop();
});

describe('TLS and discovery', () => {
  test('the server certificate is signed by the CA in ready.caFile and names 127.0.0.1 and localhost', async () => {
    const caCert = new X509Certificate(ca);
    const served = await new Promise<X509Certificate>((resolve, reject) => {
      const req = https.get(`${sim.ready.authorityHost}/`, { ca }, (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate();
        res.resume();
        if (peer) resolve(peer);
        else reject(new Error('no peer certificate'));
      });
      req.on('error', reject);
    });
    expect(served.checkIssued(caCert)).toBe(true);
    expect(served.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(served.subjectAltName).toContain('DNS:localhost');
    expect(caCert.ca).toBe(true);
  });

  test('OpenID configuration on the authority origin; unknown tenant is AADSTS90002', async () => {
    const { tenantId } = contosoInfo();
    const res = await rawRequest(
      `${sim.ready.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: `${sim.ready.authorityHost}/${tenantId}/v2.0`,
      token_endpoint: `${sim.ready.authorityHost}/${tenantId}/oauth2/v2.0/token`,
      authorization_endpoint: `${sim.ready.authorityHost}/${tenantId}/oauth2/v2.0/authorize`,
      jwks_uri: `${sim.ready.authorityHost}/${tenantId}/discovery/v2.0/keys`,
    });
    const unknown = await rawRequest(
      `${sim.ready.authorityHost}/${randomUUID()}/v2.0/.well-known/openid-configuration`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json()['error_codes']).toEqual([90002]);
  });
});

describe('managed identity → Key Vault → certificate → Graph token', () => {
  const savedEnv = { ...process.env };
  afterAll(() => {
    process.env = savedEnv;
  });

  test('reads the tenant certificate as PEM with ManagedIdentityCredential and signs in with it', async () => {
    process.env['IDENTITY_ENDPOINT'] = sim.ready.managedIdentity.endpoint;
    process.env['IDENTITY_HEADER'] = sim.ready.managedIdentity.header;
    const contoso = contosoInfo();
    const client = vaultClient(new ManagedIdentityCredential());

    const pemSecret = await client.getSecret(contoso.credential.name, {
      outContentType: 'application/x-pem-file',
    });
    const pem = pemSecret.value ?? '';
    expect(pemSecret.properties.contentType).toBe('application/x-pem-file');
    expect(pem.indexOf('-----BEGIN CERTIFICATE-----')).toBe(0);
    expect(pem.indexOf('-----BEGIN PRIVATE KEY-----')).toBeGreaterThan(0);
    expect(pemSecret.properties.managed).toBe(true);
    expect(pemSecret.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(pemSecret.properties.vaultUrl).toBe(sim.ready.keyVaultUrl);
    expect(pemSecret.properties.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 360 * 86_400_000);

    const pfxSecret = await client.getSecret(contoso.credential.name);
    expect(pfxSecret.properties.contentType).toBe('application/x-pkcs12');
    expect(Buffer.from(pfxSecret.value ?? '', 'base64').length).toBeGreaterThan(1000);

    const credential = new ClientCertificateCredential(
      contoso.tenantId,
      contoso.clientId,
      { certificate: pem },
      sdkOptions(),
    );
    const graphToken = await credential.getToken(GRAPH_SCOPE);
    const claims = claimsOf(graphToken.token);
    const granted = sim.tenant('contoso').options.grantedPermissions;
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: contoso.tenantId,
      appid: contoso.clientId,
    });
    expect(claims.iss).toBe(`${sim.ready.authorityHost}/${contoso.tenantId}/`);
    expect([...claims.roles].sort()).toEqual(granted.filter((p) => p !== 'Exchange.ManageAsApp').sort());
    expect(claims.exp - claims.iat).toBe(3600);

    const exchangeToken = await credential.getToken('https://outlook.office365.com/.default');
    const exchangeRoles = claimsOf(exchangeToken.token).roles;
    expect(exchangeRoles).toEqual(granted.includes('Exchange.ManageAsApp') ? ['Exchange.ManageAsApp'] : []);

    // The Graph front door accepts the token and hands the request to the tenant.
    const graph = await rawRequest(`${sim.ready.graphUrl}/v1.0/users?$select=id&$top=2`, {
      headers: { authorization: `Bearer ${graphToken.token}` },
    });
    expect(graph.status).toBe(200);
    expect(graph.json()['value']).toHaveLength(2);

    const stats = sim.stats();
    expect(stats.managedIdentityRequests).toBeGreaterThanOrEqual(1);
    expect(stats.keyVaultReads[contoso.credential.name]).toBe(2);
    expect(stats.tokenRequests[contoso.clientId]).toBe(2);
    expect(stats.graphRequests['/v1.0/users']).toBe(1);
  });
});

describe('client secrets and rotation', () => {
  test('a secret from the vault signs in, a wrong one is AADSTS7000215, rotation retires the old one', async () => {
    const fabrikam = fabrikamInfo();
    const vault = workerVaultClient();
    const original = (await vault.getSecret(fabrikam.credential.name)).value ?? '';
    expect(original).toBe(sim.keyVaultItemValue(fabrikam.credential.name));

    const signIn = (secret: string) =>
      new ClientSecretCredential(fabrikam.tenantId, fabrikam.clientId, secret, sdkOptions()).getToken(
        GRAPH_SCOPE,
      );

    expect(claimsOf((await signIn(original)).token).tid).toBe(fabrikam.tenantId);
    await expect(signIn(`${original}x`)).rejects.toThrow(/AADSTS7000215/);

    const kept = await sim.rotateTenantCredential('fabrikam', { keepOld: true });
    const second = (await vault.getSecret(fabrikam.credential.name)).value ?? '';
    expect((await vault.getSecret(fabrikam.credential.name)).properties.version).toBe(kept.version);
    expect(second).not.toBe(original);
    await expect(signIn(original)).resolves.toBeDefined();
    await expect(signIn(second)).resolves.toBeDefined();

    await sim.rotateTenantCredential('fabrikam');
    const third = (await vault.getSecret(fabrikam.credential.name)).value ?? '';
    await expect(signIn(second)).rejects.toThrow(/AADSTS7000215/);
    await expect(signIn(third)).resolves.toBeDefined();

    const versions = [];
    for await (const version of vault.listPropertiesOfSecretVersions(fabrikam.credential.name))
      versions.push(version);
    expect(versions).toHaveLength(3);
  });

  test('unknown app is AADSTS700016, a scope without /.default is refused', async () => {
    const { tenantId } = fabrikamInfo();
    const unknownApp = new ClientSecretCredential(tenantId, randomUUID(), 'nope', sdkOptions());
    await expect(unknownApp.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS700016/);
    const res = await rawRequest(`${sim.ready.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: fabrikamInfo().clientId,
        client_secret: 'x',
        scope: 'https://graph.microsoft.com/User.Read.All',
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(res.json()['error']).toBe('invalid_scope');
  });

  test('an RS256 assertion with x5t (SHA-1) is accepted; a wrong audience is AADSTS700027', async () => {
    const contoso = contosoInfo();
    const pem = (
      await workerVaultClient().getSecret(contoso.credential.name, {
        outContentType: 'application/x-pem-file',
      })
    ).value!;
    const tokenUrl = `${sim.ready.authorityHost}/${contoso.tenantId}/oauth2/v2.0/token`;
    const certificate = new X509Certificate(pem);
    const assertion = (aud: string) => {
      const now = Math.floor(Date.now() / 1000);
      const header = {
        alg: 'RS256',
        typ: 'JWT',
        x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
      };
      const payload = {
        aud,
        iss: contoso.clientId,
        sub: contoso.clientId,
        jti: randomUUID(),
        nbf: now,
        exp: now + 600,
      };
      const input = [header, payload]
        .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
        .join('.');
      const signature = createSign('RSA-SHA256')
        .update(input)
        .sign(createPrivateKey(pem))
        .toString('base64url');
      return `${input}.${signature}`;
    };
    const post = (clientAssertion: string) =>
      rawRequest(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: contoso.clientId,
          scope: GRAPH_SCOPE,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion,
        }).toString(),
      });
    const good = await post(assertion(tokenUrl));
    expect(good.status).toBe(200);
    expect(good.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    const bad = await post(assertion('https://login.microsoftonline.com/common/oauth2/v2.0/token'));
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });
});

describe('Key Vault data plane', () => {
  test('challenge: a request without a token gets 401 naming the operator tenant', async () => {
    const res = await rawRequest(`${sim.ready.keyVaultUrl}/secrets/anything/?api-version=2025-07-01`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer authorization="${sim.ready.authorityHost}/${sim.ready.operatorTenantId}", resource="https://vault.azure.net"`,
    );
    expect(res.json()).toMatchObject({ error: { code: 'Unauthorized' } });
  });

  test('set, list with paging, not found, disabled, bad name', async () => {
    const vault = workerVaultClient();
    for (let i = 0; i < 12; i += 1)
      await vault.setSecret(`paging-${String(i).padStart(2, '0')}`, `value-${i}`);
    const pageSizes: number[] = [];
    const names: string[] = [];
    for await (const page of vault.listPropertiesOfSecrets().byPage({ maxPageSize: 5 })) {
      pageSizes.push(page.length);
      names.push(...page.map((p) => p.name));
    }
    expect(names.filter((n) => n.startsWith('paging-'))).toHaveLength(12);
    expect(pageSizes.every((size) => size <= 5)).toBe(true);
    expect(names).toContain(contosoInfo().credential.name);

    await expect(vault.getSecret('does-not-exist')).rejects.toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
    await vault.setSecret('disabled-one', 'x', { enabled: false });
    await expect(vault.getSecret('disabled-one')).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
    });
    await expect(vault.getSecret('bad_name')).rejects.toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
    });
  });

  test('a tenant app (not an operator identity) is refused', async () => {
    const fabrikam = fabrikamInfo();
    const secret = sim.keyVaultItemValue(fabrikam.credential.name)!;
    const { token } = await new ClientSecretCredential(
      fabrikam.tenantId,
      fabrikam.clientId,
      secret,
      sdkOptions(),
    ).getToken(VAULT_SCOPE);
    const res = await rawRequest(
      `${sim.ready.keyVaultUrl}/secrets/${fabrikam.credential.name}/?api-version=2025-07-01`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain(sim.ready.operatorTenantId);
  });
});

describe('managed identity endpoint shapes', () => {
  test('IMDS style through the real SDK (AZURE_POD_IDENTITY_AUTHORITY_HOST) reads the vault', async () => {
    const savedEnv = { ...process.env };
    delete process.env['IDENTITY_ENDPOINT'];
    delete process.env['IDENTITY_HEADER'];
    process.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] = sim.ready.imdsAuthorityHost;
    try {
      // msal-node remembers the managed identity source per module instance: load a fresh copy.
      await jest.isolateModulesAsync(async () => {
        const identity = await import('@azure/identity');
        const credential = new identity.ManagedIdentityCredential();
        const before = sim.stats().managedIdentityRequests;
        const secret = await vaultClient(credential).getSecret(fabrikamInfo().credential.name);
        expect(secret.properties.contentType).toBe('text/plain');
        expect(sim.stats().managedIdentityRequests).toBe(before + 1);
      });
    } finally {
      process.env = savedEnv;
    }
  });

  test('IMDS style answers with Metadata: true only; App Service style checks its header', async () => {
    const imds = `${sim.ready.imdsAuthorityHost}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`;
    const ok = await rawRequest(imds, { headers: { Metadata: 'true' } });
    expect(ok.status).toBe(200);
    const body = ok.json();
    expect(body).toMatchObject({
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: sim.ready.managedIdentity.clientId,
    });
    expect(Number(body['expires_on'])).toBeGreaterThan(Date.now() / 1000);
    expect(claimsOf(String(body['access_token']))).toMatchObject({
      tid: sim.ready.operatorTenantId,
      appid: sim.ready.managedIdentity.clientId,
      aud: 'https://vault.azure.net',
    });
    expect((await rawRequest(imds)).status).toBe(400);
    const otherIdentity = await rawRequest(`${imds}&client_id=${randomUUID()}`, {
      headers: { Metadata: 'true' },
    });
    expect(otherIdentity.status).toBe(400);

    const appService = `${sim.ready.managedIdentity.endpoint}?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net`;
    expect((await rawRequest(appService, { headers: { 'X-IDENTITY-HEADER': 'wrong' } })).status).toBe(401);
    const good = await rawRequest(`${appService}&client_id=${sim.ready.managedIdentity.clientId}`, {
      headers: { 'X-IDENTITY-HEADER': sim.ready.managedIdentity.header },
    });
    expect(good.status).toBe(200);
  });
});

describe('Graph token checks', () => {
  test('empty, wrong audience, expired and revoked tokens get Graph 401s', async () => {
    const fabrikam = fabrikamInfo();
    const secret = sim.keyVaultItemValue(fabrikam.credential.name)!;
    const url = `${sim.ready.graphUrl}/v1.0/users`;

    const empty = await rawRequest(url);
    expect(empty.status).toBe(401);
    expect(empty.headers['www-authenticate']).toContain('client_id="00000003-0000-0000-c000-000000000000"');
    expect(empty.json()).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
    });
    expect(Object.keys((empty.json()['error'] as { innerError: object }).innerError)).toEqual(
      expect.arrayContaining(['date', 'request-id']),
    );

    const credential = new ClientSecretCredential(fabrikam.tenantId, fabrikam.clientId, secret, sdkOptions());
    const vaultToken = (await credential.getToken(VAULT_SCOPE)).token;
    const wrongAudience = await rawRequest(url, { headers: { authorization: `Bearer ${vaultToken}` } });
    expect(wrongAudience.status).toBe(401);

    sim.setTokenLifetime(5);
    const graphToken = (
      await new ClientSecretCredential(fabrikam.tenantId, fabrikam.clientId, secret, sdkOptions()).getToken(
        GRAPH_SCOPE,
      )
    ).token;
    const claims = claimsOf(graphToken);
    expect(claims.exp - claims.iat).toBe(5);
    expect(sim.verifyAccessToken(`Bearer ${graphToken}`, 'https://graph.microsoft.com')).toMatchObject({
      tid: fabrikam.tenantId,
    });
    expect(
      sim.verifyAccessToken(`Bearer ${graphToken}`, 'https://graph.microsoft.com', (claims.exp + 1) * 1000),
    ).toMatchObject({
      status: 401,
      body: {
        error: {
          code: 'InvalidAuthenticationToken',
          message: 'Lifetime validation failed, the token is expired.',
        },
      },
    });
    sim.setTokenLifetime(3600);

    await sim.revokeTokens();
    const revoked = await rawRequest(url, { headers: { authorization: `Bearer ${graphToken}` } });
    expect(revoked.status).toBe(401);
    expect(revoked.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  test('paths outside the simulated services get Graph-shaped 404s; Exchange refuses a call without a token', async () => {
    const res = await rawRequest(`${sim.ready.graphUrl}/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NotFound' } });
    expect(
      (await rawRequest(`${sim.ready.exchangeUrl}/adminapi/beta/x/InvokeCommand`, { method: 'POST' })).status,
    ).toBe(401);
  });
});
