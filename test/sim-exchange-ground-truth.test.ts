// sim/tenant/ground-truth-exchange.ts: CRW-EXO-01..06 expected from the generator's parameters, checked against an
// independent reading of what the sim serves (Exchange admin API and Graph messageRules), for seeds 1, 2, 3.
import { createExchangeHandler, type ExchangeHandler } from '../sim/exchange/handler';
import { EXCHANGE_RESOURCE, GRAPH_RESOURCE } from '../sim/identity/resources';
import { MailStore } from '../sim/mail/store';
import { expectedExchangeControls } from '../sim/tenant/ground-truth-exchange';
import { mailboxDirectoryOf } from '../sim/tenant/mailboxes';
import { handleMailboxGraph } from '../sim/tenant/mailboxes-graph';
import { EXCHANGE_PLAN_BY_SEED_MOD_6 } from '../sim/tenant/mailboxes-plan';
import type { AccessTokenClaims, ExpectedControl, SimResponse, SimTenant } from '../sim/types';
import { stubTenant } from './helpers/sim-fixtures';

const ORIGIN = 'https://127.0.0.1:8443';
type Json = Record<string, unknown>;

function claimsFor(tenant: SimTenant, aud: string, roles: string[]): AccessTokenClaims {
  return {
    aud,
    iss: 'https://sts.example/',
    tid: tenant.tenantId,
    appid: tenant.clientId,
    oid: 'x',
    roles,
    iat: 0,
    nbf: 0,
    exp: 4102444800,
  };
}

function exchangeOf(tenant: SimTenant): ExchangeHandler {
  return createExchangeHandler({
    verify: () => ({ valid: true, claims: claimsFor(tenant, EXCHANGE_RESOURCE, ['Exchange.ManageAsApp']) }),
    tenantById: (id) => (id === tenant.tenantId ? tenant : undefined),
  });
}

function cmdletRows(
  handler: ExchangeHandler,
  tenant: SimTenant,
  name: string,
  parameters: Json = {},
): Json[] {
  const rows: Json[] = [];
  let url: string | undefined = `${ORIGIN}/adminapi/beta/${tenant.tenantId}/InvokeCommand`;
  while (url) {
    const response: SimResponse = handler({
      method: 'POST',
      url: new URL(url),
      headers: { authorization: 'Bearer t', prefer: 'odata.maxpagesize=50' },
      body: Buffer.from(JSON.stringify({ CmdletInput: { CmdletName: name, Parameters: parameters } })),
    });
    expect(response.status).toBe(200);
    const body = response.body as Json;
    rows.push(...(body.value as Json[]));
    url = body['@odata.nextLink'] as string | undefined;
  }
  return rows;
}

/** An independent reading of CONTROLS.md's EXO rules over the served data (not src/controls/). */
function evaluateFromWire(tenant: SimTenant): ExpectedControl[] {
  const exchange = exchangeOf(tenant);
  const accepted = cmdletRows(exchange, tenant, 'Get-AcceptedDomain').map((row) => ({
    name: String(row.DomainName).toLowerCase(),
    sub: row.MatchSubDomains === true,
  }));
  const external = (address: string): boolean => {
    const domain =
      address
        .replace(/^smtp:/i, '')
        .split('@')
        .pop()
        ?.toLowerCase() ?? '';
    return !accepted.some((d) => domain === d.name || (d.sub && domain.endsWith(`.${d.name}`)));
  };
  const [org] = cmdletRows(exchange, tenant, 'Get-OrganizationConfig');
  const [audit] = cmdletRows(exchange, tenant, 'Get-AdminAuditLogConfig');
  const remote = cmdletRows(exchange, tenant, 'Get-RemoteDomain').find((row) => row.DomainName === '*');
  const policy = cmdletRows(exchange, tenant, 'Get-HostedOutboundSpamFilterPolicy').find(
    (row) => row.IsDefault,
  );
  const mailboxes = cmdletRows(exchange, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' }).filter((row) =>
    ['UserMailbox', 'SharedMailbox'].includes(String(row.RecipientTypeDetails)),
  );

  const store = new MailStore();
  const graphClaims = claimsFor(tenant, GRAPH_RESOURCE, ['MailboxSettings.Read']);
  const rulesOut: string[] = [];
  for (const mailbox of mailboxes) {
    const url = new URL(
      `${ORIGIN}/v1.0/users/${String(mailbox.ExternalDirectoryObjectId)}/mailFolders/inbox/messageRules`,
    );
    const response = handleMailboxGraph(
      { method: 'GET', url, headers: {}, body: Buffer.alloc(0) },
      graphClaims,
      tenant,
      store,
    );
    expect(response?.status).toBe(200);
    for (const rule of (response?.body as { value: Json[] }).value) {
      const actions = rule.actions as Record<
        string,
        Array<{ emailAddress: { address: string } }> | undefined
      >;
      const targets = [
        ...(actions.forwardTo ?? []),
        ...(actions.redirectTo ?? []),
        ...(actions.forwardAsAttachmentTo ?? []),
      ];
      if (rule.isEnabled === true && targets.some((target) => external(target.emailAddress.address)))
        rulesOut.push(String(mailbox.PrimarySmtpAddress));
    }
  }
  const name = tenant.options.name;
  const level = (id: string, fails: boolean): ExpectedControl => ({
    id,
    status: fails ? 'fail' : 'pass',
    findingAssetNames: fails ? [name] : [],
  });
  const assets = (id: string, names: string[]): ExpectedControl => ({
    id,
    status: names.length ? 'fail' : 'pass',
    findingAssetNames: names.sort(),
  });
  return [
    level('CRW-EXO-01', org?.AuditDisabled === true),
    level('CRW-EXO-02', audit?.UnifiedAuditLogIngestionEnabled === false),
    assets(
      'CRW-EXO-03',
      mailboxes.filter((row) => row.AuditEnabled === false).map((row) => String(row.PrimarySmtpAddress)),
    ),
    assets(
      'CRW-EXO-04',
      mailboxes
        .filter((row) => typeof row.ForwardingSmtpAddress === 'string' && external(row.ForwardingSmtpAddress))
        .map((row) => String(row.PrimarySmtpAddress)),
    ),
    assets('CRW-EXO-05', rulesOut),
    level('CRW-EXO-06', remote?.AutoForwardEnabled === true && policy?.AutoForwardingMode === 'On'),
  ];
}

describe('ground truth for CRW-EXO-01..06', () => {
  const seeds = [1, 2, 3];
  const results = new Map(seeds.map((seed) => [seed, expectedExchangeControls(stubTenant(seed))]));

  test.each(seeds)(
    'seed %i at 200 users: statuses follow the plan table, findings match the served data',
    (seed) => {
      const tenant = stubTenant(seed);
      const expected = results.get(seed) ?? [];
      const row = EXCHANGE_PLAN_BY_SEED_MOD_6[seed % 6];
      expect(expected.map((control) => control.id)).toEqual([
        'CRW-EXO-01',
        'CRW-EXO-02',
        'CRW-EXO-03',
        'CRW-EXO-04',
        'CRW-EXO-05',
        'CRW-EXO-06',
      ]);
      const status = (id: string): string | undefined =>
        expected.find((control) => control.id === id)?.status;
      expect(status('CRW-EXO-01')).toBe(row?.auditDisabled ? 'fail' : 'pass');
      expect(status('CRW-EXO-02')).toBe(row?.unifiedAuditLogIngestionEnabled ? 'pass' : 'fail');
      expect(status('CRW-EXO-03')).toBe(row?.mailboxAuditGaps ? 'fail' : 'pass');
      expect(status('CRW-EXO-04')).toBe(row?.externalMailboxForwarding ? 'fail' : 'pass');
      expect(status('CRW-EXO-05')).toBe(row?.externalInboxRules ? 'fail' : 'pass');
      const exo06Fails =
        row?.defaultRemoteDomainAutoForwardEnabled === true && row.defaultOutboundAutoForwardingMode === 'On';
      expect(status('CRW-EXO-06')).toBe(exo06Fails ? 'fail' : 'pass');
      expect(evaluateFromWire(tenant)).toEqual(expected);
    },
  );

  test('counts follow the generator parameters (scenario mailboxes plus planned user mailboxes)', () => {
    for (const seed of seeds) {
      const tenant = stubTenant(seed);
      const directory = mailboxDirectoryOf(tenant);
      const expected = results.get(seed) ?? [];
      const count = (id: string): number =>
        expected.find((control) => control.id === id)?.findingAssetNames.length ?? -1;
      const counted = [...directory.all()].filter(
        (m) => m.recipientTypeDetails === 'UserMailbox' || m.recipientTypeDetails === 'SharedMailbox',
      );
      expect(count('CRW-EXO-03')).toBe(counted.filter((m) => !m.auditEnabled).length);
      // The finance and partners shared mailboxes carry the audit gap whenever the plan asks for one.
      if (directory.plan.mailboxAuditGaps) expect(count('CRW-EXO-03')).toBeGreaterThanOrEqual(2);
      // Four shared mailboxes forward out (external, unmatched subdomain, two look-alikes) when planned.
      if (directory.plan.externalMailboxForwarding) expect(count('CRW-EXO-04')).toBeGreaterThanOrEqual(4);
      // Seven hostile-named rules of the "formulas" mailbox forward out when planned.
      if (directory.plan.externalInboxRules) expect(count('CRW-EXO-05')).toBeGreaterThanOrEqual(7);
      for (const control of expected) {
        expect(control.findingAssetNames).toEqual([...control.findingAssetNames].sort());
      }
    }
  });

  test('across seeds 1, 2, 3 every EXO control passes at least once and fails at least once', () => {
    for (const id of ['CRW-EXO-01', 'CRW-EXO-02', 'CRW-EXO-03', 'CRW-EXO-04', 'CRW-EXO-05', 'CRW-EXO-06']) {
      const statuses = seeds.map((seed) => results.get(seed)?.find((control) => control.id === id)?.status);
      expect(statuses).toContain('pass');
      expect(statuses).toContain('fail');
    }
  });
});
