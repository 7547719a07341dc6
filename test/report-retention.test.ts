import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listRuns } from '../src/reports/report-store';
import { buildRunResults, resultsJsonChunks } from '../src/reports/results-json';
import { pruneRuns, runsToRemove, type RetentionCandidate } from '../src/reports/retention';

const TENANT = 'contoso';

let tmp: string;
let reportsDir: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-retention-'));
  reportsDir = path.join(tmp, 'reports');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A complete run as write-run-report.ts leaves it: a workbook, then results.json in the writer's exact format. */
function writeRun(startedAt: string, runId: string, root = path.join(reportsDir, TENANT)): string {
  const directory = path.join(root, `${startedAt.slice(0, 10)}-${runId}`);
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, 'report.xlsx'), 'workbook');
  const results = buildRunResults({
    tenant: { name: TENANT, tenantId: '11111111-2222-3333-4444-555555555555' },
    runId,
    startedAt: new Date(startedAt),
    finishedAt: new Date(Date.parse(startedAt) + 60_000),
    controls: [],
  });
  fs.writeFileSync(path.join(directory, 'results.json'), [...resultsJsonChunks(results)].join(''));
  return directory;
}

/** Five complete weekly runs, oldest first. */
function writeFiveRuns(): string[] {
  return [1, 8, 15, 22, 29].map((day, i) =>
    writeRun(`2026-10-${String(day).padStart(2, '0')}T06:00:00.000Z`, `run00${i}`),
  );
}

function run(directory: string, startedAt: string, runId: string): RetentionCandidate {
  return { directory, startedAt, runId };
}

describe('runsToRemove (the rule)', () => {
  const a = run('/r/a', '2026-01-01T06:00:00.000Z', 'aaa');
  const b = run('/r/b', '2026-01-08T06:00:00.000Z', 'bbb');
  // Same start as c2: the run id decides, as in report-store.ts's listing.
  const c1 = run('/r/c1', '2026-01-15T06:00:00.000Z', 'c01');
  const c2 = run('/r/c2', '2026-01-15T06:00:00.000Z', 'c02');

  it('removes all but the newest keepRuns, by startedAt then runId, whatever the input order', () => {
    expect(runsToRemove([c2, a, c1, b], 2)).toEqual([a, b]);
    expect(runsToRemove([c2, a, c1, b], 1)).toEqual([a, b, c1]);
  });

  it('removes nothing when keepRuns covers every run', () => {
    expect(runsToRemove([a, b], 2)).toEqual([]);
    expect(runsToRemove([a, b], 52)).toEqual([]);
    expect(runsToRemove([], 1)).toEqual([]);
  });

  it('never removes the kept run, even when older runs are newer (a resumed run)', () => {
    expect(runsToRemove([a, b, c1, c2], 2, '/r/a')).toEqual([b]);
    expect(runsToRemove([a, b, c1, c2], 1, '/r/x/../c2')).toEqual([a, b, c1]);
  });

  it('rejects a keepRuns that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => runsToRemove([a], bad)).toThrow(RangeError);
  });
});

describe('pruneRuns (on disk)', () => {
  it('keeps the newest complete runs, deletes older ones entirely and leaves incomplete folders alone', async () => {
    const old = writeFiveRuns();
    // An incomplete run (failed, or still being written): older than all, yet never touched or counted.
    const incomplete = path.join(reportsDir, TENANT, '2026-09-01-crashed0');
    fs.mkdirSync(incomplete);
    fs.writeFileSync(path.join(incomplete, 'report.xlsx.tmp'), 'partial');
    const current = writeRun('2026-11-05T06:00:00.000Z', 'current0');

    const result = await pruneRuns(reportsDir, TENANT, 3, { keep: current });

    expect(result).toEqual({ removed: old.slice(0, 3), failed: [] });
    for (const directory of old.slice(0, 3)) expect(fs.existsSync(directory)).toBe(false);
    expect(listRuns(reportsDir, TENANT).runs.map((r) => r.directory)).toEqual([old[3], old[4], current]);
    expect(fs.readdirSync(incomplete)).toEqual(['report.xlsx.tmp']);
  });

  it('removes nothing when keepRuns is larger than the number of runs', async () => {
    const old = writeFiveRuns();
    const current = writeRun('2026-11-05T06:00:00.000Z', 'current0');
    expect(await pruneRuns(reportsDir, TENANT, 52, { keep: current })).toEqual({ removed: [], failed: [] });
    expect(listRuns(reportsDir, TENANT).runs.map((r) => r.directory)).toEqual([...old, current]);
  });

  it('does not follow a symlinked run folder, nor links inside a deleted run', async () => {
    const outside = path.join(tmp, 'elsewhere');
    const linkedTarget = writeRun('2020-01-01T06:00:00.000Z', 'linked00', outside);
    const link = path.join(reportsDir, TENANT, '2020-01-01-linked00');
    const oldest = writeRun('2026-10-01T06:00:00.000Z', 'run00000');
    const keptFile = path.join(tmp, 'precious.txt');
    fs.writeFileSync(keptFile, 'not in the store');
    fs.symlinkSync(keptFile, path.join(oldest, 'link-out'));
    fs.symlinkSync(linkedTarget, link, 'dir');
    const current = writeRun('2026-11-05T06:00:00.000Z', 'current0');

    const result = await pruneRuns(reportsDir, TENANT, 1, { keep: current });

    expect(result).toEqual({ removed: [oldest], failed: [] });
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(linkedTarget).sort()).toEqual(['report.xlsx', 'results.json']);
    expect(fs.readFileSync(keptFile, 'utf8')).toBe('not in the store');
  });

  it('leaves a run with an unreadable results.json in place, reports it and does not count it', async () => {
    const [first, second] = writeFiveRuns();
    const broken = path.join(reportsDir, TENANT, '2026-01-01-broken00');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'results.json'), '{"schemaVersion": 2}');

    const result = await pruneRuns(reportsDir, TENANT, 3);

    expect(result.removed).toEqual([first, second]);
    expect(result.failed).toEqual([
      { directory: broken, reason: expect.stringContaining('results.json unreadable, run left in place') },
    ]);
    expect(fs.existsSync(path.join(broken, 'results.json'))).toBe(true);
  });

  it('does nothing for a tenant without a folder, and refuses a tenant that is not a folder name', async () => {
    expect(await pruneRuns(reportsDir, 'nobody', 1)).toEqual({ removed: [], failed: [] });
    await expect(pruneRuns(reportsDir, '..', 1)).rejects.toThrow(RangeError);
    await expect(pruneRuns(reportsDir, 'a/b', 1)).rejects.toThrow(RangeError);
    await expect(pruneRuns(reportsDir, TENANT, 0)).rejects.toThrow(RangeError);
  });
});
