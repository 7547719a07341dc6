// Acceptance: bad config exits 2 with a message naming the file, the field path and the problem: missing field,
// invalid cron, unknown time zone, unknown control id, malformed YAML (with line number). The real CLI runs as a
// child process. Config errors must come before any connection: every file points redis.url at a port where
// nothing listens, and a child that tried to connect would hang on BullMQ's retries (or exit 3), not exit 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load-config';
import { CLI } from './helpers/sim-workspace';

/** Valid, after crw.example.yaml (without cloud.caFile, which must exist); Redis unreachable on purpose. */
const VALID = `redis:
  url: redis://127.0.0.1:1
  prefix: crw-errors-test
keyVault:
  url: https://myvault.vault.azure.net
workerIdentity:
  type: managedIdentity
tenants:
  - name: contoso
    tenantId: 11111111-1111-1111-1111-111111111111
    clientId: 22222222-2222-2222-2222-222222222222
    credential:
      type: certificate
      name: crw-contoso-cert
    schedules:
      - name: weekly
        cron: '0 6 * * 1'
        tz: Europe/Berlin
      - name: monthly
        cron: '0 5 1 * *'
        tz: Europe/Berlin
    controls: [CRW-ID-01, CRW-ID-02, CRW-EXO-01]
  - name: fabrikam
    tenantId: 33333333-3333-3333-3333-333333333333
    clientId: 44444444-4444-4444-4444-444444444444
    credential:
      type: secret
      name: crw-fabrikam-secret
`;

/** VALID with each [from, to] applied; every `from` must occur exactly once, so no case tests the valid file. */
function edit(...replacements: Array<[from: string, to: string]>): string {
  let text = VALID;
  for (const [from, to] of replacements) {
    expect({ from, occurrences: text.split(from).length - 1 }).toEqual({ from, occurrences: 1 });
    text = text.replace(from, to);
  }
  return text;
}

/** 1-based number of the line of `text` equal to `line`. */
function lineNumber(text: string, line: string): number {
  const index = text.split('\n').indexOf(line);
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

describe('crw exits 2 on bad configuration and usage', () => {
  let dir: string;
  /** The environment minus every CRW_* variable, so that nothing overrides or replaces the file under test. */
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crw-cli-errors-'));
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CRW_')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeConfig(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  /** No Redis or sim is involved, so blocking is fine; a child that hangs is killed and shows as a signal. */
  function crw(...args: string[]): CliResult {
    const result = spawnSync(process.execPath, [CLI, ...args], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (result.error && !result.signal) throw result.error;
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }

  /** Exit 2 by itself (not killed), nothing on stdout; returns stderr. */
  function expectUsageExit(result: CliResult): string {
    expect({ status: result.status, signal: result.signal, stdout: result.stdout }).toEqual({
      status: 2,
      signal: null,
      stdout: '',
    });
    return result.stderr;
  }

  it('the valid base file passes validation (so each case below fails only for its own edit)', () => {
    // --tenant nope fails after the config loaded and before any connection.
    expect(() => parseConfig(VALID, 'valid.yaml', {})).not.toThrow();
    const file = writeConfig('valid.yaml', VALID);
    const stderr = expectUsageExit(crw('--config', file, 'enqueue', '--tenant', 'nope'));
    expect(stderr).toContain('unknown tenant "nope"');
    expect(stderr).toContain('configured tenants: contoso, fabrikam');
    expect(stderr).not.toContain('valid.yaml');
  });

  it.each([
    {
      problem: 'missing field',
      file: 'missing-field.yaml',
      text: () => edit(['    tenantId: 33333333-3333-3333-3333-333333333333\n', '']),
      expected: 'tenants[1].tenantId: required field is missing',
    },
    {
      problem: 'missing required section',
      file: 'missing-keyvault.yaml',
      text: () => edit(['keyVault:\n  url: https://myvault.vault.azure.net\n', '']),
      expected: 'keyVault: required field is missing',
    },
    {
      problem: 'invalid cron (value out of range)',
      file: 'cron-range.yaml',
      text: () => edit(["cron: '0 6 * * 1'", "cron: '0 25 * * 1'"]),
      expected: 'tenants[0].schedules[0].cron: invalid cron expression "0 25 * * 1"',
    },
    {
      problem: 'invalid cron (too few fields)',
      file: 'cron-fields.yaml',
      text: () => edit(["cron: '0 5 1 * *'", "cron: '0 5 1 *'"]),
      expected: 'tenants[0].schedules[1].cron: invalid cron expression "0 5 1 *": expected 5 fields',
    },
    {
      problem: 'unknown time zone',
      file: 'bad-tz.yaml',
      text: () => edit(["'0 5 1 * *'\n        tz: Europe/Berlin", "'0 5 1 * *'\n        tz: Europe/Berln"]),
      expected: 'tenants[0].schedules[1].tz: unknown time zone "Europe/Berln"',
    },
    {
      problem: 'unknown control id',
      file: 'bad-control.yaml',
      text: () => edit(['[CRW-ID-01, CRW-ID-02, CRW-EXO-01]', '[CRW-ID-01, CRW-ID-02, CRW-ID-99]']),
      expected: 'tenants[0].controls[2]: unknown control id "CRW-ID-99"',
    },
  ])('$problem: exit 2 naming file, field path and problem', ({ file, text, expected }) => {
    const configPath = writeConfig(file, text());
    const stderr = expectUsageExit(crw('--config', configPath, 'scan', '--tenant', 'contoso', '--once'));
    expect(stderr).toContain(`${configPath}: ${expected}`);
  });

  it('every problem of a file is reported at once, each with its field path', () => {
    const text = edit(
      ["'0 6 * * 1'\n        tz: Europe/Berlin", "'0 6 * * 1'\n        tz: Mars/Olympus_Mons"],
      ['[CRW-ID-01, CRW-ID-02, CRW-EXO-01]', '[CRW-ID-01, CRW-XX-01]'],
    );
    const configPath = writeConfig('two-problems.yaml', text);
    const stderr = expectUsageExit(crw('--config', configPath, 'scan', '--tenant', 'contoso', '--once'));
    expect(stderr).toContain(
      `${configPath}: tenants[0].schedules[0].tz: unknown time zone "Mars/Olympus_Mons"`,
    );
    expect(stderr).toContain(`${configPath}: tenants[0].controls[1]: unknown control id "CRW-XX-01"`);
  });

  it('malformed YAML (bad indentation): exit 2 with file and line number', () => {
    const badLine = '     name: crw-contoso-cert';
    const text = edit(['      name: crw-contoso-cert', badLine]);
    const configPath = writeConfig('bad-indent.yaml', text);
    const stderr = expectUsageExit(crw('--config', configPath, 'scan', '--tenant', 'contoso', '--once'));
    expect(stderr).toContain(`${configPath}:${lineNumber(text, badLine)}:`);
    expect(stderr).toContain('invalid YAML');
  });

  it('malformed YAML (unquoted cron starting with "*"): exit 2 with line number and the quoting hint', () => {
    const badLine = '        cron: */15 * * * *';
    const text = edit(["        cron: '0 6 * * 1'", badLine]);
    const configPath = writeConfig('unquoted-cron.yaml', text);
    const stderr = expectUsageExit(crw('--config', configPath, 'scan', '--tenant', 'contoso', '--once'));
    expect(stderr).toContain(`${configPath}:${lineNumber(text, badLine)}:`);
    expect(stderr).toContain('invalid YAML');
    expect(stderr).toContain('quote it');
  });

  it('schedule apply validates the file before connecting to Redis', () => {
    const configPath = writeConfig(
      'apply-bad-tz.yaml',
      edit(["'0 6 * * 1'\n        tz: Europe/Berlin", "'0 6 * * 1'\n        tz: Berlin"]),
    );
    const stderr = expectUsageExit(crw('--config', configPath, 'schedule', 'apply'));
    expect(stderr).toContain(`${configPath}: tenants[0].schedules[0].tz: unknown time zone "Berlin"`);
  });

  it('enqueue of an unknown tenant in a valid file: exit 2 naming it and listing the known ones', () => {
    const configPath = writeConfig('valid-enqueue.yaml', VALID);
    const stderr = expectUsageExit(crw('--config', configPath, 'enqueue', '--tenant', 'contosso'));
    expect(stderr).toContain('unknown tenant "contosso"');
    expect(stderr).toContain('did you mean "contoso"?');
    expect(stderr).toContain('configured tenants: contoso, fabrikam');
  });

  it('a missing config file: exit 2 naming the path', () => {
    const absent = path.join(dir, 'absent.yaml');
    const stderr = expectUsageExit(crw('--config', absent, 'scan', '--tenant', 'contoso', '--once'));
    expect(stderr).toContain('config file not found');
    expect(stderr).toContain(absent);
  });

  it('the default ./crw.yaml, absent from the working directory: exit 2 naming it', () => {
    const stderr = expectUsageExit(crw('schedule', 'list'));
    expect(stderr).toContain(`config file not found (looked at ${path.join(dir, 'crw.yaml')})`);
  });

  it('scan without --once: exit 2 with the hint to use enqueue', () => {
    const configPath = writeConfig('valid-scan.yaml', VALID);
    const stderr = expectUsageExit(crw('--config', configPath, 'scan', '--tenant', 'contoso'));
    expect(stderr).toContain('needs --once');
    expect(stderr).toContain('crw enqueue --tenant NAME');
  });

  it('an unknown command: exit 2', () => {
    const stderr = expectUsageExit(crw('frobnicate'));
    expect(stderr).toContain("unknown command 'frobnicate'");
  });

  it('a required option left out: exit 2', () => {
    const stderr = expectUsageExit(crw('enqueue'));
    expect(stderr).toContain("required option '-t, --tenant <name>' not specified");
  });
});
