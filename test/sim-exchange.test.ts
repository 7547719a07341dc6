// sim/exchange: the Exchange admin API (InvokeCommand) called directly, with a stand-in token check.
import { createExchangeHandler, type ExchangeHandler } from '../sim/exchange/handler';
import { INTERNAL_EXCEPTION_PROPERTY } from '../sim/exchange/errors';
import type { AccessTokenCheck } from '../sim/identity/access-tokens';
import { EXCHANGE_RESOURCE } from '../sim/identity/resources';
import { MailboxDirectory, userHasMailbox } from '../sim/tenant/mailboxes';
import type { AccessTokenClaims, SimResponse, SimTenant } from '../sim/types';
import { stubTenant } from './helpers/sim-fixtures';

const ORIGIN = 'https://127.0.0.1:8443';
type Json = Record<string, unknown>;

/** Tokens of the stand-in verify function: "good", "noroles", "graphroles", "foreign" (another tenant). */
function exchangeFor(...tenants: SimTenant[]): { handler: ExchangeHandler; calls: string[] } {
  const calls: string[] = [];
  const [first] = tenants;
  if (!first) throw new Error('a tenant is needed');
  const claims = (roles: string[], tid = first.tenantId): AccessTokenClaims => ({
    aud: EXCHANGE_RESOURCE,
    iss: `https://sts.windows.net/${tid}/`,
    tid,
    appid: first.clientId,
    oid: '00000000-0000-4000-8000-000000000002',
    roles,
    iat: 0,
    nbf: 0,
    exp: 4102444800,
  });
  const tokens: Record<string, AccessTokenClaims> = {
    good: claims(['Exchange.ManageAsApp']),
    noroles: claims([]),
    graphroles: claims(['User.Read.All']),
    foreign: claims(['Exchange.ManageAsApp'], '11111111-1111-4111-8111-111111111111'),
  };
  const verify = (header: string | undefined, audience: string): AccessTokenCheck => {
    expect(audience).toBe(EXCHANGE_RESOURCE);
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    const found = token ? tokens[token] : undefined;
    if (!token) return { valid: false, failure: 'empty', message: 'Access token is empty.' };
    if (!found) return { valid: false, failure: 'invalid-signature', message: 'Invalid signature.' };
    return { valid: true, claims: found };
  };
  const handler = createExchangeHandler({
    verify,
    tenantById: (id) => tenants.find((tenant) => tenant.tenantId === id),
    recordRequest: (_tenantId, cmdlet) => calls.push(cmdlet),
  });
  return { handler, calls };
}

interface InvokeOptions {
  token?: string | null;
  pageSize?: number;
  url?: string;
  body?: unknown;
  method?: string;
}

function invoke(
  handler: ExchangeHandler,
  tenant: SimTenant,
  cmdletName: string,
  parameters: Json = {},
  options: InvokeOptions = {},
): SimResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? 'good' : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.pageSize !== undefined) headers.prefer = `odata.maxpagesize=${options.pageSize}`;
  const body = options.body ?? { CmdletInput: { CmdletName: cmdletName, Parameters: parameters } };
  return handler({
    method: options.method ?? 'POST',
    url: new URL(options.url ?? `${ORIGIN}/adminapi/beta/${tenant.tenantId}/InvokeCommand`),
    headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
}

function bodyOf(response: SimResponse): Json {
  return response.body as Json;
}

function valuesOf(response: SimResponse): Json[] {
  expect(response.status).toBe(200);
  return bodyOf(response).value as Json[];
}

/** Pages by re-POSTing the same body to @odata.nextLink until it is absent. */
function invokeAll(
  handler: ExchangeHandler,
  tenant: SimTenant,
  cmdletName: string,
  parameters: Json = {},
  pageSize?: number,
): { rows: Json[]; pages: number; warnings: string[] } {
  const rows: Json[] = [];
  const warnings: string[] = [];
  let url: string | undefined;
  let pages = 0;
  do {
    const response = invoke(handler, tenant, cmdletName, parameters, { pageSize, url });
    rows.push(...valuesOf(response));
    warnings.push(...(bodyOf(response)['@adminapi.warnings'] as string[]));
    url = bodyOf(response)['@odata.nextLink'] as string | undefined;
    pages++;
  } while (url);
  return { rows, pages, warnings };
}

function errorOf(response: SimResponse): {
  code: string;
  message: string;
  details: Array<{ message: string }>;
  innererror: Record<string, { message: string; type: string }>;
} {
  return bodyOf(response).error as ReturnType<typeof errorOf>;
}

describe('Exchange admin API: authentication and authorization', () => {
  const tenant = stubTenant(1);
  const { handler } = exchangeFor(tenant);

  test('no token or an invalid one: 401 with WWW-Authenticate and x-ms-diagnostics, no body', () => {
    for (const token of [null, 'bogus']) {
      const response = invoke(handler, tenant, 'Get-OrganizationConfig', {}, { token });
      expect(response.status).toBe(401);
      expect(response.body).toBeUndefined();
      expect(response.headers?.['www-authenticate']).toMatch(/^Bearer client_id="00000002-0000-0ff1-ce00/);
      expect(response.headers?.['x-ms-diagnostics']).toMatch(
        /^2000001;reason=".+";error_category="invalid_token"$/,
      );
    }
  });

  test('a token without roles: 401 invalid_grant; roles without Exchange.ManageAsApp: 403', () => {
    const noRoles = invoke(handler, tenant, 'Get-OrganizationConfig', {}, { token: 'noroles' });
    expect(noRoles.status).toBe(401);
    expect(noRoles.headers?.['x-ms-diagnostics']).toContain('error_category="invalid_grant"');
    const graphRoles = invoke(handler, tenant, 'Get-OrganizationConfig', {}, { token: 'graphroles' });
    expect(graphRoles.status).toBe(403);
    expect(errorOf(graphRoles).details[0]?.message).toContain('Exchange.ManageAsApp');
  });

  test("the URL's organization must be the token's tenant (id or initial domain)", () => {
    const byDomain = invoke(
      handler,
      tenant,
      'Get-OrganizationConfig',
      {},
      {
        url: `${ORIGIN}/adminapi/beta/${tenant.domain}/InvokeCommand`,
      },
    );
    expect(byDomain.status).toBe(200);
    const other = invoke(
      handler,
      tenant,
      'Get-OrganizationConfig',
      {},
      {
        url: `${ORIGIN}/adminapi/beta/22222222-2222-4222-8222-222222222222/InvokeCommand`,
      },
    );
    expect(other.status).toBe(401);
    expect(invoke(handler, tenant, 'Get-OrganizationConfig', {}, { token: 'foreign' }).status).toBe(401);
  });

  test('only POST to InvokeCommand', () => {
    expect(invoke(handler, tenant, 'Get-OrganizationConfig', {}, { method: 'GET' }).status).toBe(405);
    const elsewhere = invoke(
      handler,
      tenant,
      'x',
      {},
      { url: `${ORIGIN}/adminapi/beta/${tenant.tenantId}/Other` },
    );
    expect(elsewhere.status).toBe(404);
  });
});

describe('Exchange admin API: cmdlets', () => {
  const tenant = stubTenant(2);
  const { handler, calls } = exchangeFor(tenant);

  test('response envelope: @odata.context, @adminapi.warnings, value', () => {
    const response = invoke(handler, tenant, 'Get-OrganizationConfig');
    const body = bodyOf(response);
    expect(body['@odata.context']).toBe(
      `${ORIGIN}/adminapi/beta/${tenant.tenantId}/$metadata#Collection(Exchange.GenericHashTable)`,
    );
    expect(body['@adminapi.warnings']).toEqual([]);
    expect(body['@odata.nextLink']).toBeUndefined();
    expect(calls).toContain('Get-OrganizationConfig');
  });

  test('Get-OrganizationConfig and Get-AdminAuditLogConfig', () => {
    const [org] = valuesOf(invoke(handler, tenant, 'get-organizationconfig'));
    expect(typeof org?.AuditDisabled).toBe('boolean');
    expect(org?.Identity).toBe(tenant.domain);
    const [audit] = valuesOf(invoke(handler, tenant, 'Get-AdminAuditLogConfig'));
    expect(typeof audit?.UnifiedAuditLogIngestionEnabled).toBe('boolean');
  });

  test('Get-AcceptedDomain: initial (Authoritative), custom, a MatchSubDomains relay and an ExternalRelay', () => {
    const domains = valuesOf(invoke(handler, tenant, 'Get-AcceptedDomain'));
    expect(domains.map((d) => [d.DomainName, d.DomainType, d.MatchSubDomains])).toEqual([
      [tenant.domain, 'Authoritative', false],
      ['tenant2.example', 'Authoritative', false],
      ['tenant2-group.example', 'InternalRelay', true],
      ['tenant2-legacy.example', 'ExternalRelay', false],
    ]);
    const one = valuesOf(invoke(handler, tenant, 'Get-AcceptedDomain', { Identity: 'TENANT2.example' }));
    expect(one).toHaveLength(1);
  });

  test('Get-RemoteDomain (Default is "*") and Get-HostedOutboundSpamFilterPolicy (one default)', () => {
    const remote = valuesOf(invoke(handler, tenant, 'Get-RemoteDomain'));
    expect(remote.find((d) => d.DomainName === '*')?.Name).toBe('Default');
    expect(remote.every((d) => typeof d.AutoForwardEnabled === 'boolean')).toBe(true);
    const policies = valuesOf(invoke(handler, tenant, 'Get-HostedOutboundSpamFilterPolicy'));
    expect(policies.filter((p) => p.IsDefault === true)).toHaveLength(1);
    expect(policies.map((p) => p.AutoForwardingMode)).toEqual(expect.arrayContaining(['On']));
    for (const policy of policies) expect(['Automatic', 'On', 'Off']).toContain(policy.AutoForwardingMode);
  });

  test('Get-Mailbox rows: the wire facts properties plus Identity, Name, Guid, ExternalDirectoryObjectId', () => {
    const { rows } = invokeAll(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' });
    for (const row of rows) {
      for (const key of [
        'Identity',
        'Name',
        'Guid',
        'ExternalDirectoryObjectId',
        'UserPrincipalName',
        'PrimarySmtpAddress',
        'RecipientTypeDetails',
        'AuditEnabled',
        'ForwardingSmtpAddress',
        'ForwardingAddress',
        'DeliverToMailboxAndForward',
      ]) {
        expect(row).toHaveProperty(key);
      }
    }
    const types = new Set(rows.map((row) => row.RecipientTypeDetails));
    expect([...types].sort()).toEqual([
      'DiscoveryMailbox',
      'EquipmentMailbox',
      'RoomMailbox',
      'SharedMailbox',
      'UserMailbox',
    ]);
    // Forwarding cases of the brief are all present.
    const forwarding = rows.map((row) => row.ForwardingSmtpAddress).filter((value) => value !== null);
    expect(forwarding).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SMTP:Hr-archive@Tenant2\.OnMicrosoft\.com$/)]),
    );
    expect(forwarding).toEqual(
      expect.arrayContaining([expect.stringMatching(/^smtp:.+@eu\.tenant2-group\.example$/)]),
    );
    const addressOnly = rows.filter(
      (row) => row.ForwardingAddress !== null && row.ForwardingSmtpAddress === null,
    );
    expect(addressOnly.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.DeliverToMailboxAndForward === true)).toBe(true);
    const room = rows.find((row) => row.RecipientTypeDetails === 'RoomMailbox');
    expect(room?.AuditEnabled).toBe(false);
  });

  test('Get-Mailbox agrees with the Graph users: UPN, primary address and ExternalDirectoryObjectId = user id', () => {
    const directory = new MailboxDirectory({
      name: tenant.options.name,
      seed: tenant.options.seed,
      users: tenant.options.users,
      domain: tenant.domain,
      licences: tenant.options.licences,
      scanningAppId: tenant.clientId,
    });
    const { rows } = invokeAll(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' });
    const userRows = rows.filter((row) => row.RecipientTypeDetails === 'UserMailbox');
    let withMailbox = 0;
    for (let index = 0; index < tenant.options.users; index++) {
      const user = directory.users.user(index);
      const row = userRows.find((candidate) => candidate.ExternalDirectoryObjectId === user.id);
      expect(row !== undefined).toBe(userHasMailbox(user));
      if (!row) continue;
      withMailbox++;
      expect(row.UserPrincipalName).toBe(user.userPrincipalName);
      expect(row.PrimarySmtpAddress).toBe(user.mail);
    }
    expect(withMailbox).toBe(userRows.length);
    expect(withMailbox).toBeGreaterThan(tenant.options.users / 2);
  });

  test('Get-Mailbox -Identity (UPN, alias, object id) and -RecipientTypeDetails', () => {
    const { rows } = invokeAll(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' });
    const user = rows.find((row) => row.RecipientTypeDetails === 'UserMailbox') as Json;
    for (const identity of [user.UserPrincipalName, user.Name, user.ExternalDirectoryObjectId]) {
      const found = valuesOf(invoke(handler, tenant, 'Get-Mailbox', { Identity: identity }));
      expect(found.map((row) => row.Guid)).toEqual([user.Guid]);
    }
    const shared = valuesOf(
      invoke(handler, tenant, 'Get-Mailbox', {
        RecipientTypeDetails: ['SharedMailbox'],
        ResultSize: 'Unlimited',
      }),
    );
    expect(shared.length).toBeGreaterThan(5);
    expect(shared.every((row) => row.RecipientTypeDetails === 'SharedMailbox')).toBe(true);
    const missing = invoke(handler, tenant, 'Get-Mailbox', { Identity: 'nobody@nowhere.example' });
    expect(missing.status).toBe(404);
    expect(errorOf(missing).details[0]?.message).toMatch(
      /ManagementObjectNotFoundException.*couldn't be found/,
    );
  });

  test('unknown cmdlet: error.details[].message and error.innererror.internalException.message', () => {
    const response = invoke(handler, tenant, 'Get-Nothing');
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.message).toBe('Invalid Operation');
    expect(error.details[0]?.message).toMatch(
      /^\|System\.Management\.Automation\.CommandNotFoundException\|The term 'Get-Nothing'/,
    );
    const internal = error.innererror[INTERNAL_EXCEPTION_PROPERTY];
    expect(internal?.message).toMatch(/^The term 'Get-Nothing' is not recognized/);
    expect(internal?.type).toBe('System.Management.Automation.CommandNotFoundException');
  });

  test('unknown parameter, bad values and malformed bodies are cmdlet errors', () => {
    const unknown = invoke(handler, tenant, 'Get-Mailbox', { Bogus: 1 });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).details[0]?.message).toContain('Bogus');
    expect(invoke(handler, tenant, 'Get-Mailbox', { ResultSize: 'lots' }).status).toBe(400);
    expect(invoke(handler, tenant, 'Get-Mailbox', { RecipientTypeDetails: 'Toaster' }).status).toBe(400);
    expect(invoke(handler, tenant, 'Get-Mailbox', { Filter: "Name -eq 'x'" }).status).toBe(501);
    for (const body of ['not json', { cmdletInput: { CmdletName: 'Get-Mailbox' } }, { CmdletInput: {} }]) {
      const response = invoke(handler, tenant, 'x', {}, { body });
      expect(response.status).toBe(400);
      expect(errorOf(response).innererror[INTERNAL_EXCEPTION_PROPERTY]?.message).toBeTruthy();
    }
  });
});

describe('Exchange admin API: paging', () => {
  test('re-POSTing the same body to each nextLink yields every mailbox exactly once', () => {
    const tenant = stubTenant(3, 300);
    const { handler } = exchangeFor(tenant);
    const all = invokeAll(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' });
    expect(all.pages).toBe(1);
    const paged = invokeAll(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' }, 37);
    expect(paged.pages).toBe(Math.ceil(all.rows.length / 37));
    const guids = paged.rows.map((row) => row.Guid);
    expect(new Set(guids).size).toBe(guids.length);
    expect(guids).toEqual(all.rows.map((row) => row.Guid));
  });

  test('the nextLink is absolute on the request origin and honours Prefer (echoed in Preference-Applied)', () => {
    const tenant = stubTenant(1);
    const { handler } = exchangeFor(tenant);
    const first = invoke(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' }, { pageSize: 10 });
    expect(valuesOf(first)).toHaveLength(10);
    expect(first.headers?.['Preference-Applied']).toBe('odata.maxpagesize=10');
    const next = bodyOf(first)['@odata.nextLink'] as string;
    expect(next.startsWith(`${ORIGIN}/adminapi/beta/${tenant.tenantId}/InvokeCommand?`)).toBe(true);
    // Another body cannot continue the token.
    const other = invoke(handler, tenant, 'Get-Mailbox', { ResultSize: 5000 }, { pageSize: 10, url: next });
    expect(other.status).toBe(400);
    expect(errorOf(other).innererror[INTERNAL_EXCEPTION_PROPERTY]?.message).toContain(
      'Invalid pagination request',
    );
  });

  test('without ResultSize Get-Mailbox stops at 1000 rows with a warning, as the cmdlet does', () => {
    const tenant = stubTenant(4, 1300);
    const { handler } = exchangeFor(tenant);
    const limited = invokeAll(handler, tenant, 'Get-Mailbox', {}, 400);
    expect(limited.rows).toHaveLength(1000);
    expect(limited.warnings).toEqual([expect.stringContaining('ResultSize')]);
    const unlimited = invokeAll(handler, tenant, 'Get-Mailbox', { ResultSize: 'Unlimited' }, 400);
    expect(unlimited.rows.length).toBeGreaterThan(1000);
    expect(unlimited.warnings).toEqual([]);
  });

  test('determinism: two handlers over equal tenants answer identically', () => {
    const a = invokeAll(exchangeFor(stubTenant(5)).handler, stubTenant(5), 'Get-Mailbox', {
      ResultSize: 'Unlimited',
    });
    const b = invokeAll(exchangeFor(stubTenant(5)).handler, stubTenant(5), 'Get-Mailbox', {
      ResultSize: 'Unlimited',
    });
    expect(JSON.stringify(a.rows)).toBe(JSON.stringify(b.rows));
    const c = invokeAll(exchangeFor(stubTenant(6)).handler, stubTenant(6), 'Get-Mailbox', {
      ResultSize: 'Unlimited',
    });
    expect(JSON.stringify(c.rows)).not.toBe(JSON.stringify(a.rows));
  });
});
