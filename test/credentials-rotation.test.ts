// Acceptance (issue 4, part 2): the tenant secret is rotated in sim's Key Vault between two scans and during a scan;
// both complete, and Key Vault is read once more per rotation (not once per request). Also: concurrent jobs share
// one read, Graph's 401 gets a genuinely new token, and a credential rejected twice fails with a clear error.
import { readFileSync } from 'node:fs';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { newRunId } from '../src/jobs/run-id';
import { runScan, type ScanServices } from '../src/jobs/run-scan';
import { SCAN_JOB_NAME, type ScanJobResult } from '../src/jobs/scan-job';
import { createScanServices } from '../src/jobs/scan-services';
import { CredentialRejectedError } from '../src/secrets/errors';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker } from '../src/worker/scan-worker';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

const ITEM = 'crw-fabrikam-secret';

describe('tenant credential rotation against sim/', () => {
  let ws: SimWorkspace;
  let services: ScanServices;

  beforeAll(async () => {
    ws = await openSimWorkspace('cred-rot', {
      tenants: [
        { name: 'fabrikam', seed: 2, users: 60, credential: 'secret' },
        { name: 'northwind', seed: 3, users: 30, credential: 'secret' },
      ],
    });
    services = createScanServices(ws.config);
  });
  afterAll(async () => {
    services.http.close();
    await ws.close();
  });
  beforeEach(() => {
    // Tokens live 60 s, under MSAL's 5-minute refresh margin: every Graph request asks the token endpoint, as
    // a scan does once the previous scan's token has expired. A rotation is noticed only through a rejection.
    ws.sim.setTokenLifetime(60);
  });

  const reads = (item = ITEM) => ws.sim.stats().keyVaultReads[item] ?? 0;
  const tenant = (name = 'fabrikam') => ws.config.tenants.find((t) => t.name === name)!;
  const scan = (onProgress?: Parameters<typeof runScan>[1]['onProgress'], name = 'fabrikam') =>
    runScan(services, {
      tenant: tenant(name),
      runId: newRunId(),
      logger: ws.logger,
      ...(onProgress ? { onProgress } : {}),
    });

  it('between two scans through the queue: both complete, with one extra Key Vault read', async () => {
    const worker = startScanWorker(ws.config, services, ws.logger);
    const queue = openScanQueue(ws.config);
    const events = openScanQueueEvents(ws.config);
    const runOne = async () => {
      const job = await queue.add(SCAN_JOB_NAME, {
        tenant: 'fabrikam',
        runId: newRunId(),
        trigger: 'manual',
      });
      return (await job.waitUntilFinished(events, 60_000)) as ScanJobResult;
    };
    try {
      await events.waitUntilReady();
      const readsBefore = reads();
      const first = await runOne();
      expect(reads()).toBe(readsBefore + 1);

      const rotated = await ws.sim.rotateTenantCredential('fabrikam');
      const graphRequestsBefore = totalGraphRequests();
      const second = await runOne();
      expect(reads()).toBe(readsBefore + 2);
      expect(totalGraphRequests() - graphRequestsBefore).toBeGreaterThan(5); // many token requests, one read
      expect(second.summary).toEqual(first.summary);
      expect(
        ws.logLines.some(
          (line) => line.includes('rejected the tenant credential') && line.includes('AADSTS7000215'),
        ),
      ).toBe(true);
      // The worker now uses the new version.
      const credential = await services.secrets.getTenantCredential(ref('fabrikam'));
      expect(credential.source.version).toBe(rotated.version);
    } finally {
      await worker.close(5000);
      await events.close();
      await queue.close();
    }
  });

  it('during a scan: the scan completes, with one extra Key Vault read', async () => {
    await scan(); // warm: the credential is cached
    const readsBefore = reads();
    let rotation: Promise<unknown> | undefined;
    let graphRequestsAtRotation = 0;
    const result = await scan((progress) => {
      if (rotation === undefined && progress.phase === 'collect' && progress.collector !== undefined) {
        graphRequestsAtRotation = totalGraphRequests();
        rotation = ws.sim.rotateTenantCredential('fabrikam');
      }
    });
    expect(rotation).toBeDefined();
    await rotation;
    expect(totalGraphRequests()).toBeGreaterThan(graphRequestsAtRotation + 1); // the scan went on after it
    expect(reads()).toBe(readsBefore + 1);
    expect(result.summary.error).toBe(0);
  });

  it('concurrent scans of one tenant share one Key Vault read, also after a rotation', async () => {
    const fresh = createScanServices(ws.config);
    try {
      const readsBefore = reads();
      const many = () =>
        Promise.all(
          [1, 2, 3].map(() => runScan(fresh, { tenant: tenant(), runId: newRunId(), logger: ws.logger })),
        );
      await many();
      expect(reads()).toBe(readsBefore + 1);
      await ws.sim.rotateTenantCredential('fabrikam');
      const results = await many();
      expect(reads()).toBe(readsBefore + 2);
      expect(results.every((r) => r.summary.error === 0)).toBe(true);
    } finally {
      fresh.http.close();
    }
  });

  it('a credential rejected again after the re-read fails the scan naming tenant, vault and item', async () => {
    const ca = [readFileSync(ws.sim.ready.caFile, 'utf8')];
    const { workerApp, operatorTenantId, authorityHost, keyVaultUrl } = ws.sim.ready;
    const vault = new SecretClient(
      keyVaultUrl,
      new ClientSecretCredential(operatorTenantId, workerApp.clientId, workerApp.clientSecret, {
        authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca },
      }),
      { disableChallengeResourceVerification: true, tlsOptions: { ca } },
    );
    await scan(undefined, 'northwind'); // cached
    // Someone rotates the app's secret but stores a wrong value in the vault.
    await ws.sim.rotateTenantCredential('northwind');
    const wrong = await vault.setSecret('crw-northwind-secret', 'not-the-app-secret', {
      contentType: 'text/plain',
    });
    const readsBefore = reads('crw-northwind-secret');
    const error = await scan(undefined, 'northwind').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CredentialRejectedError);
    expect((error as Error).message).toBe(
      `tenant "northwind": the token endpoint rejected the app credential from Key Vault item ` +
        `"crw-northwind-secret" (version ${wrong.properties.version}) in ${keyVaultUrl}, also after re-reading ` +
        `the item's latest version: AADSTS7000215 (invalid client secret). Put the app's current secret or ` +
        `certificate into that item (or add the item's credential to app ${tenant('northwind').clientId} in the ` +
        `tenant), then run the scan again.`,
    );
    expect(reads('crw-northwind-secret')).toBe(readsBefore + 1);
    expect(ws.logLines.join('\n')).not.toContain('not-the-app-secret');
  });

  describe("Graph's 401", () => {
    beforeEach(() => ws.sim.setTokenLifetime(3600));

    it('a revoked token is replaced by a new one (not the cached one); no Key Vault read', async () => {
      await scan(); // the token is cached for an hour
      const clientId = tenant().clientId;
      const tokensBefore = ws.sim.stats().tokenRequests[clientId] ?? 0;
      const readsBefore = reads();
      await ws.sim.revokeTokens({ afterGraphRequests: 2 });
      const result = await scan();
      expect(result.summary.error).toBe(0);
      expect(ws.sim.stats().faultsFired['revoke-tokens']).toBe(1);
      expect((ws.sim.stats().tokenRequests[clientId] ?? 0) - tokensBefore).toBe(1);
      expect(reads()).toBe(readsBefore);
    });

    it('a CAE claims challenge is answered with a token carrying the claims', async () => {
      await scan();
      const clientId = tenant().clientId;
      const tokensBefore = ws.sim.stats().tokenRequests[clientId] ?? 0;
      ws.sim.addFault({ fault: 'claims-challenge', target: 'graph', after: 2, once: true });
      const result = await scan();
      expect(result.summary.error).toBe(0);
      expect(ws.sim.stats().faultsFired['claims-challenge']).toBe(1);
      expect((ws.sim.stats().tokenRequests[clientId] ?? 0) - tokensBefore).toBe(1);
    });
  });

  function totalGraphRequests(): number {
    return Object.values(ws.sim.stats().graphRequests).reduce((sum, n) => sum + n, 0);
  }

  function ref(name: string) {
    const t = tenant(name);
    return { tenantName: name, tenantId: t.tenantId, clientId: t.clientId, credential: t.credential };
  }
});
