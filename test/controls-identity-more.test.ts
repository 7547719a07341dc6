// Unit tests of CRW-ID-03 … CRW-ID-10: pure controls on hand-made contexts (the precise rules of CONTROLS.md).
import type {
  ConditionalAccessPolicy,
  DirectoryUser,
  PrivilegedUser,
  ScannedUser,
} from '../src/collectors/types';
import { GLOBAL_ADMINISTRATOR, type Control, type ControlContext } from '../src/controls/control';
import { crwId03 } from '../src/controls/crw-id-03';
import { crwId04 } from '../src/controls/crw-id-04';
import { crwId05 } from '../src/controls/crw-id-05';
import { crwId06 } from '../src/controls/crw-id-06';
import { crwId07 } from '../src/controls/crw-id-07';
import { crwId08 } from '../src/controls/crw-id-08';
import { crwId09, lastSignIn } from '../src/controls/crw-id-09';
import { crwId10 } from '../src/controls/crw-id-10';
import type { Finding } from '../src/controls/types';

const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const NOW = new Date('2026-01-01T00:00:00Z');
const dir = (id: string, accountEnabled = true): DirectoryUser => ({
  id,
  userPrincipalName: `${id}@contoso.test`,
  accountEnabled,
  userType: 'Member',
});
const admin = (id: string, roleId = GLOBAL_ADMINISTRATOR, accountEnabled = true): PrivilegedUser => ({
  ...dir(id, accountEnabled),
  roles: [
    {
      roleId,
      roleName: roleId === GLOBAL_ADMINISTRATOR ? 'Global Administrator' : 'User Administrator',
      kind: 'active',
      viaGroup: null,
    },
  ],
});

function context(extra: Partial<ControlContext> = {}, admins: PrivilegedUser[] = []): ControlContext {
  return {
    tenant: { name: 'contoso', tenantId: 't-1' },
    settings: {
      privilegedRoles: [GLOBAL_ADMINISTRATOR, USER_ADMIN],
      breakGlass: ['BG@Contoso.test'],
      staleDays: 90,
      globalAdminRange: [2, 4],
    },
    now: NOW,
    privilegedAccess: { ok: true, value: { users: admins, eligibilityAvailable: true } },
    registrations: { ok: true, value: new Map() },
    ...extra,
  };
}

/** Streams `users` through a per-user control as the scan does, then evaluates it. */
function runPerUser(control: Control, ctx: ControlContext, users: ScannedUser[], signIns = true) {
  const judge = control.judgeUsers!(ctx)!;
  const findings = users.map(judge).filter((f): f is Finding => f !== null);
  return control.evaluate({
    ...ctx,
    userScan: {
      ok: true,
      value: {
        findings: new Map([[control.meta.id, findings]]),
        signInActivity: signIns ? { ok: true, value: true } : { ok: false, reason: 'needs Entra ID P1' },
      },
    },
  });
}

const scanned = (id: string, extra: Partial<ScannedUser> = {}): ScannedUser => ({
  ...dir(id),
  createdDateTime: '2020-01-01T00:00:00Z',
  onPremisesSyncEnabled: null,
  assignedLicenses: [],
  signInActivity: null,
  ...extra,
});

type PolicyInput = Omit<Partial<ConditionalAccessPolicy>, 'users'> & {
  users?: Partial<ConditionalAccessPolicy['users']>;
};
function policy(displayName: string, extra: PolicyInput = {}): ConditionalAccessPolicy {
  const { users, ...rest } = extra;
  return {
    id: `p-${displayName}`,
    displayName,
    state: 'enabled',
    users: {
      includeUsers: ['All'],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
      includeGuestsOrExternalUsers: null,
      excludeGuestsOrExternalUsers: null,
      ...users,
    },
    includeApplications: ['All'],
    excludeApplications: [],
    clientAppTypes: [],
    locations: null,
    platforms: null,
    signInRiskLevels: [],
    userRiskLevels: [],
    servicePrincipalRiskLevels: [],
    insiderRiskLevels: null,
    devices: null,
    authenticationFlows: null,
    clientApplications: null,
    grant: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: false },
    ...rest,
  };
}
const ca = (policies: ConditionalAccessPolicy[], securityDefaultsEnabled = false) => ({
  conditionalAccess: { ok: true as const, value: { securityDefaultsEnabled, policies } },
});

describe('CRW-ID-03', () => {
  it('one finding per user and role; break-glass (any case) and disabled exempt; groups named', () => {
    const group = { id: 'g1', displayName: 'Tier0' };
    const outcome = crwId03.evaluate(
      context({
        permanentAssignments: {
          ok: true,
          value: [
            {
              roleId: GLOBAL_ADMINISTRATOR,
              roleName: 'Global Administrator',
              user: dir('a'),
              viaGroup: null,
            },
            {
              roleId: GLOBAL_ADMINISTRATOR,
              roleName: 'Global Administrator',
              user: dir('a'),
              viaGroup: group,
            },
            { roleId: USER_ADMIN, roleName: 'User Administrator', user: dir('b'), viaGroup: group },
            {
              roleId: GLOBAL_ADMINISTRATOR,
              roleName: 'Global Administrator',
              user: dir('bg'),
              viaGroup: null,
            },
            { roleId: USER_ADMIN, roleName: 'User Administrator', user: dir('c', false), viaGroup: group },
          ],
        },
      }),
    );
    expect(outcome.findings.map((f) => [f.assetName, f.detail])).toEqual([
      [
        'a@contoso.test',
        'permanent active assignment of Global Administrator (directly, through group Tier0)',
      ],
      ['b@contoso.test', 'permanent active assignment of User Administrator (through group Tier0)'],
    ]);
  });

  it('without Entra ID P2: error naming the licence', () => {
    const outcome = crwId03.evaluate(
      context({
        permanentAssignments: { ok: false, reason: 'Graph answered 400 AadPremiumLicenseRequired on /x' },
      }),
    );
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toContain('Entra ID P2');
  });
});

describe('CRW-ID-04 and CRW-ID-05', () => {
  const skus = new Map([
    [
      'sku-e3',
      {
        skuId: 'sku-e3',
        skuPartNumber: 'ENTERPRISEPACK',
        servicePlans: [
          { servicePlanId: 'plan-exo', servicePlanName: 'EXCHANGE_S_ENTERPRISE' },
          { servicePlanId: 'plan-found', servicePlanName: 'EXCHANGE_S_FOUNDATION' },
        ],
      },
    ],
    [
      'sku-p2',
      {
        skuId: 'sku-p2',
        skuPartNumber: 'AAD_PREMIUM_P2',
        servicePlans: [{ servicePlanId: 'plan-found', servicePlanName: 'EXCHANGE_S_FOUNDATION' }],
      },
    ],
  ]);
  const admins = [admin('a'), admin('b'), admin('c'), admin('d', USER_ADMIN, false)];

  it('ID-04: an enabled EXCHANGE_S_* plan other than FOUNDATION, not disabled, gives a finding', () => {
    const ctx = context({ subscribedSkus: { ok: true, value: skus } }, admins);
    const e3 = { skuId: 'sku-e3', disabledPlans: [] };
    const outcome = runPerUser(crwId04, ctx, [
      scanned('a', { assignedLicenses: [e3] }),
      scanned('b', { assignedLicenses: [{ skuId: 'sku-e3', disabledPlans: ['plan-exo'] }] }),
      scanned('c', { assignedLicenses: [{ skuId: 'sku-p2', disabledPlans: [] }] }),
      scanned('d', { accountEnabled: false, assignedLicenses: [e3] }),
      scanned('e', { assignedLicenses: [e3] }),
    ]);
    expect(outcome.findings.map((f) => f.assetName)).toEqual(['a@contoso.test']);
    expect(outcome.findings[0]?.detail).toContain('ENTERPRISEPACK (EXCHANGE_S_ENTERPRISE)');
  });

  it('ID-05: privileged users with onPremisesSyncEnabled true', () => {
    const outcome = runPerUser(crwId05, context({}, admins), [
      scanned('a', { onPremisesSyncEnabled: true }),
      scanned('b', { onPremisesSyncEnabled: false }),
      scanned('e', { onPremisesSyncEnabled: true }),
    ]);
    expect(outcome.findings.map((f) => f.assetName)).toEqual(['a@contoso.test']);
  });
});

describe('CRW-ID-06', () => {
  const admins = [admin('a'), admin('u', USER_ADMIN)];

  it('passes with security defaults, or when every held role is covered', () => {
    expect(crwId06.evaluate(context(ca([], true), admins)).status).toBe('pass');
    expect(crwId06.evaluate(context(ca([policy('all')]), admins)).status).toBe('pass');
    const byRoles = policy('roles', {
      users: { includeUsers: [], includeRoles: [GLOBAL_ADMINISTRATOR, USER_ADMIN] },
    });
    expect(crwId06.evaluate(context(ca([byRoles]), admins)).status).toBe('pass');
  });

  it('narrowed, OR-with-another-control, excluded-role and report-only policies do not count', () => {
    const policies = [
      policy('narrow', { platforms: { includePlatforms: ['windows'] } }),
      policy('or', {
        grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: false },
      }),
      policy('excluded', { users: { includeUsers: ['All'], excludeRoles: [USER_ADMIN] } }),
      policy('Report only', { state: 'enabledForReportingButNotEnforced' }),
      policy('groups', { users: { includeUsers: [], includeGroups: ['g1'] } }),
    ];
    const outcome = crwId06.evaluate(context(ca(policies), admins));
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ assetType: 'tenant', assetName: 'contoso' });
    expect(outcome.findings[0]?.detail).toBe(
      'security defaults are off and no enabled policy requires MFA for: User Administrator; ' +
        'report-only policies that would otherwise qualify: Report only',
    );
  });

  it('AND with another control and an authentication strength qualify', () => {
    const and = policy('and', {
      grant: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: false },
    });
    const strength = policy('strength', {
      grant: { operator: 'OR', builtInControls: [], authenticationStrength: true },
    });
    expect(crwId06.evaluate(context(ca([and]), admins)).status).toBe('pass');
    expect(crwId06.evaluate(context(ca([strength]), admins)).status).toBe('pass');
  });
});

describe('CRW-ID-07', () => {
  const block = (extra: PolicyInput = {}) =>
    policy('block', {
      clientAppTypes: ['exchangeActiveSync', 'other'],
      grant: { operator: 'OR', builtInControls: ['block'], authenticationStrength: false },
      ...extra,
    });
  const exclusions = {
    conditionalAccessExclusions: {
      ok: true as const,
      value: {
        users: new Map([
          ['id-bg', dir('bg')],
          ['id-x', dir('x')],
        ]),
        groupMembers: new Map(),
      },
    },
  };

  it('passes with a block policy excluding only break-glass (case-insensitive), fails otherwise', () => {
    const onlyBg = block({
      users: { includeUsers: ['All'], excludeUsers: ['id-bg'] },
    });
    expect(crwId07.evaluate(context({ ...ca([onlyBg]), ...exclusions })).status).toBe('pass');
    const other = block({
      users: { includeUsers: ['All'], excludeUsers: ['id-bg', 'id-x'] },
    });
    const failed = crwId07.evaluate(context({ ...ca([other]), ...exclusions }));
    expect(failed.status).toBe('fail');
    expect(failed.findings[0]?.assetName).toBe('contoso');
    const narrowed = block({ locations: { includeLocations: ['All'], excludeLocations: ['trusted'] } });
    expect(crwId07.evaluate(context({ ...ca([narrowed]), ...exclusions })).status).toBe('fail');
    const allLocations = block({ locations: { includeLocations: ['All'], excludeLocations: [] } });
    expect(crwId07.evaluate(context({ ...ca([allLocations]), ...exclusions })).status).toBe('pass');
    expect(
      crwId07.evaluate(context({ ...ca([block({ state: 'enabledForReportingButNotEnforced' })]) })).status,
    ).toBe('fail');
    expect(crwId07.evaluate(context(ca([], true))).status).toBe('pass');
  });
});

describe('CRW-ID-08', () => {
  it('excluded users and transitive group members of enabled MFA policies, per user and policy', () => {
    const mfa = policy('MFA all', {
      users: { includeUsers: ['All'], excludeUsers: ['id-bg', 'id-x', 'id-off'], excludeGroups: ['g1'] },
    });
    const orPolicy = policy('MFA or device', {
      users: { includeUsers: ['All'], excludeUsers: ['id-x'] },
      grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: false },
    });
    const ctx = context({
      ...ca([mfa, orPolicy]),
      conditionalAccessExclusions: {
        ok: true,
        value: {
          users: new Map([
            ['id-bg', { ...dir('bg'), userPrincipalName: 'bg@CONTOSO.test' }],
            ['id-x', dir('x')],
            ['id-off', dir('off', false)],
          ]),
          groupMembers: new Map([
            ['g1', { displayName: 'CA exclusions', members: [dir('nested'), dir('x')] }],
          ]),
        },
      },
    });
    const outcome = crwId08.evaluate(ctx);
    expect(outcome.findings.map((f) => [f.assetName, f.detail])).toEqual([
      ['x@contoso.test', 'excluded from MFA policy "MFA all" (directly, through group CA exclusions)'],
      ['nested@contoso.test', 'excluded from MFA policy "MFA all" (through group CA exclusions)'],
    ]);
    expect(crwId08.meta.remediation).toMatch(/workload identities .*certificates .*Key Vault/);
  });

  it('skipped without an enabled MFA policy (report-only, disabled or security defaults alone)', () => {
    const reportOnly = policy('ro', { state: 'enabledForReportingButNotEnforced' });
    expect(crwId08.evaluate(context(ca([reportOnly, policy('off', { state: 'disabled' })]))).status).toBe(
      'skipped',
    );
    expect(crwId08.evaluate(context(ca([], true))).status).toBe('skipped');
  });
});

describe('CRW-ID-09', () => {
  const old = '2020-01-01T00:00:00Z';
  const recent = '2025-12-01T00:00:00Z';
  const never = '0001-01-01T00:00:00Z';
  const activity = (a: string | null, b: string | null = null, c: string | null = null) => ({
    lastSignInDateTime: a,
    lastNonInteractiveSignInDateTime: b,
    lastSuccessfulSignInDateTime: c,
  });

  it('latest of the three fields; null and 0001-01-01 mean never', () => {
    expect(lastSignIn(activity(never, null, never))).toBeNull();
    expect(lastSignIn(activity(old, recent, null))).toBe(Date.parse(recent));
    expect(lastSignIn(null)).toBeNull();
  });

  it('stale enabled members created long ago (or with no creation date), privileged ones high', () => {
    const users = [
      scanned('stale', { signInActivity: activity(old) }),
      scanned('never', { signInActivity: activity(never, never, never) }),
      scanned('nullcreated', { createdDateTime: null, signInActivity: null }),
      scanned('young', { createdDateTime: recent, signInActivity: null }),
      scanned('active', { signInActivity: activity(old, recent) }),
      scanned('bg', { userPrincipalName: 'BG@contoso.TEST', signInActivity: null }),
      scanned('guest', { userType: 'Guest', signInActivity: null }),
      scanned('off', { accountEnabled: false, signInActivity: null }),
      scanned('a', { signInActivity: activity(old) }),
    ];
    const outcome = runPerUser(crwId09, context({}, [admin('a')]), users);
    expect(outcome.findings.map((f) => [f.assetName, f.severity ?? null])).toEqual([
      ['stale@contoso.test', null],
      ['never@contoso.test', null],
      ['nullcreated@contoso.test', null],
      ['a@contoso.test', 'high'],
    ]);
  });

  it('without P1 (no signInActivity): error with the reason', () => {
    const outcome = runPerUser(crwId09, context(), [scanned('x', { signInActivity: undefined })], false);
    expect(outcome).toMatchObject({ status: 'error', reason: 'needs Entra ID P1', findings: [] });
  });
});

describe('CRW-ID-10', () => {
  it('fails only when security defaults are off and no policy is enabled', () => {
    expect(crwId10.evaluate(context(ca([], true))).status).toBe('pass');
    expect(crwId10.evaluate(context(ca([policy('x')]))).status).toBe('pass');
    const outcome = crwId10.evaluate(
      context(ca([policy('ro', { state: 'enabledForReportingButNotEnforced' })])),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings[0]).toMatchObject({ assetType: 'tenant', assetName: 'contoso', assetId: 't-1' });
  });
});
