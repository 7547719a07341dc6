// Acceptance (issue 2): `crw demo` (what `npm run demo` runs) exits 0, prints the paths of report.xlsx and
// results.json, and the workbook opened by an independent reader holds both sheets with the expected rows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunResults } from '../src/controls/types';
import { CLI } from './helpers/sim-workspace';
import { REPORT_SHEET_NAMES, readWorkbookRows } from './helpers/workbook-reader';

function runDemo(env: NodeJS.ProcessEnv) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'crw-demo-test-'));
  const run = spawnSync(process.execPath, [CLI, 'demo', '--users', '150', '--seed', '4'], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  const pathAfter = (label: string) => run.stdout.match(new RegExp(`^${label}\\s+(\\S+)$`, 'm'))?.[1];
  return { cwd, run, workbookPath: pathAfter('report.xlsx:'), resultsPath: pathAfter('results.json:') };
}

describe('crw demo', () => {
  const cwds: string[] = [];
  afterAll(() => cwds.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('runs the pipeline on the local Redis and prints the report paths and a summary', () => {
    const { cwd, run, workbookPath, resultsPath } = runDemo({});
    cwds.push(cwd);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(workbookPath).toBe(
      path.join(cwd, 'reports', 'contoso', path.basename(path.dirname(workbookPath!)), 'report.xlsx'),
    );
    expect(run.stdout).toMatch(/Score \d+%: \d+ pass, \d+ fail/);
    // The report's mail as the sim's Graph received it: subject and attachment names.
    expect(run.stdout).toMatch(/^Mail \(sent through graph; the sim kept it\):$/m);
    expect(run.stdout).toMatch(/^ {2}subject: +Compliance report contoso \d{4}-\d{2}-\d{2}: score [\d.]+%/m);
    expect(run.stdout).toMatch(
      /^ {2}attachment: +compliance-report-contoso-\d{4}-\d{2}-\d{2}\.xlsx \(\d+ bytes\)$/m,
    );

    const results = JSON.parse(readFileSync(resultsPath!, 'utf8')) as RunResults;
    const book = readWorkbookRows(workbookPath!);
    expect(book.sheetNames).toEqual(REPORT_SHEET_NAMES);
    for (const control of results.controls) {
      const row = book.rows.Summary!.find((r) => r[0] === control.id);
      expect(row).toBeDefined();
      expect(row).toContain(control.status);
    }
    const findings = results.controls.flatMap((c) => c.findings);
    expect(findings.length).toBeGreaterThan(0);
    expect(book.rows.Findings!.length).toBe(findings.length + 1);
  });

  it('starts a private redis-server when none answers at CRW_REDIS_URL, and stops it afterwards', () => {
    const { cwd, run, workbookPath } = runDemo({ CRW_REDIS_URL: 'redis://127.0.0.1:1' });
    cwds.push(cwd);
    expect(run.status).toBe(0);
    const redisLine = run.stdout.match(/^demo: Redis at redis:\/\/127\.0\.0\.1:(\d+)$/m);
    expect(redisLine?.[1]).not.toBe('1');
    expect(workbookPath).toBeDefined();
    const stillRunning = spawnSync('redis-cli', ['-p', redisLine![1]!, 'ping'], { encoding: 'utf8' });
    expect(stillRunning.stdout.trim()).not.toBe('PONG');
  });
});
