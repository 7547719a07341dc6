// Issue 4, expiry: a Key Vault item whose exp falls within credentials.expiryWarningDays gives a warning log (no
// value), crw_credential_expiry_timestamp_seconds{tenant}, and a notice in the workbook's Summary. Also the
// `credentials` configuration section.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { parseConfig } from '../src/config/load-config';
import { newRunId } from '../src/jobs/run-id';
import { runScan } from '../src/jobs/run-scan';
import { createScanServices } from '../src/jobs/scan-services';
import { credentialExpiryTimestamp } from '../src/observability/metrics';
import { credentialExpiryWarning } from '../src/secrets/credential-expiry';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { readWorkbookRows } from './helpers/workbook-reader';

const DAY_MS = 86_400_000;

describe('credential expiry against sim/', () => {
  let ws: SimWorkspace;
  let expiresOn: Date;

  beforeAll(async () => {
    ws = await openSimWorkspace('cred-exp', {
      tenants: [
        { name: 'fabrikam', seed: 2, users: 30, credential: 'secret' },
        { name: 'contoso', seed: 1, users: 30, credential: 'certificate' },
      ],
    });
    // The same secret stored again as a new version that expires in 20 days (as a rotation tool would).
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
    expiresOn = new Date(Math.floor((Date.now() + 20 * DAY_MS) / 1000) * 1000);
    await vault.setSecret('crw-fabrikam-secret', ws.sim.keyVaultItemValue('crw-fabrikam-secret')!, {
      contentType: 'text/plain',
      expiresOn,
    });
  });
  afterAll(() => ws.close());

  async function scan(name: string) {
    const services = createScanServices(ws.config);
    try {
      const tenant = ws.config.tenants.find((t) => t.name === name)!;
      return await runScan(services, { tenant, runId: newRunId(), logger: ws.logger });
    } finally {
      services.http.close();
    }
  }

  const summaryFields = (workbookPath: string) =>
    readWorkbookRows(workbookPath).rows.Summary!.filter((row) => typeof row[0] === 'string');

  it('an item expiring in 20 days: a Summary notice, a warning log and the gauge', async () => {
    const result = await scan('fabrikam');
    const notice = summaryFields(result.workbookPath).find((row) => row[0] === 'Warning: credential expiry');
    const date = expiresOn.toISOString().slice(0, 10);
    expect(notice?.[1]).toBe(
      `The app credential of tenant "fabrikam" in Key Vault item "crw-fabrikam-secret" (${ws.config.keyVault.url}) ` +
        `expires on ${date} (in 20 days): create a new secret or certificate for the app and store it as a new ` +
        'version of the item.',
    );
    const warning = ws.logLines
      .map((line) => JSON.parse(line) as { level: number; msg: string; tenant?: string })
      .find((line) => line.msg.startsWith('The app credential of tenant "fabrikam"'));
    expect(warning?.level).toBe(40);
    const gauge = (await credentialExpiryTimestamp.get()).values.find((v) => v.labels.tenant === 'fabrikam');
    expect(gauge?.value).toBe(expiresOn.getTime() / 1000);
    expect(ws.logLines.join('\n')).not.toContain(ws.sim.keyVaultItemValue('crw-fabrikam-secret')!);
  });

  it('an item expiring in a year: the gauge, but no notice', async () => {
    const result = await scan('contoso');
    expect(summaryFields(result.workbookPath).some((row) => String(row[0]).includes('expiry'))).toBe(false);
    const gauge = (await credentialExpiryTimestamp.get()).values.find((v) => v.labels.tenant === 'contoso');
    expect(gauge!.value * 1000).toBeGreaterThan(Date.now() + 300 * DAY_MS);
  });
});

describe('credential expiry warning', () => {
  const source = {
    vaultUrl: 'https://v.vault.azure.net',
    itemName: 'crw-a-secret',
    version: '1',
    contentType: 'text/plain',
  };
  const now = new Date('2026-01-01T00:00:00Z');

  it('within the window, outside it, expired, without exp, and switched off', () => {
    const at = (days: number) => ({ ...source, expiresOn: new Date(now.getTime() + days * DAY_MS) });
    expect(credentialExpiryWarning('a', at(30), now, 30)?.daysLeft).toBe(30);
    expect(credentialExpiryWarning('a', at(31), now, 30)).toBeUndefined();
    expect(credentialExpiryWarning('a', at(-2), now, 30)?.message).toContain('expired on 2025-12-30');
    expect(credentialExpiryWarning('a', { ...source, expiresOn: undefined }, now, 30)).toBeUndefined();
    expect(credentialExpiryWarning('a', at(1), now, 0)).toBeUndefined();
  });
});

describe('credentials and workerIdentity configuration', () => {
  const MINIMAL = [
    'keyVault:',
    '  url: https://myvault.vault.azure.net',
    'tenants:',
    '  - name: contoso',
    '    tenantId: 11111111-1111-1111-1111-111111111111',
    '    clientId: 22222222-2222-2222-2222-222222222222',
    '    credential: { type: secret, name: crw-contoso-secret }',
    '',
  ].join('\n');
  const parse = (extra: string) => parseConfig(MINIMAL + extra, path.join('/tmp', 'crw.yaml'), {});

  it('defaults: 8 h cache, 30 days warning, 5 Key Vault retries from 1 s', () => {
    expect(parse('').credentials).toEqual({
      cacheTtlHours: 8,
      expiryWarningDays: 30,
      keyVaultRetries: 5,
      keyVaultRetryDelaySeconds: 1,
    });
    expect(parse('credentials:\n  cacheTtlHours: 0.5\n  expiryWarningDays: 0\n').credentials).toMatchObject({
      cacheTtlHours: 0.5,
      expiryWarningDays: 0,
    });
  });

  it('problems name the field', () => {
    expect(() => parse('credentials:\n  cacheTtlHours: 0\n')).toThrow(
      'crw.yaml: credentials.cacheTtlHours: must be more than 0 (hours)',
    );
    expect(() => parse('credentials:\n  expiryWarnDays: 10\n')).toThrow(
      "crw.yaml: credentials.expiryWarnDays: unknown field 'expiryWarnDays' (did you mean 'expiryWarningDays'?)",
    );
  });

  it('every worker identity type', () => {
    const id = '33333333-3333-3333-3333-333333333333';
    expect(parse(`workerIdentity:\n  type: workloadIdentity\n  clientId: ${id}\n`).workerIdentity).toEqual({
      type: 'workloadIdentity',
      clientId: id,
    });
    expect(parse('workerIdentity:\n  type: environment\n').workerIdentity).toEqual({ type: 'environment' });
    expect(parse(`workerIdentity:\n  type: azureCli\n  tenantId: ${id}\n`).workerIdentity).toEqual({
      type: 'azureCli',
      tenantId: id,
    });
    expect(() => parse('workerIdentity:\n  type: environment\n  clientId: x\n')).toThrow(
      "crw.yaml: workerIdentity.clientId: unknown field 'clientId' (known fields: type)",
    );
  });
});
