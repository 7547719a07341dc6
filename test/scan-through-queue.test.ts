// Acceptance (issue 2): a scan runs end to end through BullMQ on real Redis against sim/ over HTTPS with the
// real Azure SDK clients; results equal sim's ground truth; no secret reaches logs, results, workbook or Redis.
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { expectedResults } from '../sim/tenant';
import { IMPLEMENTED_CONTROLS } from '../src/controls/catalogue';
import type { RunResults } from '../src/controls/types';
import { newRunId } from '../src/jobs/run-id';
import { createScanServices } from '../src/jobs/scan-services';
import { SCAN_JOB_NAME, type ScanJobResult } from '../src/jobs/scan-job';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker } from '../src/worker/scan-worker';
import { dumpKeys } from './helpers/redis-keys';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { readWorkbookRows, workbookXmlText } from './helpers/workbook-reader';

const TENANTS = [
  { name: 'contoso', seed: 1, users: 200, credential: 'certificate' as const },
  { name: 'fabrikam', seed: 2, users: 200, credential: 'secret' as const },
  { name: 'northwind', seed: 3, users: 200, credential: 'certificate' as const },
];

describe('scan through the queue against sim/', () => {
  let ws: SimWorkspace;
  const results = new Map<string, { job: ScanJobResult; results: RunResults }>();

  beforeAll(async () => {
    ws = await openSimWorkspace('e2e', { tenants: TENANTS });
    // Every implemented control, judged as the ground truth assumes: its break-glass accounts and its "now".
    const config = ws.rewriteConfig((document) => {
      for (const tenant of document.tenants) {
        tenant.controls = IMPLEMENTED_CONTROLS.map((control) => control.meta.id);
        const { breakGlass } = expectedResults(ws.sim.tenant(tenant.name)).assumptions;
        Object.assign(tenant, { settings: { breakGlass } });
      }
    });
    const now = new Date(expectedResults(ws.sim.tenant(TENANTS[0]!.name)).assumptions.now);
    const services = { ...createScanServices(config), now: () => now };
    const worker = startScanWorker(config, services, ws.logger);
    const queue = openScanQueue(config);
    const events = openScanQueueEvents(config);
    try {
      await events.waitUntilReady();
      const jobs = await Promise.all(
        TENANTS.map((t) =>
          queue.add(SCAN_JOB_NAME, { tenant: t.name, runId: newRunId(), trigger: 'manual' }),
        ),
      );
      for (const job of jobs) {
        const done = (await job.waitUntilFinished(events, 60_000)) as ScanJobResult;
        results.set(done.tenant, { job: done, results: JSON.parse(readFileSync(done.resultsPath, 'utf8')) });
      }
    } finally {
      await worker.close(5000);
      services.http.close();
      await events.close();
      await queue.close();
    }
  });
  afterAll(() => ws.close());

  it.each(TENANTS.map((t) => t.name))('%s: every implemented control equals the ground truth', (name) => {
    const run = results.get(name)!.results;
    const truth = expectedResults(ws.sim.tenant(name));
    // The ground truth covers every Entra ID control; compare those this version of the worker evaluates.
    const implemented = new Set(IMPLEMENTED_CONTROLS.map((control) => control.meta.id));
    for (const expected of truth.controls.filter((control) => implemented.has(control.id))) {
      const actual = run.controls.find((c) => c.id === expected.id)!;
      expect({
        id: actual.id,
        status: actual.status,
        assets: actual.findings.map((f) => f.assetName),
      }).toEqual({
        id: expected.id,
        status: expected.status,
        assets: expected.findingAssetNames,
      });
      if (expected.highSeverityAssetNames) {
        const high = actual.findings.filter((f) => f.severity === 'high').map((f) => f.assetName);
        expect(high).toEqual(expected.highSeverityAssetNames);
      }
    }
  });

  it("every Graph request the worker sent exists in Graph's v1.0 metadata", () => {
    expect(ws.graphAudit.count()).toBeGreaterThan(TENANTS.length * 10);
    expect(ws.graphAudit.problems()).toEqual([]);
  });

  it('the seeds give both outcomes of CRW-ID-02 and real CRW-ID-01 findings', () => {
    const statuses = TENANTS.map(
      (t) => results.get(t.name)!.results.controls.find((c) => c.id === 'CRW-ID-02')!.status,
    );
    expect(new Set(statuses)).toEqual(new Set(['pass', 'fail']));
    const id01 = results.get('contoso')!.results.controls.find((c) => c.id === 'CRW-ID-01')!;
    expect(id01.findings.length).toBeGreaterThan(0);
    expect(id01.findings.every((f) => f.assetType === 'user' && f.assetName.includes('@'))).toBe(true);
  });

  it('the workbook, read by SheetJS, has a Summary row per control and a Findings row per finding', () => {
    const { job, results: run } = results.get('contoso')!;
    const book = readWorkbookRows(job.workbookPath);
    expect(book.sheetNames).toEqual(['Summary', 'Findings']);
    const summaryIds = book.rows
      .Summary!.map((row) => row[0])
      .filter((v) => typeof v === 'string' && v.startsWith('CRW-'));
    expect(summaryIds.sort()).toEqual(run.controls.map((c) => c.id).sort());
    const findingRows = book.rows.Findings!.slice(1);
    const total = run.controls.reduce((n, c) => n + c.findings.length, 0);
    expect(findingRows).toHaveLength(total);
    // Tenant-level findings name the tenant, not a UPN: read the Asset column by its header.
    const assetColumn = book.rows.Findings![0]!.indexOf('Asset');
    const assets = findingRows.map((row) => row[assetColumn]);
    expect(assets.sort()).toEqual(run.controls.flatMap((c) => c.findings.map((f) => f.assetName)).sort());
  });

  it('no private key or client secret appears in logs, results.json, the workbook or Redis', async () => {
    const secrets: string[] = [];
    for (const t of TENANTS) {
      const stored = ws.sim.keyVaultItemValue(
        ws.sim.tenant(t.name) && `crw-${t.name}-${t.credential === 'secret' ? 'secret' : 'cert'}`,
      );
      expect(stored).toBeTruthy();
      secrets.push(stored!);
      if (t.credential === 'certificate') {
        const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(stored!)), '');
        const bag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
          forge.pki.oids.pkcs8ShroudedKeyBag!
        ]![0]!;
        const keyPem = forge.pki.privateKeyToPem(bag.key!);
        const pkcs8Pem = forge.pki.privateKeyInfoToPem(
          forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key!)),
        );
        // Any 40-character run of either key encoding would betray the key.
        for (const pem of [keyPem, pkcs8Pem]) secrets.push(pem.split('\n')[3]!.trim().slice(0, 40));
      }
    }
    const haystacks: Array<[string, string]> = [['logs', ws.logLines.join('\n')]];
    for (const { job } of results.values()) {
      haystacks.push([job.resultsPath, readFileSync(job.resultsPath, 'utf8')]);
      haystacks.push([job.workbookPath, await workbookXmlText(job.workbookPath)]);
    }
    for (const [key, value] of await dumpKeys(ws.prefix)) haystacks.push([`redis ${key}`, value]);
    expect(ws.logLines.length).toBeGreaterThan(5);
    expect(haystacks.length).toBeGreaterThan(TENANTS.length * 2 + 3);
    for (const [where, text] of haystacks) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`secret material found in ${where}`);
      }
    }
  });
});
