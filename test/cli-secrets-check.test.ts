// Acceptance (issue 4, `crw secrets check`): the built CLI, as a child process, against sim/ over HTTPS with the
// real Azure SDK. For a tenant missing one Graph permission it names exactly the controls that permission
// disables and exits non-zero; a fully granted tenant exits 0; it never prints a secret or a token.
import { spawn } from 'node:child_process';
import forge from 'node-forge';
import { DEFAULT_GRANTED_PERMISSIONS } from '../sim/tenant';
import { CONTROL_IDS } from '../src/config/control-ids';
import { childEnv, CLI, openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('crw secrets check against sim/', () => {
  let ws: SimWorkspace;

  beforeAll(async () => {
    ws = await openSimWorkspace('secrets-check', {
      tenants: [
        { name: 'full', seed: 1, users: 50, credential: 'certificate' },
        {
          name: 'restricted',
          seed: 2,
          users: 50,
          credential: 'secret',
          grantedPermissions: DEFAULT_GRANTED_PERMISSIONS.filter((p) => p !== 'AuditLog.Read.All'),
        },
        { name: 'disabled', seed: 3, users: 50, credential: 'secret' },
      ],
    });
    ws.sim.setKeyVaultItemEnabled('crw-disabled-secret', false);
  });
  afterAll(() => ws.close());

  /** The child runs while this process serves sim/, so it must not block the event loop (no spawnSync). */
  function crw(...args: string[]): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: childEnv(ws),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** Control ids on the BLOCKED rows of the output. */
  function blocked(stdout: string): string[] {
    return [...stdout.matchAll(/^ {2}(CRW-[A-Z]+-\d+) +BLOCKED /gm)].map((m) => m[1]!);
  }

  function okRows(stdout: string): string[] {
    return [...stdout.matchAll(/^ {2}(CRW-[A-Z]+-\d+) +OK /gm)].map((m) => m[1]!);
  }

  it('a tenant missing AuditLog.Read.All: names exactly CRW-ID-01 (of ID-01, ID-02) and exits 3', async () => {
    const result = await crw('secrets', 'check', '--tenant', 'restricted');
    expect(result.status).toBe(3);
    expect(blocked(result.stdout)).toEqual(['CRW-ID-01']);
    expect(okRows(result.stdout)).toEqual(['CRW-ID-02']);
    expect(result.stdout).toMatch(/CRW-ID-01 +BLOCKED +missing AuditLog\.Read\.All;/);
    expect(result.stdout).toMatch(/vault reachable +yes/);
    expect(result.stdout).toMatch(/item found +yes, enabled/);
    expect(result.stdout).toMatch(/content type +text\/plain/);
    expect(result.stdout).toMatch(/expires in +\d+ days \(\d{4}-\d\d-\d\d\)/);
    expect(result.stdout).toMatch(/Graph token +yes: .*RoleManagement\.Read\.Directory/);
    expect(result.stdout).toMatch(/Exchange token +yes: Exchange\.ManageAsApp/);
    expect(result.stdout).toContain('result: 1 of 2 selected controls blocked: CRW-ID-01');
  });

  it('with all 16 controls selected, the same tenant blocks exactly those needing AuditLog.Read.All', async () => {
    ws.rewriteConfig((document) => {
      for (const tenant of document.tenants) tenant.controls = [...CONTROL_IDS];
    });
    try {
      const result = await crw('secrets', 'check', '--tenant', 'restricted');
      expect(result.status).toBe(3);
      expect(blocked(result.stdout)).toEqual(['CRW-ID-01', 'CRW-ID-09']);
      expect(okRows(result.stdout)).toHaveLength(14);
      expect(result.stdout).toContain('Global Reader (for CRW-EXO-01, CRW-EXO-02');
    } finally {
      ws.rewriteConfig(() => undefined);
    }
  });

  it('a fully granted tenant exits 0', async () => {
    const result = await crw('secrets', 'check', '--tenant', 'full');
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(blocked(result.stdout)).toEqual([]);
    expect(okRows(result.stdout)).toEqual(['CRW-ID-01', 'CRW-ID-02']);
    expect(result.stdout).toContain('result: every selected control can run');
  });

  it('a disabled Key Vault item: found but disabled, no token, every control blocked', async () => {
    const result = await crw('secrets', 'check', '--tenant', 'disabled');
    expect(result.status).toBe(3);
    expect(result.stdout).toMatch(/vault reachable +yes/);
    expect(result.stdout).toMatch(/item found +yes, DISABLED/);
    expect(result.stdout).toMatch(/credential usable +no: .*disabled/);
    expect(result.stdout).toMatch(/Graph token +not requested/);
    expect(blocked(result.stdout)).toEqual(['CRW-ID-01', 'CRW-ID-02']);
  });

  it('every tenant without --tenant, and never a secret, a key or a token in the output', async () => {
    const result = await crw('secrets', 'check');
    expect(result.status).toBe(3);
    for (const name of ['full', 'restricted', 'disabled'])
      expect(result.stdout).toContain(`Tenant ${name} (`);
    const secrets = [
      ws.sim.keyVaultItemValue('crw-restricted-secret')!,
      ws.sim.keyVaultItemValue('crw-disabled-secret')!,
    ];
    const p12 = ws.sim.keyVaultItemValue('crw-full-cert')!;
    const bags = forge.pkcs12
      .pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(p12)), '')
      .getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]!;
    secrets.push(forge.pki.privateKeyToPem(bags[0]!.key!).split('\n')[3]!.trim().slice(0, 40));
    const output = result.stdout + result.stderr;
    for (const secret of secrets) expect(output.includes(secret)).toBe(false);
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(output).not.toContain('PRIVATE KEY');
  });

  it('an unknown tenant is a usage error (exit 2)', async () => {
    const result = await crw('secrets', 'check', '--tenant', 'nope');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });
});
