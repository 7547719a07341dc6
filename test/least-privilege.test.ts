// Least privilege, pure parts: the permission metadata of the catalogue, the token's `roles` decode, the
// analysis of granted versus needed permissions, the reasons and report notices it gives, and the scan's
// evaluation of blocked controls.
import { CONTROL_IDS } from '../src/config/control-ids';
import { CATALOGUE, IMPLEMENTED_CONTROLS } from '../src/controls/catalogue';
import type { ControlContext } from '../src/controls/control';
import { evaluateControls } from '../src/controls/evaluate-controls';
import {
  analysePermissions,
  controlNeeds,
  EXCHANGE_MANAGE_AS_APP,
  grantingPermission,
  isWriteCapable,
  missingPermissionReason,
  SATISFIED_BY,
} from '../src/controls/permissions';
import { permissionNotices } from '../src/jobs/permission-notices';
import { GRAPH_MAIL_PERMISSIONS } from '../src/delivery/graph-mail-transport';
import { expiresIn, formatTenantCheck, type TenantCheck } from '../src/cli/commands/secrets-check';
import { decodeTokenRoles, defaultScope, TokenDecodeError } from '../src/secrets/token-permissions';

/** Every read permission the 16 controls need (as sim/'s default grant). */
const ALL_READ = [
  'User.Read.All',
  'AuditLog.Read.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'RoleAssignmentSchedule.Read.Directory',
  'GroupMember.Read.All',
  'Organization.Read.All',
  'Policy.Read.All',
  'MailboxSettings.Read',
];
const APP = {
  clientId: '22222222-2222-2222-2222-222222222222',
  tenantId: '11111111-1111-1111-1111-111111111111',
};

function jwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('permission metadata', () => {
  it('covers every catalogue control, and implemented controls carry the same metadata as the catalogue', () => {
    expect(CATALOGUE.map((c) => c.id)).toEqual([...CONTROL_IDS]);
    for (const control of IMPLEMENTED_CONTROLS) {
      const entry = CATALOGUE.find((c) => c.id === control.meta.id)!;
      expect(entry.graphPermissions).toEqual(control.meta.graphPermissions);
      expect(entry.exchangeRole).toEqual(control.meta.exchangeRole);
    }
  });

  it('every control needs something, only least-privileged read permissions, each in the equivalence table', () => {
    for (const entry of CATALOGUE) {
      expect({
        id: entry.id,
        needs: entry.graphPermissions.length > 0 || entry.exchangeRole !== null,
      }).toEqual({
        id: entry.id,
        needs: true,
      });
      for (const permission of entry.graphPermissions) {
        expect(Object.keys(SATISFIED_BY)).toContain(permission);
        expect(isWriteCapable(permission)).toBe(false);
      }
    }
  });

  it('the implemented controls need what their collectors call', () => {
    const [id01, id02] = controlNeeds(['CRW-ID-01', 'CRW-ID-02']);
    expect(id01!.graph).toEqual([
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
      'AuditLog.Read.All',
    ]);
    expect(id02!.graph).toEqual(id01!.graph.filter((p) => p !== 'AuditLog.Read.All'));
    expect([id01!.exchange, id02!.exchange]).toEqual([[], []]);
  });

  it('Exchange controls need Exchange.ManageAsApp on the Exchange token plus Global Reader', () => {
    const exo = controlNeeds(['CRW-EXO-01', 'CRW-EXO-05']);
    expect(exo).toEqual([
      {
        controlId: 'CRW-EXO-01',
        graph: [],
        exchange: [EXCHANGE_MANAGE_AS_APP],
        exchangeDirectoryRole: 'Global Reader',
      },
      {
        controlId: 'CRW-EXO-05',
        graph: ['MailboxSettings.Read'],
        exchange: [EXCHANGE_MANAGE_AS_APP],
        exchangeDirectoryRole: 'Global Reader',
      },
    ]);
  });

  it('broader permissions satisfy narrower ones; unrelated ones do not', () => {
    const granted = new Set(['Directory.Read.All', 'RoleManagement.Read.Directory']);
    expect(grantingPermission('User.Read.All', granted)).toBe('Directory.Read.All');
    expect(grantingPermission('GroupMember.Read.All', granted)).toBe('Directory.Read.All');
    expect(grantingPermission('RoleEligibilitySchedule.Read.Directory', granted)).toBe(
      'RoleManagement.Read.Directory',
    );
    expect(grantingPermission('AuditLog.Read.All', granted)).toBeUndefined();
    expect(
      grantingPermission('Policy.Read.All', new Set(['Policy.ReadWrite.ConditionalAccess'])),
    ).toBeUndefined();
    expect(grantingPermission('User.Read.All', new Set(['User.ReadWrite.All']))).toBe('User.ReadWrite.All');
  });

  it('write-capable permissions are recognised, read ones and Exchange.ManageAsApp are not', () => {
    for (const p of [
      'User.ReadWrite.All',
      'Mail.Send',
      'Directory.ReadWrite.All',
      'Sites.FullControl.All',
      'Sites.Manage.All',
    ])
      expect({ p, write: isWriteCapable(p) }).toEqual({ p, write: true });
    for (const p of [...ALL_READ, 'Directory.Read.All', EXCHANGE_MANAGE_AS_APP, 'Mail.ReadBasic.All'])
      expect({ p, write: isWriteCapable(p) }).toEqual({ p, write: false });
  });
});

describe('decodeTokenRoles', () => {
  it("reads the payload's roles without checking the signature", () => {
    expect(
      decodeTokenRoles(
        jwt({ aud: 'https://graph.microsoft.com', roles: ['User.Read.All', 'AuditLog.Read.All'] }),
      ),
    ).toEqual(['User.Read.All', 'AuditLog.Read.All']);
  });

  it('no roles claim means no application permissions', () => {
    expect(decodeTokenRoles(jwt({ aud: 'x' }))).toEqual([]);
  });

  it.each([
    ['not a JWT', 'opaque-token'],
    ['payload not JSON', 'a.bm90IGpzb24.c'],
    ['payload an array', jwt([1])],
    ['roles not strings', jwt({ roles: [1, 2] })],
  ])('%s: a TokenDecodeError that does not echo the token', (_label, token) => {
    let error: unknown;
    try {
      decodeTokenRoles(token);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TokenDecodeError);
    expect((error as Error).message).not.toContain(token);
  });

  it('defaultScope appends /.default once', () => {
    expect(defaultScope('https://graph.microsoft.com/')).toBe('https://graph.microsoft.com/.default');
    expect(defaultScope('https://outlook.office365.com')).toBe('https://outlook.office365.com/.default');
  });
});

describe('analysePermissions', () => {
  it('a token missing AuditLog.Read.All blocks exactly the controls that need it', () => {
    const granted = ALL_READ.filter((p) => p !== 'AuditLog.Read.All');
    const analysis = analysePermissions(controlNeeds([...CONTROL_IDS]), {
      graph: granted,
      exchange: [EXCHANGE_MANAGE_AS_APP],
    });
    expect(analysis.blocked).toEqual([
      { controlId: 'CRW-ID-01', missing: ['AuditLog.Read.All'], noToken: [] },
      { controlId: 'CRW-ID-09', missing: ['AuditLog.Read.All'], noToken: [] },
    ]);
    expect(analysis.runnable).toHaveLength(14);
    expect(analysis.excess).toEqual([]);
  });

  it('the default sim grant lets every control run', () => {
    const analysis = analysePermissions(controlNeeds([...CONTROL_IDS]), {
      graph: ALL_READ,
      exchange: [EXCHANGE_MANAGE_AS_APP],
    });
    expect(analysis).toEqual({ runnable: [...CONTROL_IDS], blocked: [], excess: [] });
  });

  it('write-capable grants no selected control needs are excess, sorted, from both tokens', () => {
    const analysis = analysePermissions(controlNeeds(['CRW-ID-02']), {
      graph: ['User.ReadWrite.All', 'RoleManagement.Read.Directory', 'GroupMember.Read.All', 'Mail.Send'],
      exchange: ['Exchange.ManageAsApp', 'Exchange.Write.Fake'],
    });
    // User.ReadWrite.All gives User.Read.All, so ID-02 runs: excess is a warning, never a blocker.
    expect(analysis.runnable).toEqual(['CRW-ID-02']);
    expect(analysis.excess).toEqual(['Exchange.Write.Fake', 'Mail.Send', 'User.ReadWrite.All']);
  });

  it('the report mail permissions are not excess for a tenant that mails through Graph', () => {
    const granted = {
      graph: ['User.Read.All', 'Mail.Send', 'Mail.ReadWrite', 'User.ReadWrite.All'],
      exchange: null,
    };
    const needs = controlNeeds(['CRW-ID-02']);
    expect(analysePermissions(needs, granted).excess).toEqual([
      'Mail.ReadWrite',
      'Mail.Send',
      'User.ReadWrite.All',
    ]);
    expect(analysePermissions(needs, granted, GRAPH_MAIL_PERMISSIONS).excess).toEqual(['User.ReadWrite.All']);
  });

  it('without a token, controls needing that resource are blocked for want of the token', () => {
    const analysis = analysePermissions(controlNeeds(['CRW-ID-07', 'CRW-EXO-01', 'CRW-EXO-05']), {
      graph: ['Policy.Read.All'],
      exchange: null,
    });
    expect(analysis.runnable).toEqual(['CRW-ID-07']);
    expect(analysis.blocked).toEqual([
      { controlId: 'CRW-EXO-01', missing: [], noToken: ['exchange'] },
      { controlId: 'CRW-EXO-05', missing: ['MailboxSettings.Read'], noToken: ['exchange'] },
    ]);
  });
});

describe('reasons and notices', () => {
  it('one missing permission: the exact reason the scan reports', () => {
    expect(
      missingPermissionReason({ controlId: 'CRW-ID-01', missing: ['AuditLog.Read.All'], noToken: [] }, APP),
    ).toBe(
      `needs application permission AuditLog.Read.All (grant it to the app registration "${APP.clientId}" in tenant ${APP.tenantId} and admin-consent it)`,
    );
  });

  it('several missing permissions and a missing token', () => {
    expect(
      missingPermissionReason(
        { controlId: 'CRW-EXO-05', missing: ['MailboxSettings.Read', 'X.Read'], noToken: ['exchange'] },
        APP,
      ),
    ).toBe(
      `needs application permissions MailboxSettings.Read, X.Read (grant them to the app registration "${APP.clientId}" in tenant ${APP.tenantId} and admin-consent them); ` +
        'no access token for Exchange Online could be acquired',
    );
  });

  it('notices: one per missing permission naming the blocked controls, one per excess permission', () => {
    const notices = permissionNotices(
      {
        runnable: ['CRW-ID-02'],
        blocked: [
          { controlId: 'CRW-ID-01', missing: ['AuditLog.Read.All'], noToken: [] },
          { controlId: 'CRW-ID-09', missing: ['AuditLog.Read.All'], noToken: [] },
        ],
        excess: ['User.ReadWrite.All'],
      },
      APP,
    );
    expect(notices.map((n) => n.kind)).toEqual(['missing-permission', 'excess-permission']);
    expect(notices[0]!.message).toContain('AuditLog.Read.All is not granted');
    expect(notices[0]!.message).toContain('CRW-ID-01, CRW-ID-09 could not run');
    expect(notices[1]!.message).toContain('User.ReadWrite.All is granted');
    expect(notices[1]!.message).toContain(APP.clientId);
  });
});

describe('evaluateControls with blocked controls', () => {
  const context: ControlContext = {
    tenant: { name: 'contoso', tenantId: APP.tenantId },
    now: new Date('2026-01-01T00:00:00Z'),
    settings: { privilegedRoles: [], breakGlass: [], staleDays: 90, globalAdminRange: [0, 4] },
    privilegedAccess: { ok: true, value: { users: [], eligibilityAvailable: true } },
    registrations: { ok: false, reason: 'not collected: no control that can run in this scan needs it' },
  };

  it('a blocked control is error with its reason; the others evaluate; unselected stay skipped', () => {
    const results = evaluateControls(
      ['CRW-ID-01', 'CRW-ID-02'],
      context,
      new Map([['CRW-ID-01', 'needs X']]),
    );
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get('CRW-ID-01')).toMatchObject({ status: 'error', reason: 'needs X', findings: [] });
    expect(byId.get('CRW-ID-02')).toMatchObject({ status: 'pass', reason: null });
    expect(byId.get('CRW-ID-03')).toMatchObject({ status: 'skipped' });
  });
});

describe('secrets check formatting', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('expires in: days, never, expired', () => {
    expect(expiresIn(null, now)).toBe('never');
    expect(expiresIn(new Date('2026-03-31T12:00:00Z'), now)).toBe('30 days (2026-03-31)');
    expect(expiresIn(new Date('2026-03-02T13:00:00Z'), now)).toBe('1 day (2026-03-02)');
    expect(expiresIn(new Date('2026-02-26T12:00:00Z'), now)).toBe('EXPIRED 3 days ago (2026-02-26)');
  });

  it('a block per tenant with the item, the tokens, a row per control and the excess', () => {
    const needs = controlNeeds(['CRW-ID-01', 'CRW-ID-02', 'CRW-EXO-01']);
    const graph = ['Directory.Read.All', 'RoleManagement.Read.Directory', 'User.ReadWrite.All'];
    const check: TenantCheck = {
      tenant: {
        name: 'contoso',
        tenantId: APP.tenantId,
        clientId: APP.clientId,
        credential: { type: 'certificate', name: 'crw-contoso-cert' },
      },
      vaultUrl: 'https://vault.example',
      vault: {
        reachable: true,
        found: true,
        enabled: true,
        contentType: 'application/x-pem-file',
        expiresOn: new Date('2026-04-01T00:00:00Z'),
        problem: null,
      },
      credentialProblem: null,
      graphToken: { ok: true, roles: graph },
      exchangeToken: { ok: false, problem: 'AuthenticationError: nope' },
      needs,
      analysis: analysePermissions(needs, { graph, exchange: null }),
    };
    const text = formatTenantCheck(check, now);
    expect(text).toContain('Tenant contoso');
    expect(text).toMatch(/vault reachable +yes/);
    expect(text).toMatch(/item found +yes, enabled/);
    expect(text).toMatch(/expires in +30 days \(2026-04-01\)/);
    expect(text).toMatch(/Exchange token +no: AuthenticationError: nope/);
    expect(text).toContain('Global Reader (for CRW-EXO-01): not visible in a token, not verified');
    expect(text).toMatch(
      /CRW-ID-01 +BLOCKED +missing AuditLog\.Read\.All; needs .*User\.Read\.All via Directory\.Read\.All/,
    );
    expect(text).toMatch(/CRW-ID-02 +OK +needs /);
    expect(text).toMatch(/CRW-EXO-01 +BLOCKED +no Exchange token; needs Exchange\.ManageAsApp/);
    expect(text).toContain('excess permissions: User.ReadWrite.All');
    expect(text).toContain('result: 2 of 3 selected controls blocked: CRW-ID-01, CRW-EXO-01');
  });
});
