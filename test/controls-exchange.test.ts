// CRW-EXO-01..06 as pure functions: tenant settings and mailboxes in, outcomes out (no I/O).
import type {
  AcceptedDomain,
  ExchangeOrganization,
  InboxRule,
  MailboxWithRules,
} from '../src/collectors/exchange-types';
import { evaluateControls } from '../src/controls/evaluate-controls';
import type { Control, ControlContext } from '../src/controls/control';
import { crwExo01 } from '../src/controls/crw-exo-01';
import { crwExo02 } from '../src/controls/crw-exo-02';
import { crwExo03 } from '../src/controls/crw-exo-03';
import { crwExo04 } from '../src/controls/crw-exo-04';
import { crwExo05 } from '../src/controls/crw-exo-05';
import { crwExo06 } from '../src/controls/crw-exo-06';
import { internalDomainCheck } from '../src/controls/mail-domains';
import { controlNeeds } from '../src/controls/permissions';

const ORG: ExchangeOrganization = {
  auditDisabled: false,
  unifiedAuditLogIngestionEnabled: true,
  remoteDomains: [
    { domainName: '*', autoForwardEnabled: true },
    { domainName: 'partner.example', autoForwardEnabled: true },
  ],
  outboundSpamPolicies: [
    { name: 'Default', isDefault: true, autoForwardingMode: 'Automatic' },
    { name: 'Allow forwarding', isDefault: false, autoForwardingMode: 'On' },
  ],
};

const DOMAINS: AcceptedDomain[] = [
  { domainName: 'contoso.onmicrosoft.com', matchSubDomains: false },
  { domainName: 'contoso.example', matchSubDomains: false },
  { domainName: 'contoso-group.example', matchSubDomains: true },
];

function context(overrides: Partial<ControlContext> = {}): ControlContext {
  return {
    tenant: { name: 'contoso', tenantId: 'tid' },
    settings: { privilegedRoles: [], breakGlass: [], staleDays: 90, globalAdminRange: [2, 4] },
    now: new Date('2026-01-01T00:00:00Z'),
    privilegedAccess: { ok: true, value: { users: [], eligibilityAvailable: true } },
    registrations: { ok: true, value: new Map() },
    exchangeOrganization: { ok: true, value: ORG },
    acceptedDomains: { ok: true, value: DOMAINS },
    ...overrides,
  };
}

let next = 0;
function mailbox(overrides: Partial<MailboxWithRules> = {}): MailboxWithRules {
  next++;
  return {
    externalDirectoryObjectId: `id-${next}`,
    userPrincipalName: `user${next}@contoso.example`,
    primarySmtpAddress: `User${next}@contoso.example`,
    recipientTypeDetails: 'UserMailbox',
    auditEnabled: true,
    forwardingSmtpAddress: null,
    inboxRules: [],
    ...overrides,
  };
}

function rule(overrides: Partial<InboxRule> = {}): InboxRule {
  return {
    id: 'rule-1',
    displayName: 'Rule',
    isEnabled: true,
    forwardTo: [],
    redirectTo: [],
    forwardAsAttachmentTo: [],
    ...overrides,
  };
}

/** Streams the mailboxes through the control's judge as the scan does, then evaluates. */
function runMailboxControl(control: Control, mailboxes: MailboxWithRules[], base = context()) {
  const judge = control.judgeMailboxes?.(base) ?? null;
  const findings = judge === null ? [] : mailboxes.flatMap((m) => judge(m));
  return control.evaluate({
    ...base,
    mailboxScan: {
      ok: true,
      value: { findings: new Map([[control.meta.id, findings]]), inboxRules: { ok: true, value: true } },
    },
  });
}

describe('internal and external domains', () => {
  const isInternal = internalDomainCheck(DOMAINS);
  it.each([
    ['a@contoso.example', true],
    ['a@CONTOSO.Example', true],
    ['a@Contoso.OnMicrosoft.com', true],
    ['a@contoso-group.example', true],
    ['a@eu.contoso-group.example', true],
    ['a@a.b.contoso-group.example', true],
    ['a@mail.contoso.example', false],
    ['a@notcontoso.example', false],
    ['a@contoso.onmicrosoft.com.evil.example', false],
    ['a@xcontoso-group.example', false],
    ['a@external.example', false],
    ['no-domain', false],
  ])('%s internal: %s', (address, expected) => {
    expect(isInternal(address)).toBe(expected);
  });
});

describe('tenant-level Exchange controls', () => {
  it('EXO-01 fails with one tenant finding when AuditDisabled is true', () => {
    expect(crwExo01.evaluate(context()).status).toBe('pass');
    const outcome = crwExo01.evaluate(
      context({ exchangeOrganization: { ok: true, value: { ...ORG, auditDisabled: true } } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.findings).toEqual([
      expect.objectContaining({ assetType: 'tenant', assetName: 'contoso', assetId: 'tid' }),
    ]);
  });

  it('EXO-02 fails when UnifiedAuditLogIngestionEnabled is false', () => {
    expect(crwExo02.evaluate(context()).status).toBe('pass');
    const off = { ...ORG, unifiedAuditLogIngestionEnabled: false };
    expect(crwExo02.evaluate(context({ exchangeOrganization: { ok: true, value: off } })).status).toBe(
      'fail',
    );
  });

  it('EXO-06 fails only when the Default remote domain and the default outbound policy both allow it', () => {
    const withMode = (mode: string, remote: boolean): ExchangeOrganization => ({
      ...ORG,
      remoteDomains: [{ domainName: '*', autoForwardEnabled: remote }],
      outboundSpamPolicies: [{ name: 'Default', isDefault: true, autoForwardingMode: mode }],
    });
    const status = (org: ExchangeOrganization) =>
      crwExo06.evaluate(context({ exchangeOrganization: { ok: true, value: org } })).status;
    expect(status(withMode('On', true))).toBe('fail');
    expect(status(withMode('On', false))).toBe('pass');
    expect(status(withMode('Automatic', true))).toBe('pass');
    expect(status(withMode('Off', true))).toBe('pass');
    // A custom policy with On does not count: only the default one.
    expect(status(ORG)).toBe('pass');
  });

  it('an unreadable organization is error with the reason', () => {
    const outcome = crwExo01.evaluate(
      context({ exchangeOrganization: { ok: false, reason: 'Exchange said no' } }),
    );
    expect(outcome).toMatchObject({ status: 'error', reason: expect.stringContaining('Exchange said no') });
  });
});

describe('per-mailbox Exchange controls', () => {
  it('EXO-03: one finding per user or shared mailbox with auditing off; rooms are ignored', () => {
    const off = mailbox({ auditEnabled: false });
    const shared = mailbox({ auditEnabled: false, recipientTypeDetails: 'SharedMailbox' });
    const room = mailbox({ auditEnabled: false, recipientTypeDetails: 'RoomMailbox' });
    const outcome = runMailboxControl(crwExo03, [off, shared, room, mailbox()]);
    expect(outcome.status).toBe('fail');
    expect(outcome.findings.map((f) => f.assetName)).toEqual([
      off.primarySmtpAddress,
      shared.primarySmtpAddress,
    ]);
    expect(outcome.findings[0]).toMatchObject({
      assetType: 'mailbox',
      assetId: off.externalDirectoryObjectId,
    });
  });

  it('EXO-04: ForwardingSmtpAddress outside the accepted domains, smtp: stripped in any case', () => {
    const external = mailbox({ forwardingSmtpAddress: 'SMTP:Someone@External.Example' });
    const internal = mailbox({ forwardingSmtpAddress: 'smtp:boss@a.b.contoso-group.example' });
    const unmatched = mailbox({ forwardingSmtpAddress: 'smtp:x@mail.contoso.example' });
    const room = mailbox({
      forwardingSmtpAddress: 'smtp:x@external.example',
      recipientTypeDetails: 'RoomMailbox',
    });
    const outcome = runMailboxControl(crwExo04, [external, internal, unmatched, room]);
    expect(outcome.findings.map((f) => f.assetName)).toEqual([
      external.primarySmtpAddress,
      unmatched.primarySmtpAddress,
    ]);
    expect(outcome.findings[0]!.detail).toContain('Someone@External.Example');
    expect(outcome.findings[0]!.detail).not.toMatch(/smtp:/i);
  });

  it('EXO-04 ignores ForwardingAddress (a directory recipient) and passes without forwarding', () => {
    const m = { ...mailbox(), ForwardingAddress: 'External Contact' } as MailboxWithRules;
    expect(runMailboxControl(crwExo04, [m]).status).toBe('pass');
  });

  it('EXO-05: one finding per mailbox and enabled rule forwarding outside; mixed recipients give one finding', () => {
    const mixed = mailbox({
      inboxRules: [
        rule({
          id: 'mixed',
          forwardTo: ['a@contoso.example', 'b@external.example'],
          redirectTo: ['c@External.Example'],
        }),
        rule({ id: 'disabled', isEnabled: false, forwardTo: ['d@external.example'] }),
        rule({ id: 'internal', redirectTo: ['e@eu.contoso-group.example'] }),
        rule({ id: 'attach', forwardAsAttachmentTo: ['f@notcontoso.example'] }),
      ],
    });
    const room = mailbox({
      recipientTypeDetails: 'RoomMailbox',
      inboxRules: [rule({ forwardTo: ['x@external.example'] })],
    });
    const outcome = runMailboxControl(crwExo05, [mixed, room]);
    expect(outcome.findings).toHaveLength(2);
    expect(outcome.findings.every((f) => f.assetName === mixed.primarySmtpAddress)).toBe(true);
    expect(outcome.findings.map((f) => f.detail).join('\n')).toMatch(
      /\(mixed\).*b@external\.example.*c@External\.Example/,
    );
    expect(outcome.findings.map((f) => f.detail).join('\n')).toContain('(attach)');
  });

  it('EXO-05 is error when the inbox rules could not be read; EXO-04 when accepted domains could not', () => {
    const rulesRefused = crwExo05.evaluate({
      ...context(),
      mailboxScan: {
        ok: true,
        value: { findings: new Map(), inboxRules: { ok: false, reason: 'needs MailboxSettings.Read' } },
      },
    });
    expect(rulesRefused).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('MailboxSettings.Read'),
    });
    const noDomains = context({ acceptedDomains: { ok: false, reason: 'refused' } });
    expect(crwExo04.judgeMailboxes?.(noDomains)).toBeNull();
    expect(runMailboxControl(crwExo04, [], noDomains).status).toBe('error');
  });

  it('mailbox controls report error, not pass, when the mailboxes were not read', () => {
    expect(crwExo03.evaluate(context()).status).toBe('error');
    expect(
      crwExo03.evaluate(context({ mailboxScan: { ok: false, reason: 'Get-Mailbox refused' } })).reason,
    ).toContain('Get-Mailbox refused');
  });
});

describe('Exchange control metadata', () => {
  const controls = [crwExo01, crwExo02, crwExo03, crwExo04, crwExo05, crwExo06];

  it('needs Exchange.ManageAsApp with Global Reader, and MailboxSettings.Read for EXO-05 only', () => {
    const needs = controlNeeds(controls.map((c) => c.meta.id));
    expect(needs.map((n) => n.exchange)).toEqual(controls.map(() => ['Exchange.ManageAsApp']));
    expect(needs.every((n) => n.exchangeDirectoryRole === 'Global Reader')).toBe(true);
    expect(needs.map((n) => n.graph)).toEqual([[], [], [], [], ['MailboxSettings.Read'], []]);
  });

  it('maps CIS and SCuBA references', () => {
    expect(crwExo01.meta.references).toContain('MS.EXO.13.1v1');
    expect(crwExo06.meta.references).toContain('MS.EXO.1.1v1');
    for (const control of controls) expect(control.meta.references.length).toBeGreaterThan(0);
  });

  it('evaluateControls runs the selected EXO controls and skips the rest', () => {
    const results = evaluateControls(['CRW-EXO-01'], context());
    expect(results.find((r) => r.id === 'CRW-EXO-01')?.status).toBe('pass');
    expect(results.find((r) => r.id === 'CRW-EXO-02')?.status).toBe('skipped');
  });
});
