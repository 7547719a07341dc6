// `crw report list`: complete runs from the report store with date, score and counts; a run without results.json
// (still being written, or failed) is not listed; an unknown tenant is a usage error. No Redis is contacted.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRunResults } from '../src/reports/results-json';
import { writeRunReport } from '../src/reports/write-run-report';
import { CLI } from './helpers/sim-workspace';

const CONFIG = `
keyVault:
  url: https://myvault.vault.azure.net
redis:
  url: redis://127.0.0.1:1
tenants:
  - name: contoso
    tenantId: 11111111-1111-1111-1111-111111111111
    clientId: 22222222-2222-2222-2222-222222222222
    credential:
      type: certificate
      name: crw-contoso-cert
`;

function results(runId: string, startedAt: string, failing: number) {
  return buildRunResults({
    tenant: { name: 'contoso', tenantId: '11111111-1111-1111-1111-111111111111' },
    runId,
    startedAt: new Date(startedAt),
    finishedAt: new Date(startedAt),
    controls: ['CRW-ID-01', 'CRW-ID-02', 'CRW-ID-03', 'CRW-ID-04'].map((id, i) => ({
      id,
      title: id,
      severity: 'high',
      status: i < failing ? 'fail' : 'pass',
      reason: null,
      references: [],
      findings:
        i < failing ? [{ assetType: 'user', assetId: `u${i}`, assetName: `u${i}@c`, detail: 'd' }] : [],
    })),
  });
}

describe('crw report list', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-report-list-'));
    fs.writeFileSync(path.join(dir, 'crw.yaml'), CONFIG);
    const reports = path.join(dir, 'reports');
    await writeRunReport(reports, results('run-b', '2026-02-01T06:00:00Z', 1));
    await writeRunReport(reports, results('run-a', '2026-01-01T06:00:00Z', 3));
    // A run still being written: its folder and workbook exist, its results.json does not yet.
    fs.mkdirSync(path.join(reports, 'contoso', '2026-03-01-run-c'), { recursive: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const crw = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, '--config', path.join(dir, 'crw.yaml'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, CRW_REPORTS_DIR: path.join(dir, 'reports') },
    });

  it('lists complete runs oldest first with score and counts', () => {
    const out = crw('report', 'list');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^TENANT\s+STARTED \(UTC\)\s+RUN\s+SCORE\s+PASS\/FAIL\/ERROR\/SKIPPED\s+FINDINGS/,
    );
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 6))).toEqual([
      ['contoso', '2026-01-01 06:00:00', 'run-a', '25.0%', '1/3/0/0', '3'],
      ['contoso', '2026-02-01 06:00:00', 'run-b', '75.0%', '3/1/0/0', '1'],
    ]);
  });

  it('names an unknown tenant and exits 2', () => {
    const out = crw('report', 'list', '--tenant', 'nope');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown tenant "nope" (configured: contoso)');
  });
});
