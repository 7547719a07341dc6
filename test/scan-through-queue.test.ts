// Acceptance (issue 2): a scan runs end to end through BullMQ on real Redis against sim/ over HTTPS with the
// real Azure SDK clients; results equal sim's ground truth; no secret reaches logs, results, workbook or Redis.
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import {
  expectGroundTruth,
  scanThroughQueue,
  SEEDED_TENANTS,
  type ScanOutcome,
} from './helpers/ground-truth-scan';
import { dumpKeys } from './helpers/redis-keys';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { REPORT_SHEET_NAMES, readWorkbookRows, workbookXmlText } from './helpers/workbook-reader';

const TENANTS = SEEDED_TENANTS;

describe('scan through the queue against sim/', () => {
  let ws: SimWorkspace;
  let results = new Map<string, ScanOutcome>();

  beforeAll(async () => {
    ws = await openSimWorkspace('e2e', { tenants: TENANTS });
    results = await scanThroughQueue(
      ws,
      TENANTS.map((t) => t.name),
    );
  });
  afterAll(() => ws.close());

  it.each(TENANTS.map((t) => t.name))('%s: every implemented control equals the ground truth', (name) => {
    expectGroundTruth(ws, name, results.get(name)!.results);
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
    expect(book.sheetNames).toEqual(REPORT_SHEET_NAMES);
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
