// Acceptance (issue 6, item 3): two runs over a changed tenant; the second workbook's Changes sheet names exactly
// the new and the resolved findings, and its Summary says what changed per control. The tenant changes between the
// runs through sim/: one mailbox stops forwarding externally, another starts (Get-Mailbox answers, over HTTPS).
import { readFileSync } from 'node:fs';
import type { FaultRule } from '../sim';
import { expectedResults } from '../sim/tenant';
import { mailboxDirectoryOf } from '../sim/tenant/mailboxes';
import type { Config } from '../src/config/schema';
import { IMPLEMENTED_CONTROLS } from '../src/controls/catalogue';
import type { RunResults } from '../src/controls/types';
import { newRunId } from '../src/jobs/run-id';
import { computeDrift, describeControlChange, findingKey } from '../src/reports/drift';
import { buildRunResults } from '../src/reports/results-json';
import { runScan } from '../src/jobs/run-scan';
import { createScanServices } from '../src/jobs/scan-services';
import type { ScanJobResult } from '../src/jobs/scan-job';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { readWorkbookRows } from './helpers/workbook-reader';

const TENANT = 'contoso';

describe('drift between two runs of a tenant', () => {
  let ws: SimWorkspace;
  let config: Config;

  beforeAll(async () => {
    ws = await openSimWorkspace('drift', {
      tenants: [{ name: TENANT, seed: 1, users: 200, credential: 'secret' }],
    });
    config = ws.rewriteConfig((document) => {
      for (const tenant of document.tenants) {
        tenant.controls = IMPLEMENTED_CONTROLS.map((c) => c.meta.id);
        const { breakGlass } = expectedResults(ws.sim.tenant(tenant.name)).assumptions;
        Object.assign(tenant, { settings: { breakGlass } });
      }
    });
  });
  afterAll(() => ws.close());

  async function scan(rules: FaultRule[]): Promise<{ job: ScanJobResult; results: RunResults }> {
    const truth = expectedResults(ws.sim.tenant(TENANT));
    const services = { ...createScanServices(config), now: () => new Date(truth.assumptions.now) };
    ws.sim.setFaults(rules);
    try {
      const tenant = config.tenants.find((t) => t.name === TENANT)!;
      const job = await runScan(services, { tenant, runId: newRunId(), logger: ws.logger });
      expect(ws.sim.faults().every((rule) => rule.fired > 0)).toBe(true);
      return { job, results: JSON.parse(readFileSync(job.resultsPath, 'utf8')) as RunResults };
    } finally {
      ws.sim.clearFaults();
      services.http.close();
    }
  }

  it('names exactly the new and the resolved findings', async () => {
    const first = await scan([]);
    const firstBook = readWorkbookRows(first.job.workbookPath);
    expect(firstBook.rows.Changes!.find((row) => row[0] === 'Compared with run')?.[1]).toBe(
      'none: first run',
    );

    const forwards = first.results.controls.find((c) => c.id === 'CRW-EXO-04')!.findings;
    expect(forwards.length).toBeGreaterThan(1);
    const stops = forwards[0]!.assetName;
    // A user mailbox that forwards nowhere today.
    const starts = [...mailboxDirectoryOf(ws.sim.tenant(TENANT)).all()].find(
      (m) =>
        m.recipientTypeDetails === 'UserMailbox' &&
        m.forwardingSmtp === null &&
        !forwards.some((f) => f.assetName === m.primarySmtpAddress),
    )?.primarySmtpAddress;
    expect(starts).toBeDefined();

    const drifted: FaultRule[] = [
      {
        fault: 'corrupt-field',
        target: 'exchange',
        cmdlet: 'Get-Mailbox',
        field: 'ForwardingSmtpAddress',
        corruption: 'null',
        where: { PrimarySmtpAddress: stops },
      },
      {
        fault: 'corrupt-field',
        target: 'exchange',
        cmdlet: 'Get-Mailbox',
        field: 'ForwardingSmtpAddress',
        corruption: 'set',
        value: 'smtp:drift@evil.example',
        where: { PrimarySmtpAddress: starts! },
      },
    ];
    const second = await scan(drifted);
    const book = readWorkbookRows(second.job.workbookPath);
    expect(book.sheetNames.slice(0, 3)).toEqual(['Summary', 'Findings', 'Changes']);
    const changes = book.rows.Changes!;
    const header = changes.findIndex((row) => row[0] === 'Change');
    const table = changes.slice(header + 1).map((row) => [row[0], row[1], row[4]]);
    expect(table).toEqual([
      ['new finding', 'CRW-EXO-04', starts],
      ['resolved', 'CRW-EXO-04', stops],
    ]);
    const compared = changes.find((row) => row[0] === 'Compared with run')?.[1];
    expect(compared).toContain(first.results.runId);

    const summaryRow = book.rows.Summary!.find((row) => row[0] === 'CRW-EXO-04')!;
    const changeColumn = book.rows
      .Summary!.find((row) => row[0] === 'Control')!
      .indexOf('Change since last run');
    expect(summaryRow[changeColumn]).toBe('1 new, 1 resolved');
    const unchanged = book.rows.Summary!.find((row) => row[0] === 'CRW-ID-01')!;
    expect(unchanged[changeColumn]).toBe('no change');

    // Findings say since when each has been open: the new one since this run, the others since the first.
    const secondSightings = sightingsOf(book, 'CRW-EXO-04');
    const exo04 = second.results.controls.find((c) => c.id === 'CRW-EXO-04')!.findings;
    expect([...secondSightings.keys()].sort()).toEqual(exo04.map((f) => f.assetName).sort());
    for (const [asset, sighting] of secondSightings) {
      if (asset === starts) expectSighting(sighting, 'new', second.results.startedAt);
      else expectSighting(sighting, 'persisting', first.results.startedAt);
    }

    // A third run over the same state carries both dates over (through the second run's first-seen.json).
    const third = await scan(drifted);
    const thirdSightings = sightingsOf(readWorkbookRows(third.job.workbookPath), 'CRW-EXO-04');
    expect(thirdSightings.size).toBe(secondSightings.size);
    for (const [asset, sighting] of thirdSightings) {
      expectSighting(
        sighting,
        'persisting',
        asset === starts ? second.results.startedAt : first.results.startedAt,
      );
    }
  });
});

/** A Findings row's state and first-seen date cell (days as a fraction: read back within a millisecond). */
function expectSighting(actual: { state: unknown; firstSeen: Date }, state: string, firstSeen: string): void {
  expect(actual.state).toBe(state);
  expect(Math.abs(actual.firstSeen.getTime() - Date.parse(firstSeen))).toBeLessThanOrEqual(1);
}

/** Findings rows of one control by asset: new or persisting, and since when. */
function sightingsOf(
  book: ReturnType<typeof readWorkbookRows>,
  controlId: string,
): Map<unknown, { state: unknown; firstSeen: Date }> {
  const [header = [], ...rows] = book.rows.Findings!;
  const column = (name: string) => header.indexOf(name);
  return new Map(
    rows
      .filter((row) => row[column('Control')] === controlId)
      .map((row) => [
        row[column('Asset')],
        { state: row[column('New or persisting')], firstSeen: row[column('First seen (UTC)')] as Date },
      ]),
  );
}

describe('computeDrift', () => {
  const finding = (name: string, detail = 'forwards') => ({
    assetType: 'mailbox' as const,
    assetId: `id-${name}`,
    assetName: name,
    detail,
  });
  const run = (runId: string, startedAt: string, controls: Array<[string, 'pass' | 'fail', string[]]>) =>
    buildRunResults({
      tenant: { name: 'contoso', tenantId: 't' },
      runId,
      startedAt: new Date(startedAt),
      finishedAt: new Date(startedAt),
      controls: controls.map(([id, status, names]) => ({
        id,
        title: `title ${id}`,
        severity: 'high',
        status,
        reason: null,
        references: [],
        findings: names.map((n) => finding(n)),
      })),
    });

  it('reports status changes, new and resolved findings; a changed detail is one of each', () => {
    const before = run('a', '2026-01-01T00:00:00Z', [
      ['CRW-EXO-04', 'fail', ['x@c', 'y@c']],
      ['CRW-ID-01', 'fail', ['admin@c']],
    ]);
    const after = run('b', '2026-01-08T00:00:00Z', [
      ['CRW-EXO-04', 'fail', ['y@c', 'z@c']],
      ['CRW-ID-01', 'pass', []],
    ]);
    after.controls[0]!.findings[0]!.detail = 'forwards elsewhere';
    const drift = computeDrift(before, after);
    expect(drift.statusChanges).toEqual([
      { controlId: 'CRW-ID-01', title: 'title CRW-ID-01', from: 'fail', to: 'pass' },
    ]);
    expect(drift.newFindings.map((f) => `${f.controlId} ${f.finding.assetName}`)).toEqual([
      'CRW-EXO-04 y@c',
      'CRW-EXO-04 z@c',
    ]);
    expect(drift.resolvedFindings.map((f) => `${f.controlId} ${f.finding.assetName}`)).toEqual([
      'CRW-EXO-04 x@c',
      'CRW-EXO-04 y@c',
      'CRW-ID-01 admin@c',
    ]);
    expect(describeControlChange(drift, 'CRW-ID-01', 'pass')).toBe('fail → pass, 1 resolved');
    expect(describeControlChange(computeDrift(null, after), 'CRW-ID-01', 'pass')).toBe('first run');
  });

  it('carries first sightings over: recorded by the previous run, else its start; new ones are absent', () => {
    const before = run('a', '2026-01-08T00:00:00Z', [['CRW-EXO-04', 'fail', ['x@c', 'y@c']]]);
    const after = run('b', '2026-01-15T00:00:00Z', [['CRW-EXO-04', 'fail', ['x@c', 'y@c', 'z@c']]]);
    const key = (name: string) => findingKey('CRW-EXO-04', finding(name));
    const recorded = new Map([[key('x@c'), '2025-12-01T00:00:00.000Z']]);
    const drift = computeDrift(before, after, recorded);
    expect(drift.persisting).toEqual(
      new Map([
        [key('x@c'), '2025-12-01T00:00:00.000Z'],
        [key('y@c'), before.startedAt],
      ]),
    );
    expect(computeDrift(null, after).persisting.size).toBe(0);
  });
});
