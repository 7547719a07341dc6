// Controls on data off the documented shapes: a control that needs a field to decide and finds it missing, null,
// of another type or with an undocumented value is `error` naming the asset, the field and the value; a field that
// cannot change the outcome is not needed (no error); per-asset controls go through judgeAsset as the streams do.
import type {
  AcceptedDomain,
  ExchangeOrganization,
  InboxRule,
  MailboxWithRules,
} from '../src/collectors/exchange-types';
import type {
  Collected,
  ConditionalAccessPolicy,
  DirectoryUser,
  PrivilegedUser,
  ScannedUser,
} from '../src/collectors/types';
import { GLOBAL_ADMINISTRATOR, type Control, type ControlContext } from '../src/controls/control';
import { crwExo01 } from '../src/controls/crw-exo-01';
import { crwExo02 } from '../src/controls/crw-exo-02';
import { crwExo03 } from '../src/controls/crw-exo-03';
import { crwExo04 } from '../src/controls/crw-exo-04';
import { crwExo05 } from '../src/controls/crw-exo-05';
import { crwExo06 } from '../src/controls/crw-exo-06';
import { crwId01 } from '../src/controls/crw-id-01';
import { crwId02 } from '../src/controls/crw-id-02';
import { crwId03 } from '../src/controls/crw-id-03';
import { crwId04 } from '../src/controls/crw-id-04';
import { crwId05 } from '../src/controls/crw-id-05';
import { crwId06 } from '../src/controls/crw-id-06';
import { crwId07 } from '../src/controls/crw-id-07';
import { crwId08 } from '../src/controls/crw-id-08';
import { crwId09 } from '../src/controls/crw-id-09';
import { crwId10 } from '../src/controls/crw-id-10';
import { evaluateControls } from '../src/controls/evaluate-controls';
import { judgeAsset, type ShapeErrors } from '../src/controls/judge-assets';
import type { ControlResult, Finding } from '../src/controls/types';

const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const NOW = new Date('2026-01-01T00:00:00Z');
const OLD = '2020-01-01T00:00:00Z';
const RECENT = '2025-12-20T00:00:00Z';
const E3 = { skuId: 'sku-e3', disabledPlans: [] };

const dir = (id: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id,
  userPrincipalName: `${id}@contoso.test`,
  accountEnabled: true,
  userType: 'Member',
  ...extra,
});
const holder = (id: string, roleId: string, extra: Partial<DirectoryUser> = {}): PrivilegedUser => ({
  ...dir(id, extra),
  roles: [
    {
      roleId,
      roleName: roleId === GLOBAL_ADMINISTRATOR ? 'Global Administrator' : 'User Administrator',
      kind: 'active',
      viaGroup: null,
    },
  ],
});
/** accountEnabled as the collectors leave it when Graph sent none. */
const unknownState = { accountEnabled: null, unexpected: { accountEnabled: 'missing' } };

function context(extra: Partial<ControlContext> = {}, holders: PrivilegedUser[] = []): ControlContext {
  return {
    tenant: { name: 'contoso', tenantId: 't-1' },
    settings: {
      privilegedRoles: [GLOBAL_ADMINISTRATOR, USER_ADMIN],
      breakGlass: ['bg@contoso.test'],
      staleDays: 90,
      globalAdminRange: [1, 4],
    },
    now: NOW,
    privilegedAccess: { ok: true, value: { users: holders, eligibilityAvailable: true } },
    registrations: { ok: true, value: new Map() },
    ...extra,
  };
}

/** The outcome the scan reports: evaluateControls turns a DataShapeError into `error` with its reason. */
function result(control: Control, ctx: ControlContext): ControlResult {
  return evaluateControls([control.meta.id], ctx).find((r) => r.id === control.meta.id)!;
}

function expectShapeError(outcome: ControlResult, ...words: string[]) {
  expect(outcome).toMatchObject({ status: 'error', findings: [] });
  expect(outcome.reason).toMatch(/^data does not match the documented shape: /);
  for (const word of words) expect(outcome.reason).toContain(word);
}

/** Streams assets through the control's judge with judgeAsset, as user-scan / mailbox-scan do. */
function stream<A>(
  control: Control,
  ctx: ControlContext,
  assets: A[],
  judgeOf: (c: Control) => ((a: A) => Finding | Finding[] | null) | null,
) {
  const findings = new Map<string, Finding[]>();
  const shapeErrors: ShapeErrors = {};
  const judge = judgeOf(control);
  if (judge)
    for (const asset of assets) judgeAsset([{ id: control.meta.id, judge }], asset, findings, shapeErrors);
  return { findings, shapeErrors };
}

function runUsers(control: Control, ctx: ControlContext, users: ScannedUser[]): ControlResult {
  const { findings, shapeErrors } = stream(control, ctx, users, (c) => c.judgeUsers?.(ctx) ?? null);
  return result(control, {
    ...ctx,
    userScan: { ok: true, value: { findings, shapeErrors, signInActivity: { ok: true, value: true } } },
  });
}

const scanned = (id: string, extra: Partial<ScannedUser> = {}): ScannedUser => ({
  ...dir(id),
  createdDateTime: OLD,
  onPremisesSyncEnabled: null,
  assignedLicenses: [],
  signInActivity: null,
  ...extra,
});

describe('privileged users of unknown state (tenant-level controls)', () => {
  const ga = (id: string, extra: Partial<DirectoryUser> = {}) => holder(id, GLOBAL_ADMINISTRATOR, extra);

  it('ID-01 and ID-02 cannot count a holder whose accountEnabled Graph did not say', () => {
    const ctx = context({}, [ga('alice'), ga('bob', unknownState)]);
    expectShapeError(
      result(crwId01, ctx),
      'user bob@contoso.test (bob): accountEnabled is missing, expected true or false',
    );
    expectShapeError(result(crwId02, ctx), 'accountEnabled is missing');
    // A user holding none of the roles a control counts is never asked.
    const other = context({}, [ga('alice'), holder('carol', 'some-other-role', unknownState)]);
    expect(result(crwId02, other).status).toBe('pass');
  });

  it('ID-03: a permanent holder of unknown state is error; break-glass is exempt whatever its state', () => {
    const assignment = (user: DirectoryUser) => ({
      roleId: GLOBAL_ADMINISTRATOR,
      roleName: 'Global Administrator',
      user,
      viaGroup: null,
    });
    const ctx = (users: DirectoryUser[]) =>
      context({ permanentAssignments: { ok: true, value: users.map(assignment) } });
    expectShapeError(
      result(crwId03, ctx([dir('dave', unknownState)])),
      'user dave@contoso.test',
      'accountEnabled',
    );
    expect(result(crwId03, ctx([dir('bg', unknownState)])).status).toBe('pass');
  });
});

describe('per-user controls through judgeAsset', () => {
  const skus = {
    subscribedSkus: {
      ok: true as const,
      value: new Map([
        [
          'sku-e3',
          {
            skuId: 'sku-e3',
            skuPartNumber: 'ENTERPRISEPACK',
            servicePlans: [{ servicePlanId: 'p1', servicePlanName: 'EXCHANGE_S_ENTERPRISE' }],
          },
        ],
      ]),
    },
  };
  const admins = [holder('admin', USER_ADMIN), holder('off', USER_ADMIN, { accountEnabled: false })];

  it('ID-04: licences of another shape or of a SKU the tenant does not list are error for a privileged user only', () => {
    const ctx = context(skus, admins);
    const noted = { assignedLicenses: null, unexpected: { 'assignedLicenses[0].skuId': 'null' } };
    expectShapeError(
      runUsers(crwId04, ctx, [scanned('admin', noted)]),
      'user admin@contoso.test',
      'assignedLicenses[0].skuId is null',
    );
    expectShapeError(
      runUsers(crwId04, ctx, [
        scanned('admin', { assignedLicenses: [{ skuId: 'sku-gone', disabledPlans: [] }] }),
      ]),
      'assignedLicenses[0].skuId is "sku-gone", expected a skuId listed by /subscribedSkus',
    );
    // Not privileged, or disabled: the licences cannot change the outcome.
    expect(
      runUsers(crwId04, ctx, [scanned('someone', noted), scanned('off', { ...noted, accountEnabled: false })])
        .status,
    ).toBe('pass');
    // accountEnabled unknown matters only when the user holds a mailbox licence.
    expect(runUsers(crwId04, ctx, [scanned('admin', { ...unknownState, assignedLicenses: [] })]).status).toBe(
      'pass',
    );
    expectShapeError(
      runUsers(crwId04, ctx, [scanned('admin', { ...unknownState, assignedLicenses: [E3] })]),
      'accountEnabled is missing',
    );
  });

  it('ID-05: onPremisesSyncEnabled of another type is error; null (never synchronised) is not', () => {
    const ctx = context({}, admins);
    const noted = { onPremisesSyncEnabled: null, unexpected: { onPremisesSyncEnabled: '"yes"' } };
    expectShapeError(
      runUsers(crwId05, ctx, [scanned('admin', noted)]),
      'onPremisesSyncEnabled is "yes", expected true, false or null',
    );
    expect(
      runUsers(crwId05, ctx, [
        scanned('admin'),
        scanned('off', { ...noted, accountEnabled: false }),
        scanned('x', noted),
      ]).status,
    ).toBe('pass');
    expect(
      runUsers(crwId05, ctx, [scanned('admin', { ...unknownState, onPremisesSyncEnabled: false })]).status,
    ).toBe('pass');
  });

  it('ID-09: an undocumented userType, creation date or sign-in is error only where it decides', () => {
    const ctx = context();
    const stale = { signInActivity: null };
    const recent = {
      signInActivity: {
        lastSignInDateTime: RECENT,
        lastNonInteractiveSignInDateTime: null,
        lastSuccessfulSignInDateTime: null,
      },
    };
    expectShapeError(
      runUsers(crwId09, ctx, [scanned('p', { ...stale, userType: 'Partner' })]),
      'user p@contoso.test (p): userType is "Partner", expected Member or Guest',
    );
    expectShapeError(
      runUsers(crwId09, ctx, [
        scanned('q', { ...stale, userType: null, unexpected: { userType: 'missing' } }),
      ]),
      'userType is missing',
    );
    expectShapeError(
      runUsers(crwId09, ctx, [
        scanned('c', { ...stale, createdDateTime: null, unexpected: { createdDateTime: '"yesterday"' } }),
      ]),
      'createdDateTime is "yesterday", expected an ISO date or null',
    );
    expectShapeError(
      runUsers(crwId09, ctx, [
        scanned('s', { ...stale, unexpected: { 'signInActivity.lastSignInDateTime': '5' } }),
      ]),
      'signInActivity.lastSignInDateTime is 5',
    );
    // Decided without the odd field: recently signed in, disabled, a guest, young, or break-glass.
    const fine = runUsers(crwId09, ctx, [
      scanned('r', {
        ...recent,
        userType: 'Partner',
        unexpected: { 'signInActivity.lastNonInteractiveSignInDateTime': '5' },
      }),
      scanned('d', { ...stale, accountEnabled: false, userType: 'Partner' }),
      scanned('g', { ...stale, userType: 'Guest', unexpected: { createdDateTime: '"x"' } }),
      scanned('y', { ...stale, createdDateTime: RECENT, ...unknownState }),
      scanned('bg', { ...stale, userType: 'Partner', ...unknownState }),
    ]);
    expect(fine.status).toBe('pass');
  });

  it("the first user a control cannot judge decides its reason; the stream's other controls are unaffected", () => {
    const ctx = context({}, admins);
    const users = [
      scanned('admin', { onPremisesSyncEnabled: true }),
      scanned('x', { signInActivity: null, userType: 'Partner' }),
      scanned('y', { signInActivity: null, userType: 'Alien' }),
    ];
    const findings = new Map<string, Finding[]>();
    const shapeErrors: ShapeErrors = {};
    const judges = [crwId05, crwId09].map((c) => ({ id: c.meta.id, judge: c.judgeUsers!(ctx)! }));
    for (const user of users) judgeAsset(judges, user, findings, shapeErrors);
    const scanCtx = {
      ...ctx,
      userScan: {
        ok: true as const,
        value: { findings, shapeErrors, signInActivity: { ok: true as const, value: true as const } },
      },
    };
    expect(result(crwId05, scanCtx)).toMatchObject({
      status: 'fail',
      findings: [{ assetName: 'admin@contoso.test' }],
    });
    expectShapeError(result(crwId09, scanCtx), 'user x@contoso.test', '"Partner"');
    // Without signInActivity ID-09 reports that first: it explains more than a user it could not judge.
    const noP1 = {
      ...scanCtx,
      userScan: {
        ok: true as const,
        value: {
          ...scanCtx.userScan.value,
          signInActivity: { ok: false as const, reason: 'needs Entra ID P1' },
        },
      },
    };
    expect(result(crwId09, noP1)).toMatchObject({ status: 'error', reason: 'needs Entra ID P1' });
  });
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
const ca = (
  policies: ConditionalAccessPolicy[],
  securityDefaultsEnabled = false,
): Partial<ControlContext> => ({
  conditionalAccess: { ok: true, value: { securityDefaultsEnabled, policies } },
  conditionalAccessExclusions: { ok: true, value: { users: new Map(), groupMembers: new Map() } },
});
const unknown = (p: ConditionalAccessPolicy, state: string | null = 'enabledWithGracePeriod') =>
  ({ ...p, state, ...(state === null && { unexpected: { state: 'missing' } }) }) as ConditionalAccessPolicy;
const unreadable = (p: ConditionalAccessPolicy): ConditionalAccessPolicy => ({
  ...p,
  users: { ...p.users, includeUsers: [] },
  unexpected: { 'conditions.users.includeUsers': 'null' },
});
const legacyBlock = (name: string, extra: PolicyInput = {}) =>
  policy(name, {
    clientAppTypes: ['exchangeActiveSync', 'other'],
    grant: { operator: 'OR', builtInControls: ['block'], authenticationStrength: false },
    ...extra,
  });

describe('Conditional Access: an undocumented state or shape errors only the controls it could change', () => {
  const admins = [holder('ga', GLOBAL_ADMINISTRATOR)];
  const mfaAll = policy('MFA for everyone');

  it('ID-06: an unknown-state policy that would cover an uncovered role is error; otherwise not needed', () => {
    const outcome = result(crwId06, context(ca([unknown(mfaAll)]), admins));
    expectShapeError(
      outcome,
      'Conditional Access policy "MFA for everyone" (p-MFA for everyone): state is "enabledWithGracePeriod", expected enabled, disabled or enabledForReportingButNotEnforced',
    );
    // Covered by an enabled policy anyway, or the unknown one would not qualify: decided.
    expect(result(crwId06, context(ca([mfaAll, unknown(policy('other'))]), admins)).status).toBe('pass');
    const narrowed = unknown(policy('narrow', { platforms: { includePlatforms: ['android'] } }));
    expect(result(crwId06, context(ca([narrowed]), admins)).status).toBe('fail');
    // Security defaults decide before any policy is read.
    expect(result(crwId06, context(ca([unknown(mfaAll, null)], true), admins)).status).toBe('pass');
  });

  it('ID-06: an enabled policy that cannot be read is error when roles are uncovered; report-only ones change no outcome', () => {
    expectShapeError(
      result(crwId06, context(ca([unreadable(mfaAll)]), admins)),
      'conditions.users.includeUsers is null',
    );
    expect(result(crwId06, context(ca([mfaAll, unreadable(policy('x'))]), admins)).status).toBe('pass');
    const reportOnly = unreadable(policy('report', { state: 'enabledForReportingButNotEnforced' }));
    const failed = result(crwId06, context(ca([reportOnly]), admins));
    expect(failed.status).toBe('fail');
    expect(failed.findings[0]?.detail).not.toContain('report');
  });

  it('ID-07: cannot fail while a policy that might block is unjudgeable; a known blocking one still passes', () => {
    expectShapeError(
      result(crwId07, context(ca([unknown(legacyBlock('Block legacy'))]))),
      '"Block legacy"',
      'state is "enabledWithGracePeriod"',
    );
    expectShapeError(
      result(crwId07, context(ca([unreadable(legacyBlock('Block legacy'))]))),
      'conditions.users.includeUsers is null',
    );
    expect(
      result(crwId07, context(ca([unknown(legacyBlock('odd')), legacyBlock('Block legacy')]))).status,
    ).toBe('pass');
    // Neither the unknown MFA policy nor a disabled unreadable one could block legacy clients.
    const others = ca([unknown(mfaAll), unreadable(legacyBlock('old', { state: 'disabled' }))]);
    expect(result(crwId07, context(others)).status).toBe('fail');
  });

  it('ID-08: an MFA policy of unknown state or shape is error; excluded users of unknown state too', () => {
    expectShapeError(result(crwId08, context(ca([unknown(mfaAll)]))), 'state is "enabledWithGracePeriod"');
    expectShapeError(
      result(crwId08, context(ca([unreadable(mfaAll)]))),
      'conditions.users.includeUsers is null',
    );
    expect(
      result(
        crwId08,
        context(ca([unknown(legacyBlock('b')), unreadable(policy('off', { state: 'disabled' }))])),
      ).status,
    ).toBe('skipped');
    const excluding = policy('MFA', { users: { excludeUsers: ['u1', 'bg'] } });
    const exclusions = (users: DirectoryUser[]): Partial<ControlContext> => ({
      ...ca([excluding]),
      conditionalAccessExclusions: {
        ok: true,
        value: { users: new Map(users.map((u) => [u.id, u])), groupMembers: new Map() },
      },
    });
    expectShapeError(
      result(crwId08, context(exclusions([dir('u1', unknownState)]))),
      'user u1@contoso.test (u1): accountEnabled is missing',
    );
    expect(result(crwId08, context(exclusions([dir('bg', unknownState)]))).status).toBe('pass');
  });

  it('ID-10: an unknown state decides only when no policy is known to be enabled', () => {
    expectShapeError(
      result(crwId10, context(ca([unknown(mfaAll, null), policy('r', { state: 'disabled' })]))),
      'state is missing',
    );
    expect(result(crwId10, context(ca([unknown(mfaAll), policy('on')]))).status).toBe('pass');
    expect(result(crwId10, context(ca([unknown(mfaAll)], true))).status).toBe('pass');
  });
});

const ORG: ExchangeOrganization = {
  auditDisabled: false,
  unifiedAuditLogIngestionEnabled: true,
  remoteDomains: [{ domainName: '*', autoForwardEnabled: true }],
  outboundSpamPolicies: [{ name: 'Default', isDefault: true, autoForwardingMode: 'On' }],
};
const DOMAINS: AcceptedDomain[] = [{ domainName: 'contoso.test', matchSubDomains: false }];
const exchange = (org: Partial<ExchangeOrganization> = {}): Partial<ControlContext> => ({
  exchangeOrganization: { ok: true, value: { ...ORG, ...org } },
  acceptedDomains: { ok: true, value: DOMAINS },
});

describe('Exchange organization settings', () => {
  it('EXO-01 and EXO-02: a flag Exchange did not send as a boolean is error naming the cmdlet and property', () => {
    const ctx = context(
      exchange({
        auditDisabled: null,
        unifiedAuditLogIngestionEnabled: null,
        unexpected: { AuditDisabled: 'null', UnifiedAuditLogIngestionEnabled: '"yes"' },
      }),
    );
    expectShapeError(
      result(crwExo01, ctx),
      'Get-OrganizationConfig: AuditDisabled is null, expected true or false',
    );
    expectShapeError(
      result(crwExo02, ctx),
      'Get-AdminAuditLogConfig: UnifiedAuditLogIngestionEnabled is "yes"',
    );
  });

  it('EXO-06: an unknown AutoForwardingMode or IsDefault decides only when the other block is open', () => {
    const policy = (extra = {}) => ({
      name: 'Default',
      isDefault: true,
      autoForwardingMode: 'Sometimes',
      ...extra,
    });
    expectShapeError(
      result(crwExo06, context(exchange({ outboundSpamPolicies: [policy()] }))),
      'outbound spam policy "Default": AutoForwardingMode is "Sometimes", expected Automatic, On or Off',
    );
    const blocked = [{ domainName: '*', autoForwardEnabled: false }];
    expect(
      result(crwExo06, context(exchange({ remoteDomains: blocked, outboundSpamPolicies: [policy()] })))
        .status,
    ).toBe('pass');
    const noDefault = [
      policy({ isDefault: null, autoForwardingMode: 'On', unexpected: { IsDefault: 'missing' } }),
    ];
    expectShapeError(
      result(crwExo06, context(exchange({ outboundSpamPolicies: noDefault }))),
      'IsDefault is missing',
    );
    const remoteUnknown = [
      { domainName: '*', autoForwardEnabled: null, unexpected: { AutoForwardEnabled: 'null' } },
    ];
    expect(
      result(
        crwExo06,
        context(
          exchange({
            remoteDomains: remoteUnknown,
            outboundSpamPolicies: [policy({ autoForwardingMode: 'Off' })],
          }),
        ),
      ).status,
    ).toBe('pass');
    expectShapeError(
      result(crwExo06, context(exchange({ remoteDomains: remoteUnknown }))),
      'remote domain "*": AutoForwardEnabled is null',
    );
  });
});

describe('per-mailbox controls through judgeAsset', () => {
  let next = 0;
  const mailbox = (extra: Partial<MailboxWithRules> = {}): MailboxWithRules => {
    next++;
    return {
      externalDirectoryObjectId: `id-${next}`,
      userPrincipalName: `user${next}@contoso.test`,
      primarySmtpAddress: `User${next}@contoso.test`,
      recipientTypeDetails: 'UserMailbox',
      auditEnabled: true,
      forwardingSmtpAddress: null,
      inboxRules: [],
      ...extra,
    };
  };
  const rule = (extra: Partial<InboxRule> = {}): InboxRule => ({
    id: 'r1',
    displayName: 'Forward',
    isEnabled: true,
    forwardTo: [],
    redirectTo: [],
    forwardAsAttachmentTo: [],
    ...extra,
  });
  const noType = { recipientTypeDetails: '', unexpected: { RecipientTypeDetails: 'missing' } };

  function runMailboxes(
    control: Control,
    mailboxes: MailboxWithRules[],
    inboxRules: Collected<true> = { ok: true, value: true },
  ) {
    const ctx = context(exchange());
    const { findings, shapeErrors } = stream(control, ctx, mailboxes, (c) => c.judgeMailboxes?.(ctx) ?? null);
    return result(control, {
      ...ctx,
      mailboxScan: { ok: true, value: { findings, shapeErrors, inboxRules } },
    });
  }

  it('EXO-03: AuditEnabled or RecipientTypeDetails Exchange did not send is error where it decides', () => {
    const noAudit = { auditEnabled: null, unexpected: { AuditEnabled: 'null' } };
    expectShapeError(
      runMailboxes(crwExo03, [mailbox({ primarySmtpAddress: 'Ann@contoso.test', ...noAudit })]),
      'mailbox Ann@contoso.test: AuditEnabled is null, expected true or false',
    );
    expectShapeError(
      runMailboxes(crwExo03, [mailbox({ ...noType, auditEnabled: false })]),
      'RecipientTypeDetails is missing',
    );
    // A room, an undocumented type (not a user or shared mailbox), or auditing on: decided.
    const fine = runMailboxes(crwExo03, [
      mailbox({ recipientTypeDetails: 'RoomMailbox', ...noAudit }),
      mailbox({ recipientTypeDetails: 'UserMailboxV2', auditEnabled: false }),
      mailbox({ ...noType, auditEnabled: true }),
    ]);
    expect(fine.status).toBe('pass');
  });

  it('EXO-04: a ForwardingSmtpAddress of another type is error for a user or shared mailbox only', () => {
    const odd = { forwardingSmtpAddress: null, unexpected: { ForwardingSmtpAddress: '5' } };
    expectShapeError(runMailboxes(crwExo04, [mailbox(odd)]), 'ForwardingSmtpAddress is 5');
    expect(runMailboxes(crwExo04, [mailbox({ recipientTypeDetails: 'RoomMailbox', ...odd })]).status).toBe(
      'pass',
    );
  });

  it('EXO-05: isEnabled or a recipient address missing is error when the rule could forward outside', () => {
    const external = { forwardTo: ['x@evil.example'] };
    expectShapeError(
      runMailboxes(crwExo05, [
        mailbox({
          inboxRules: [rule({ ...external, isEnabled: null, unexpected: { isEnabled: 'missing' } })],
        }),
      ]),
      'inbox rule "Forward" (r1) of mailbox ',
      'isEnabled is missing',
    );
    const noAddress = { unexpected: { 'actions.redirectTo[0].emailAddress.address': 'missing' } };
    expectShapeError(
      runMailboxes(crwExo05, [mailbox({ inboxRules: [rule(noAddress)] })]),
      'actions.redirectTo[0].emailAddress.address is missing, expected an email address',
    );
    // Forwarding outside anyway, or only inside: decided.
    const outcome = runMailboxes(crwExo05, [
      mailbox({ inboxRules: [rule({ ...external, ...noAddress })] }),
      mailbox({
        inboxRules: [
          rule({ forwardTo: ['y@contoso.test'], isEnabled: null, unexpected: { isEnabled: 'null' } }),
        ],
      }),
    ]);
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toHaveLength(1);
  });

  it('EXO-05: a user mailbox without ExternalDirectoryObjectId cannot have its rules read: error; refusals come first', () => {
    expectShapeError(
      runMailboxes(crwExo05, [mailbox({ externalDirectoryObjectId: null, inboxRules: null })]),
      'ExternalDirectoryObjectId is null, expected the Entra object id',
    );
    expect(
      runMailboxes(crwExo05, [
        mailbox({
          externalDirectoryObjectId: null,
          inboxRules: null,
          recipientTypeDetails: 'DiscoveryMailbox',
        }),
      ]).status,
    ).toBe('pass');
    const refused = runMailboxes(crwExo05, [mailbox({ externalDirectoryObjectId: null, inboxRules: null })], {
      ok: false,
      reason: 'Graph refused',
    });
    expect(refused).toMatchObject({
      status: 'error',
      reason: 'inbox rules could not be read: Graph refused',
    });
  });
});
