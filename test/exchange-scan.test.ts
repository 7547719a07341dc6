// Exchange controls in a scan against sim/ (runScan in process, real SDK, HTTPS): more than 1000 mailboxes are
// all read (Get-Mailbox stops at 1000 without ResultSize Unlimited); missing Exchange.ManageAsApp or
// MailboxSettings.Read make the controls that need them `error` with the reason, the others still equal sim's truth.
import { readFileSync } from 'node:fs';
import { DEFAULT_GRANTED_PERMISSIONS, expectedResults } from '../sim/tenant';
import { mailboxDirectoryOf } from '../sim/tenant/mailboxes';
import type { RunResults } from '../src/controls/types';
import { newRunId } from '../src/jobs/run-id';
import { runScan } from '../src/jobs/run-scan';
import { createScanServices } from '../src/jobs/scan-services';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

const EXO = ['CRW-EXO-01', 'CRW-EXO-02', 'CRW-EXO-03', 'CRW-EXO-04', 'CRW-EXO-05', 'CRW-EXO-06'];

describe('Exchange controls in a scan against sim/', () => {
  let ws: SimWorkspace;

  beforeAll(async () => {
    ws = await openSimWorkspace('exchange-scan', {
      tenants: [
        { name: 'large', seed: 4, users: 1400, credential: 'secret' },
        {
          name: 'noexchange',
          seed: 5,
          users: 100,
          credential: 'secret',
          grantedPermissions: DEFAULT_GRANTED_PERMISSIONS.filter((p) => p !== 'Exchange.ManageAsApp'),
        },
        {
          name: 'norules',
          seed: 6,
          users: 100,
          credential: 'certificate',
          grantedPermissions: DEFAULT_GRANTED_PERMISSIONS.filter((p) => p !== 'MailboxSettings.Read'),
        },
      ],
    });
  });
  afterAll(() => ws.close());

  async function scan(name: string) {
    const config = ws.rewriteConfig((document) => {
      for (const tenant of document.tenants) tenant.controls = EXO;
    });
    const services = createScanServices(config);
    ws.sim.resetStats();
    try {
      const tenant = config.tenants.find((t) => t.name === name)!;
      const job = await runScan(services, {
        tenant,
        runId: newRunId(),
        logger: ws.logger.child({ tenant: name }),
      });
      const results = JSON.parse(readFileSync(job.resultsPath, 'utf8')) as RunResults;
      return { results, graphRequests: ws.sim.stats().graphRequests };
    } finally {
      services.http.close();
    }
  }

  function expectTruth(name: string, results: RunResults, ids: readonly string[]) {
    const truth = expectedResults(ws.sim.tenant(name));
    for (const id of ids) {
      const actual = results.controls.find((c) => c.id === id)!;
      const expected = truth.controls.find((c) => c.id === id)!;
      expect({ id, status: actual.status, assets: actual.findings.map((f) => f.assetName) }).toEqual({
        id,
        status: expected.status,
        assets: expected.findingAssetNames,
      });
    }
  }

  it('more than 1000 mailboxes: every one is judged and the results equal the ground truth', async () => {
    expect([...mailboxDirectoryOf(ws.sim.tenant('large')).all()].length).toBeGreaterThan(1000);
    const { results, graphRequests } = await scan('large');
    expectTruth('large', results, EXO);
    // Inbox rules came in batches of 20 (so the "no batch" checks below are meaningful).
    expect(graphRequests['/v1.0/$batch']).toBeGreaterThan(1000 / 20);
  });

  it('no Exchange.ManageAsApp: every EXO control is error naming it; nothing else is attempted', async () => {
    const { results, graphRequests } = await scan('noexchange');
    for (const id of EXO) {
      const control = results.controls.find((c) => c.id === id)!;
      expect(control).toMatchObject({ status: 'error', findings: [] });
      expect(control.reason).toContain('Exchange.ManageAsApp');
    }
    expect(graphRequests['/v1.0/$batch']).toBeUndefined();
  });

  it('no MailboxSettings.Read: CRW-EXO-05 is error naming it, no inbox rule is requested, the rest equal the truth', async () => {
    const { results, graphRequests } = await scan('norules');
    const exo05 = results.controls.find((c) => c.id === 'CRW-EXO-05')!;
    expect(exo05).toMatchObject({ status: 'error', findings: [] });
    expect(exo05.reason).toContain('MailboxSettings.Read');
    expect(graphRequests['/v1.0/$batch']).toBeUndefined();
    expectTruth(
      'norules',
      results,
      EXO.filter((id) => id !== 'CRW-EXO-05'),
    );
  });
});
