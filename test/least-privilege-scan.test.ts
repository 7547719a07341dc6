// Acceptance (issue 4, least privilege): a tenant whose app lacks AuditLog.Read.All gets CRW-ID-01 as `error`
// with "needs application permission AuditLog.Read.All" while CRW-ID-02 equals sim's ground truth, without
// asking Graph for the data only CRW-ID-01 needs; a tenant granted User.ReadWrite.All on top gets an
// excess-permission warning in the workbook's Summary. Real sim over HTTPS, real Azure SDK, runScan in process.
import { readFileSync } from 'node:fs';
import { DEFAULT_GRANTED_PERMISSIONS, expectedResults } from '../sim/tenant';
import type { RunResults } from '../src/controls/types';
import { newRunId } from '../src/jobs/run-id';
import { runScan } from '../src/jobs/run-scan';
import { createScanServices } from '../src/jobs/scan-services';
import type { ScanJobResult } from '../src/jobs/scan-job';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { readWorkbookRows } from './helpers/workbook-reader';

const REGISTRATION_REPORT = '/v1.0/reports/authenticationMethods/userRegistrationDetails';

describe('least privilege in a scan against sim/', () => {
  let ws: SimWorkspace;

  beforeAll(async () => {
    ws = await openSimWorkspace('least-privilege', {
      tenants: [
        {
          name: 'restricted',
          seed: 1,
          users: 200,
          credential: 'certificate',
          grantedPermissions: DEFAULT_GRANTED_PERMISSIONS.filter((p) => p !== 'AuditLog.Read.All'),
        },
        {
          name: 'overgranted',
          seed: 2,
          users: 200,
          credential: 'secret',
          grantedPermissions: [...DEFAULT_GRANTED_PERMISSIONS, 'User.ReadWrite.All'],
        },
      ],
    });
  });
  afterAll(() => ws.close());

  /** One scan of `name` with the Graph request counts it caused. */
  async function scan(name: string) {
    const services = createScanServices(ws.config);
    ws.sim.resetStats();
    try {
      const tenant = ws.config.tenants.find((t) => t.name === name)!;
      const job: ScanJobResult = await runScan(services, {
        tenant,
        runId: newRunId(),
        logger: ws.logger.child({ tenant: name }),
      });
      const results = JSON.parse(readFileSync(job.resultsPath, 'utf8')) as RunResults;
      return { job, results, graphRequests: ws.sim.stats().graphRequests };
    } finally {
      services.http.close();
    }
  }

  it('missing AuditLog.Read.All: CRW-ID-01 is error with the reason, CRW-ID-02 equals the ground truth', async () => {
    const { job, results, graphRequests } = await scan('restricted');
    const tenant = ws.config.tenants.find((t) => t.name === 'restricted')!;
    const id01 = results.controls.find((c) => c.id === 'CRW-ID-01')!;
    expect(id01).toMatchObject({ status: 'error', findings: [] });
    expect(id01.reason).toBe(
      `needs application permission AuditLog.Read.All (grant it to the app registration "${tenant.clientId}" ` +
        `in tenant ${tenant.tenantId} and admin-consent it)`,
    );

    const truth = expectedResults(ws.sim.tenant('restricted')).controls.find((c) => c.id === 'CRW-ID-02')!;
    const id02 = results.controls.find((c) => c.id === 'CRW-ID-02')!;
    expect({ status: id02.status, assets: id02.findings.map((f) => f.assetName) }).toEqual({
      status: truth.status,
      assets: truth.findingAssetNames,
    });
    expect(results.summary).toMatchObject({ error: 1, skipped: 14 });

    // The registration report only CRW-ID-01 reads was not requested (no 403 noise); role data was.
    expect(graphRequests[REGISTRATION_REPORT]).toBeUndefined();
    expect(graphRequests['/v1.0/roleManagement/directory/roleAssignments']).toBeGreaterThan(0);

    const summary = readWorkbookRows(job.workbookPath).rows.Summary!;
    const missing = summary.find((row) => row[0] === 'Warning: missing permission');
    expect(missing?.[1]).toEqual(expect.stringContaining('AuditLog.Read.All is not granted'));
    expect(missing?.[1]).toEqual(expect.stringContaining('CRW-ID-01 could not run'));
    expect(summary.some((row) => row[0] === 'Warning: excess permission')).toBe(false);
    expect(
      ws.logLines.some(
        (line) => line.includes('"level":40') && line.includes('AuditLog.Read.All is not granted'),
      ),
    ).toBe(true);
  });

  it('User.ReadWrite.All granted on top: an excess-permission warning in the Summary; the controls still run', async () => {
    const { job, results, graphRequests } = await scan('overgranted');
    const truth = expectedResults(ws.sim.tenant('overgranted'));
    for (const id of ['CRW-ID-01', 'CRW-ID-02']) {
      const actual = results.controls.find((c) => c.id === id)!;
      const expected = truth.controls.find((c) => c.id === id)!;
      expect({ id, status: actual.status, assets: actual.findings.map((f) => f.assetName) }).toEqual({
        id,
        status: expected.status,
        assets: expected.findingAssetNames,
      });
    }
    expect(graphRequests[REGISTRATION_REPORT]).toBeGreaterThan(0);

    const summary = readWorkbookRows(job.workbookPath).rows.Summary!;
    const warnings = summary.filter((row) => typeof row[0] === 'string' && row[0].startsWith('Warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toBe('Warning: excess permission');
    expect(warnings[0]![1]).toEqual(expect.stringContaining('User.ReadWrite.All is granted'));
    // Notices belong to the workbook only: results.json keeps the schema of CONTROLS.md.
    expect(readFileSync(job.resultsPath, 'utf8')).not.toContain('User.ReadWrite.All');
  });
});
