// Acceptance (issue 4, part 1): each worker identity type signs in to sim/'s Key Vault, and each tenant credential
// type (certificate read as PEM, PKCS#12 secret converted in memory, client secret) scans a tenant, through the real
// Azure SDK over HTTPS.
import { createHash, createSign, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Config } from '../src/config/schema';
import { newRunId } from '../src/jobs/run-id';
import { runScan } from '../src/jobs/run-scan';
import { createScanServices } from '../src/jobs/scan-services';
import { WorkerIdentityError } from '../src/secrets/errors';
import type { TenantCredentialRef } from '../src/secrets/types';
import { createWorkerCredential } from '../src/secrets/worker-credential';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

describe('worker identities and tenant credential types against sim/', () => {
  let ws: SimWorkspace;
  let ca: string[];

  beforeAll(async () => {
    ws = await openSimWorkspace('cred-ids', {
      tenants: [
        { name: 'contoso', seed: 1, users: 40, credential: 'certificate' },
        { name: 'fabrikam', seed: 2, users: 40, credential: 'secret' },
      ],
    });
    ca = [readFileSync(ws.sim.ready.caFile, 'utf8')];
  });
  afterAll(() => ws.close());

  function ref(config: Config, name: string): TenantCredentialRef {
    const tenant = config.tenants.find((t) => t.name === name)!;
    return {
      tenantName: name,
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      credential: tenant.credential,
    };
  }

  /** Reads fabrikam's credential with the given worker identity and gets a Graph token with it. */
  async function readWith(workerIdentity: object, env: NodeJS.ProcessEnv): Promise<void> {
    const config = ws.rewriteConfig((doc) => {
      (doc as { workerIdentity: object }).workerIdentity = workerIdentity;
    });
    const services = createScanServices(config, env);
    try {
      const credential = await services.secrets.getTenantCredential(ref(config, 'fabrikam'));
      expect(credential.source.itemName).toBe('crw-fabrikam-secret');
      const token = await credential.tokenCredential.getToken(GRAPH_SCOPE);
      expect(token?.token).toBeTruthy();
    } finally {
      services.http.close();
    }
  }

  const workerApp = () => ws.sim.ready.workerApp;
  const operatorTenant = () => ws.sim.ready.operatorTenantId;
  const workerTokenRequests = () => ws.sim.stats().tokenRequests[workerApp().clientId] ?? 0;

  describe('worker identity', () => {
    it('managed identity: the platform endpoint (IDENTITY_ENDPOINT / IDENTITY_HEADER)', async () => {
      const before = ws.sim.stats().managedIdentityRequests;
      await readWith({ type: 'managedIdentity' }, process.env);
      expect(ws.sim.stats().managedIdentityRequests).toBeGreaterThan(before);
    });

    it('client secret: the secret from the environment variable named in the config', async () => {
      const before = workerTokenRequests();
      await readWith(
        {
          type: 'clientSecret',
          tenantId: operatorTenant(),
          clientId: workerApp().clientId,
          clientSecretEnv: 'TEST_WORKER_SECRET',
        },
        { TEST_WORKER_SECRET: workerApp().clientSecret },
      );
      expect(workerTokenRequests()).toBeGreaterThan(before);
    });

    it('certificate: environment credential with AZURE_CLIENT_CERTIFICATE_PATH (the worker’s own PEM)', async () => {
      const certificate = await ws.sim.addWorkerAppCertificate();
      const pemPath = path.join(ws.dir, 'worker-cert.pem');
      writeFileSync(pemPath, certificate.certificatePem + certificate.privateKeyPem, { mode: 0o600 });
      const before = workerTokenRequests();
      await readWith(
        { type: 'environment' },
        {
          AZURE_TENANT_ID: operatorTenant(),
          AZURE_CLIENT_ID: workerApp().clientId,
          AZURE_CLIENT_CERTIFICATE_PATH: pemPath,
        },
      );
      expect(workerTokenRequests()).toBeGreaterThan(before);
    });

    it('environment credential with AZURE_CLIENT_SECRET', async () => {
      const before = workerTokenRequests();
      await readWith(
        { type: 'environment' },
        {
          AZURE_TENANT_ID: operatorTenant(),
          AZURE_CLIENT_ID: workerApp().clientId,
          AZURE_CLIENT_SECRET: workerApp().clientSecret,
        },
      );
      expect(workerTokenRequests()).toBeGreaterThan(before);
    });

    it('workload identity: the federated token file is sent as the client assertion', async () => {
      const certificate = await ws.sim.addWorkerAppCertificate();
      const tokenFile = path.join(ws.dir, 'federated-token');
      const audience = `${ws.sim.ready.authorityHost}/${operatorTenant()}/oauth2/v2.0/token`;
      writeFileSync(tokenFile, signedAssertion(certificate, workerApp().clientId, audience));
      const before = workerTokenRequests();
      await readWith(
        { type: 'workloadIdentity', tenantId: operatorTenant() },
        { AZURE_CLIENT_ID: workerApp().clientId, AZURE_FEDERATED_TOKEN_FILE: tokenFile },
      );
      expect(workerTokenRequests()).toBeGreaterThan(before);
    });

    it('missing environment variables are named before any request', () => {
      const cloud = { authorityHost: ws.sim.ready.authorityHost, ca };
      expect(() => createWorkerCredential({ type: 'environment' }, cloud, { AZURE_TENANT_ID: 'x' })).toThrow(
        new WorkerIdentityError(
          'workerIdentity.type environment: set AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH ' +
            "(the worker app's tenant, client ID and secret or PEM certificate file)",
        ),
      );
      expect(() => createWorkerCredential({ type: 'workloadIdentity' }, cloud, {})).toThrow(
        /missing workerIdentity\.tenantId or env AZURE_TENANT_ID, workerIdentity\.clientId or env AZURE_CLIENT_ID, env AZURE_FEDERATED_TOKEN_FILE/,
      );
      expect(() =>
        createWorkerCredential(
          { type: 'clientSecret', tenantId: 'a', clientId: 'b', clientSecretEnv: 'NOPE' },
          cloud,
          {},
        ),
      ).toThrow(/environment variable NOPE is empty/);
    });
  });

  describe('tenant credential', () => {
    async function scan(config: Config, name: string) {
      const services = createScanServices(config);
      try {
        const credential = await services.secrets.getTenantCredential(ref(config, name));
        const tenant = config.tenants.find((t) => t.name === name)!;
        const result = await runScan(services, { tenant, runId: newRunId(), logger: ws.logger });
        return { source: credential.source, result };
      } finally {
        services.http.close();
      }
    }

    it('a Key Vault certificate, read as PEM through outContentType', async () => {
      const { source, result } = await scan(ws.config, 'contoso');
      expect(source.contentType).toBe('application/x-pem-file');
      expect(result.summary.error).toBe(0);
      expect(result.summary.pass + result.summary.fail).toBeGreaterThan(0);
    });

    it('a PKCS#12 secret (not certificate-backed), converted to PEM in memory', async () => {
      const pfx = ws.sim.keyVaultItemValue('crw-contoso-cert')!;
      const vault = new SecretClient(
        ws.sim.ready.keyVaultUrl,
        new ClientSecretCredential(operatorTenant(), workerApp().clientId, workerApp().clientSecret, {
          authorityHost: ws.sim.ready.authorityHost,
          disableInstanceDiscovery: true,
          tlsOptions: { ca },
        }),
        { disableChallengeResourceVerification: true, tlsOptions: { ca } },
      );
      await vault.setSecret('crw-contoso-pfx', pfx, { contentType: 'application/x-pkcs12' });
      const config = ws.rewriteConfig((doc) => {
        doc.tenants.find((t) => t.name === 'contoso')!.credential = {
          type: 'certificate',
          name: 'crw-contoso-pfx',
        };
      });
      const { source, result } = await scan(config, 'contoso');
      expect(source).toMatchObject({ itemName: 'crw-contoso-pfx', contentType: 'application/x-pkcs12' });
      expect(result.summary.error).toBe(0);
    });

    it('a Key Vault secret used as the client secret', async () => {
      const { source, result } = await scan(ws.config, 'fabrikam');
      expect(source.itemName).toBe('crw-fabrikam-secret');
      expect(result.summary.error).toBe(0);
      expect(result.summary.pass + result.summary.fail).toBeGreaterThan(0);
    });
  });
});

/** A client assertion (RS256, x5t) signed with the worker's certificate: what sim/ accepts as a federated token. */
function signedAssertion(
  certificate: { certificatePem: string; privateKeyPem: string },
  clientId: string,
  audience: string,
): string {
  const der = Buffer.from(
    certificate.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''),
    'base64',
  );
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({
    alg: 'RS256',
    typ: 'JWT',
    x5t: createHash('sha1').update(der).digest('base64url'),
  });
  const payload = encode({
    aud: audience,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: now - 60,
    exp: now + 600,
  });
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(certificate.privateKeyPem);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}
