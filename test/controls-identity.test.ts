import type { PrivilegedUser, RoleHolding } from '../src/collectors/types';
import { GLOBAL_ADMINISTRATOR, type ControlContext } from '../src/controls/control';
import { crwId01 } from '../src/controls/crw-id-01';
import { crwId02 } from '../src/controls/crw-id-02';
import { evaluateControls } from '../src/controls/evaluate-controls';

const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const role = (roleId: string, kind: RoleHolding['kind'] = 'active', group?: string): RoleHolding => ({
  roleId,
  roleName: roleId === GLOBAL_ADMINISTRATOR ? 'Global Administrator' : 'User Administrator',
  kind,
  viaGroup: group ? { id: `g-${group}`, displayName: group } : null,
});
const user = (id: string, roles: RoleHolding[], accountEnabled: boolean | null = true): PrivilegedUser => ({
  id,
  userPrincipalName: `${id}@contoso.test`,
  accountEnabled,
  userType: 'Member',
  roles,
});

function context(users: PrivilegedUser[], registered: Record<string, boolean>): ControlContext {
  return {
    tenant: { name: 'contoso', tenantId: 't-1' },
    now: new Date('2026-01-01T00:00:00Z'),
    settings: {
      privilegedRoles: [GLOBAL_ADMINISTRATOR, USER_ADMIN],
      breakGlass: [],
      staleDays: 90,
      globalAdminRange: [2, 4],
    },
    privilegedAccess: { ok: true, value: { users, eligibilityAvailable: true } },
    registrations: {
      ok: true,
      value: new Map(
        Object.entries(registered).map(([id, isMfaRegistered]) => [
          id,
          { id, userPrincipalName: `${id}@contoso.test`, isMfaRegistered },
        ]),
      ),
    },
  };
}

describe('CRW-ID-01', () => {
  it('finds enabled privileged users that are unregistered or have no record, and skips disabled ones', () => {
    const users = [
      user('alice', [role(GLOBAL_ADMINISTRATOR)]),
      user('bob', [role(USER_ADMIN, 'eligible')]),
      user('carol', [role(USER_ADMIN, 'active', 'Tier0')]),
      user('dave', [role(GLOBAL_ADMINISTRATOR)], false),
      user('erin', [role(USER_ADMIN)]),
    ];
    const outcome = crwId01.evaluate(context(users, { alice: true, bob: false, dave: false, erin: true }));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings.map((f) => f.assetName)).toEqual(['bob@contoso.test', 'carol@contoso.test']);
    expect(outcome.findings[0]?.detail).toBe('not registered for MFA; holds User Administrator (eligible)');
    expect(outcome.findings[1]?.detail).toBe(
      'no MFA registration record; holds User Administrator (active, via group Tier0)',
    );
  });

  it('passes when every privileged user is registered, and errors when the report was refused', () => {
    const users = [user('alice', [role(GLOBAL_ADMINISTRATOR)])];
    expect(crwId01.evaluate(context(users, { alice: true })).status).toBe('pass');
    const refused = { ...context(users, {}), registrations: { ok: false as const, reason: 'Graph refused' } };
    expect(crwId01.evaluate(refused)).toMatchObject({ status: 'error', findings: [] });
  });
});

describe('CRW-ID-02', () => {
  const gas = (n: number) =>
    Array.from({ length: n }, (_, i) => user(`ga${i}`, [role(GLOBAL_ADMINISTRATOR)]));

  it('passes inside the range and fails outside it with one tenant finding listing the holders', () => {
    expect(crwId02.evaluate(context(gas(2), {})).status).toBe('pass');
    expect(crwId02.evaluate(context(gas(4), {})).status).toBe('pass');
    const many = crwId02.evaluate(context(gas(5), {}));
    expect(many.status).toBe('fail');
    expect(many.findings).toHaveLength(1);
    expect(many.findings[0]).toMatchObject({ assetType: 'tenant', assetName: 'contoso', assetId: 't-1' });
    expect(many.findings[0]?.detail).toContain('5 Global Administrators, more than the maximum of 4');
    expect(crwId02.evaluate(context(gas(1), {})).findings[0]?.detail).toContain(
      'fewer than the minimum of 2',
    );
  });

  it('counts each enabled user once whatever the path, never disabled ones', () => {
    const users = [
      user('a', [role(GLOBAL_ADMINISTRATOR), role(GLOBAL_ADMINISTRATOR, 'eligible')]),
      user('b', [role(GLOBAL_ADMINISTRATOR, 'active', 'Tier0')]),
      user('c', [role(GLOBAL_ADMINISTRATOR)], false),
    ];
    expect(crwId02.evaluate(context(users, {})).status).toBe('pass');
    const one = crwId02.evaluate(context(users.slice(1), {}));
    expect(one.findings[0]?.detail).toBe(
      '1 Global Administrator, fewer than the minimum of 2: b@contoso.test',
    );
  });
});

describe('evaluateControls', () => {
  it('reports every catalogue control: selected ones evaluated, others skipped with a reason', () => {
    const results = evaluateControls(['CRW-ID-02', 'CRW-EXO-01'], context([], {}));
    expect(results).toHaveLength(16);
    expect(results.find((r) => r.id === 'CRW-ID-02')?.status).toBe('fail');
    expect(results.find((r) => r.id === 'CRW-ID-01')).toMatchObject({
      status: 'skipped',
      reason: 'not selected for this tenant',
    });
    // Selected, but the context carries no Exchange data: error with the reason, never a silent pass.
    expect(results.find((r) => r.id === 'CRW-EXO-01')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('Exchange organization settings could not be read'),
    });
  });
});
