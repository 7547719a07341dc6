// Collectors on data off Microsoft's documented shapes: fields that name an asset are required (UnexpectedShape for
// the part), judged fields are kept null and noted in `unexpected` for the controls, documented nulls stay plain
// nulls, and values this version does not know are kept as sent. No I/O: stand-in Graph and Exchange clients.
import type { ExchangeObject } from '../src/cloud/exchange-client';
import { ExchangeError } from '../src/cloud/exchange-error';
import type { GraphBatchRequest, GraphBatchResponse, GraphClient } from '../src/cloud/graph-client';
import { GraphError } from '../src/cloud/graph-error';
import { toConditionalAccessPolicy } from '../src/collectors/conditional-access';
import { toDirectoryUser } from '../src/collectors/directory-user';
import { acceptedDomainOf, mailboxOf, organizationOf } from '../src/collectors/exchange-rows';
import { exchangeCollected } from '../src/collectors/exchange-snapshot';
import { collectInboxRules } from '../src/collectors/inbox-rules';
import { collectPermanentAssignments } from '../src/collectors/permanent-assignments';
import { resolvePrivilegedUsers } from '../src/collectors/privileged-access';
import { collectActiveGrants, collectEligibleGrants } from '../src/collectors/role-grants';
import { toScannedUser } from '../src/collectors/scanned-user';
import { collectSubscribedSkus } from '../src/collectors/subscribed-skus';
import { collected } from '../src/collectors/tenant-snapshot';
import { DataShapeError } from '../src/controls/data-shape-error';

type Json = Record<string, unknown>;
const GA = '62e90394-69f5-4237-9190-012177145e10';
const OTHER_ROLE = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const noProgress = () => undefined;

/** A stand-in GraphClient: pages and entities by path prefix (query ignored), $batch answers from `batch`. */
function fakeGraph(
  pages: Record<string, Json[]>,
  batch?: (r: readonly GraphBatchRequest[]) => GraphBatchResponse[],
) {
  const find = (path: string) => {
    const key = Object.keys(pages).find((prefix) => path.split('?')[0] === prefix);
    if (key === undefined) throw new Error(`unexpected request ${path}`);
    return pages[key]!;
  };
  return {
    get: (path: string) => Promise.resolve(find(path)[0]),
    async *pages(path: string) {
      yield await Promise.resolve(find(path));
    },
    postBatch: (requests: readonly GraphBatchRequest[]) => Promise.resolve(batch?.(requests) ?? []),
  } as unknown as GraphClient;
}

const user = (extra: Json = {}): Json => ({
  id: 'u1',
  userPrincipalName: 'adele@contoso.test',
  accountEnabled: true,
  userType: 'Member',
  createdDateTime: '2020-01-01T00:00:00Z',
  onPremisesSyncEnabled: null,
  assignedLicenses: [{ skuId: 'sku-1', disabledPlans: [] }],
  signInActivity: {
    lastSignInDateTime: '2025-12-01T00:00:00Z',
    lastNonInteractiveSignInDateTime: null,
    lastSuccessfulSignInDateTime: '0001-01-01T00:00:00Z',
  },
  ...extra,
});

describe('users', () => {
  it('the documented shape, documented nulls included, gives no notes', () => {
    expect(toScannedUser(user(), true)).toEqual({
      id: 'u1',
      userPrincipalName: 'adele@contoso.test',
      displayName: null,
      accountEnabled: true,
      userType: 'Member',
      createdDateTime: '2020-01-01T00:00:00Z',
      onPremisesSyncEnabled: null,
      assignedLicenses: [{ skuId: 'sku-1', disabledPlans: [] }],
      signInActivity: {
        lastSignInDateTime: '2025-12-01T00:00:00Z',
        lastNonInteractiveSignInDateTime: null,
        lastSuccessfulSignInDateTime: '0001-01-01T00:00:00Z',
      },
    });
    const bare = toScannedUser(user({ createdDateTime: null, signInActivity: null }), true);
    expect(bare).toMatchObject({ createdDateTime: null, signInActivity: null });
    expect(bare.unexpected).toBeUndefined();
    expect(toScannedUser(user(), false).signInActivity).toBeUndefined();
  });

  it('judged fields of another shape are null and noted with the value as sent', () => {
    const scanned = toScannedUser(
      user({
        accountEnabled: undefined,
        userType: 7,
        onPremisesSyncEnabled: 'yes',
        createdDateTime: 'yesterday',
        assignedLicenses: [{ skuId: 'sku-1', disabledPlans: [] }, { skuId: 'sku-2' }],
        signInActivity: { lastSignInDateTime: 20251201 },
      }),
      true,
    );
    expect(scanned).toMatchObject({
      accountEnabled: null,
      userType: null,
      onPremisesSyncEnabled: null,
      createdDateTime: null,
      assignedLicenses: null,
      signInActivity: { lastSignInDateTime: null, lastNonInteractiveSignInDateTime: null },
    });
    expect(scanned.unexpected).toEqual({
      accountEnabled: 'missing',
      userType: '7',
      onPremisesSyncEnabled: '"yes"',
      createdDateTime: '"yesterday"',
      'assignedLicenses[1].disabledPlans': 'missing',
      'signInActivity.lastSignInDateTime': '20251201',
    });
    expect(toScannedUser(user({ assignedLicenses: null, signInActivity: 'never' }), true).unexpected).toEqual(
      {
        assignedLicenses: 'null',
        signInActivity: '"never"',
      },
    );
  });

  it('a userType this version does not know is kept as sent, for the control that reads it', () => {
    const directoryUser = toDirectoryUser(user({ userType: 'Partner' }));
    expect(directoryUser.userType).toBe('Partner');
    expect(directoryUser.unexpected).toBeUndefined();
  });

  it('a user without id or userPrincipalName cannot be reported: UnexpectedShape naming it', () => {
    expect(() => toDirectoryUser(user({ userPrincipalName: null }), '/groups/g1/members')).toThrow(
      new GraphError(
        200,
        'UnexpectedShape',
        '/groups/g1/members',
        'user u1: userPrincipalName is null, expected a non-empty string',
      ),
    );
    expect(() => toScannedUser(user({ id: '' }), false)).toThrow(
      /a user: id is "", expected a non-empty string/,
    );
  });
});

describe('Conditional Access policies', () => {
  const policy = (extra: Json = {}, conditions: Json = {}): Json => ({
    id: 'p1',
    displayName: 'Admins MFA',
    state: 'enabled',
    conditions: {
      users: {
        includeUsers: ['All'],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
      },
      applications: { includeApplications: ['All'], excludeApplications: [] },
      clientAppTypes: ['all'],
      locations: null,
      platforms: null,
      signInRiskLevels: [],
      userRiskLevels: [],
      servicePrincipalRiskLevels: [],
      ...conditions,
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
    ...extra,
  });

  it('the documented shape gives no notes; unknown enum values are kept as sent', () => {
    const parsed = toConditionalAccessPolicy(
      policy(
        {
          state: 'enabledWithGracePeriod',
          grantControls: { operator: 'AND', builtInControls: ['mfa', 'riskX'] },
        },
        { clientAppTypes: ['futureClient'] },
      ),
    );
    expect(parsed).toMatchObject({
      state: 'enabledWithGracePeriod',
      clientAppTypes: ['futureClient'],
      grant: { operator: 'AND', builtInControls: ['mfa', 'riskX'], authenticationStrength: false },
    });
    expect(parsed.unexpected).toBeUndefined();
    expect(toConditionalAccessPolicy(policy({ grantControls: null })).grant).toBeNull();
  });

  it('missing or mistyped members are noted (a missing parent once, not each child)', () => {
    const parsed = toConditionalAccessPolicy(
      policy(
        { state: null, grantControls: { operator: 'XOR', builtInControls: 'mfa' } },
        { users: null, clientAppTypes: undefined, locations: 'All', signInRiskLevels: [1] },
      ),
    );
    expect(parsed.state).toBeNull();
    expect(parsed.unexpected).toEqual({
      state: 'null',
      'conditions.users': 'null',
      'conditions.clientAppTypes': 'missing',
      'conditions.locations': '"All"',
      'conditions.signInRiskLevels': '[1]',
      'grantControls.operator': '"XOR"',
      'grantControls.builtInControls': '"mfa"',
    });
    expect(parsed.users.includeUsers).toEqual([]);
    expect(toConditionalAccessPolicy(policy({ conditions: undefined })).unexpected).toEqual({
      conditions: 'missing',
    });
  });

  it('a policy without id or displayName: UnexpectedShape', () => {
    expect(() => toConditionalAccessPolicy(policy({ displayName: 3 }))).toThrow(
      /Conditional Access policy p1: displayName is 3, expected a non-empty string/,
    );
  });
});

describe('Exchange rows', () => {
  const org = (extra: ExchangeObject = {}) => [{ Identity: 'contoso', AuditDisabled: false, ...extra }];
  const auditLog = [{ UnifiedAuditLogIngestionEnabled: 'True' }];
  const remote = [{ Identity: 'Default', DomainName: '*', AutoForwardEnabled: true }];
  const policies = [
    { Name: 'Default', IsDefault: true, AutoForwardingMode: 'Sometimes' },
    { Name: 'Custom', IsDefault: 'maybe', AutoForwardingMode: null },
  ];

  it('organization: judged flags of another shape are null and noted; unknown modes kept', () => {
    const parsed = organizationOf(org({ AuditDisabled: null }), auditLog, remote, policies);
    expect(parsed).toEqual({
      auditDisabled: null,
      unifiedAuditLogIngestionEnabled: true,
      remoteDomains: [{ domainName: '*', autoForwardEnabled: true }],
      outboundSpamPolicies: [
        { name: 'Default', isDefault: true, autoForwardingMode: 'Sometimes' },
        {
          name: 'Custom',
          isDefault: null,
          autoForwardingMode: null,
          unexpected: { IsDefault: '"maybe"', AutoForwardingMode: 'null' },
        },
      ],
      unexpected: { AuditDisabled: 'null' },
    });
  });

  it('organization: names are required, and each singleton cmdlet must answer one object', () => {
    expect(() => organizationOf(org(), auditLog, [{ Identity: 'x', AutoForwardEnabled: true }], [])).toThrow(
      new ExchangeError(
        200,
        'UnexpectedShape',
        'Get-RemoteDomain',
        'DomainName of x is missing, expected a non-empty string',
      ),
    );
    expect(() => organizationOf([], auditLog, remote, [])).toThrow(
      /Get-OrganizationConfig: expected one object, got 0/,
    );
  });

  it('accepted domains are required whole (the domain check is prepared before any mailbox)', () => {
    expect(acceptedDomainOf({ DomainName: 'contoso.test', MatchSubDomains: 'False' })).toEqual({
      domainName: 'contoso.test',
      matchSubDomains: false,
    });
    expect(() => acceptedDomainOf({ Identity: 'contoso.test', DomainName: 'contoso.test' })).toThrow(
      /Get-AcceptedDomain: MatchSubDomains of contoso.test is missing, expected true or false/,
    );
  });

  it('mailboxes: judged properties of another shape are noted; documented nulls are not', () => {
    const row = {
      ExternalDirectoryObjectId: null,
      UserPrincipalName: 'room@contoso.test',
      PrimarySmtpAddress: 'Room@contoso.test',
      RecipientTypeDetails: 'RoomMailboxV2',
      AuditEnabled: true,
      ForwardingSmtpAddress: null,
    };
    expect(mailboxOf(row)).toEqual({
      externalDirectoryObjectId: null,
      userPrincipalName: 'room@contoso.test',
      primarySmtpAddress: 'Room@contoso.test',
      displayName: null,
      recipientTypeDetails: 'RoomMailboxV2',
      auditEnabled: true,
      forwardingSmtpAddress: null,
    });
    const odd = mailboxOf({
      ...row,
      RecipientTypeDetails: undefined,
      AuditEnabled: 1,
      ForwardingSmtpAddress: 5,
    });
    expect(odd).toMatchObject({ recipientTypeDetails: '', auditEnabled: null, forwardingSmtpAddress: null });
    expect(odd.unexpected).toEqual({
      RecipientTypeDetails: 'missing',
      AuditEnabled: '1',
      ForwardingSmtpAddress: '5',
    });
    expect(() => mailboxOf({ ...row, PrimarySmtpAddress: '' })).toThrow(/PrimarySmtpAddress is "", expected/);
  });

  it('inbox rules: isEnabled of another shape and recipients without an address are noted', async () => {
    const graph = fakeGraph({}, (requests) =>
      requests.map((r) => ({
        id: r.id,
        status: 200,
        body: {
          value: [
            { id: 'r1', displayName: 'Fwd', isEnabled: null, actions: { forwardTo: [{ emailAddress: {} }] } },
            {
              id: 'r2',
              displayName: 'Move',
              isEnabled: true,
              actions: { moveToFolder: 'x', redirectTo: null },
            },
          ],
        },
      })),
    );
    const rules = await collectInboxRules(graph, ['u1']);
    expect(rules.get('u1')).toEqual([
      {
        id: 'r1',
        displayName: 'Fwd',
        isEnabled: null,
        forwardTo: [],
        redirectTo: [],
        forwardAsAttachmentTo: [],
        unexpected: { isEnabled: 'null', 'actions.forwardTo[0].emailAddress.address': 'missing' },
      },
      {
        id: 'r2',
        displayName: 'Move',
        isEnabled: true,
        forwardTo: [],
        redirectTo: [],
        forwardAsAttachmentTo: [],
      },
    ]);
  });
});

describe('role grants and PIM instances', () => {
  const definitions = [{ id: GA, templateId: GA, displayName: 'Global Administrator' }];
  const instance = (extra: Json = {}): Json => ({
    id: 'i1',
    roleDefinitionId: GA,
    assignmentType: 'Assigned',
    endDateTime: null,
    memberType: 'Direct',
    principal: { '@odata.type': '#microsoft.graph.user', ...user() },
    ...extra,
  });
  const permanent = (items: Json[]) =>
    collectPermanentAssignments(
      fakeGraph({
        '/roleManagement/directory/roleDefinitions': definitions,
        '/roleManagement/directory/roleAssignmentScheduleInstances': items,
      }),
      [GA],
      noProgress,
    );

  it('Assigned with no end is permanent; Activated and bounded ones are not; memberType is not read', async () => {
    const found = await permanent([
      instance({ memberType: 'SomethingNew' }),
      instance({ id: 'i2', assignmentType: 'Activated' }),
      instance({ id: 'i3', endDateTime: '2026-06-01T00:00:00Z' }),
    ]);
    expect(found.map((a) => [a.roleName, a.user.userPrincipalName])).toEqual([
      ['Global Administrator', 'adele@contoso.test'],
    ]);
  });

  it('an undocumented assignmentType or endDateTime of a wanted role is UnexpectedShape; other roles are not read', async () => {
    await expect(permanent([instance({ assignmentType: 'Scheduled' })])).rejects.toThrow(
      'role assignment schedule instance i1: assignmentType is "Scheduled", expected Assigned or Activated',
    );
    await expect(permanent([instance({ endDateTime: undefined })])).rejects.toThrow(
      /instance i1: endDateTime is missing, expected null \(permanent\) or a date/,
    );
    await expect(permanent([instance({ principal: { id: 'x' } })])).rejects.toThrow(
      /instance i1: principal\.@odata\.type is missing/,
    );
    await expect(
      permanent([instance({ roleDefinitionId: OTHER_ROLE, assignmentType: 'Scheduled' })]),
    ).resolves.toEqual([]);
  });

  it('assignments: the principal and its type are required; an unknown type is not a user', async () => {
    const active = (items: Json[]) =>
      collectActiveGrants(
        fakeGraph({ '/roleManagement/directory/roleAssignments': items }),
        [GA],
        noProgress,
      );
    const grants = await active([
      { id: 'a1', roleDefinitionId: GA, principal: { '@odata.type': '#microsoft.graph.device', id: 'd1' } },
    ]);
    expect(grants.map((g) => g.principal.type)).toEqual(['other']);
    await expect(active([{ id: 'a2', roleDefinitionId: GA, principalId: 'u1' }])).rejects.toThrow(
      'role assignment a2: principal is missing, expected the expanded principal',
    );
    await expect(active([{ id: 'a3', roleDefinitionId: GA, principal: { id: 'u1' } }])).rejects.toThrow(
      /role assignment a3: principal\.@odata\.type is missing/,
    );
    const eligible = await collectEligibleGrants(
      fakeGraph({
        '/roleManagement/directory/roleEligibilitySchedules': [{ id: 'e1', roleDefinitionId: OTHER_ROLE }],
      }),
      [GA],
      noProgress,
    );
    expect(eligible).toEqual([]);
  });
});

describe('privileged users', () => {
  it('a grant to a user /users does not return: its state is unknown and noted, never assumed', () => {
    const grant = {
      roleId: GA,
      kind: 'active' as const,
      principal: {
        type: 'user' as const,
        id: 'gone',
        displayName: 'Gone',
        userPrincipalName: 'gone@contoso.test',
      },
    };
    const [user] = resolvePrivilegedUsers(
      [grant],
      new Map(),
      new Map(),
      new Map([[GA, 'Global Administrator']]),
    );
    expect(user).toMatchObject({
      id: 'gone',
      userPrincipalName: 'gone@contoso.test',
      accountEnabled: null,
      unexpected: { accountEnabled: expect.stringContaining('/users does not return it') },
    });
  });
});

describe('subscribed SKUs', () => {
  it('a SKU whose servicePlans are not an array is UnexpectedShape (it could hide a mailbox plan)', async () => {
    const skus = (items: Json[]) => collectSubscribedSkus(fakeGraph({ '/subscribedSkus': items }));
    await expect(skus([{ skuId: 's1', skuPartNumber: 'E3', servicePlans: null }])).rejects.toThrow(
      'subscribed SKU E3: servicePlans is null, expected an array of service plans',
    );
    await expect(
      skus([{ skuId: 's1', skuPartNumber: 'E3', servicePlans: [{ servicePlanId: 'p' }] }]),
    ).rejects.toThrow(/servicePlans\[0\]\.servicePlanName is missing/);
  });
});

describe('collected parts', () => {
  const shape = new DataShapeError('user a (1)', 'userType', '"Partner"', 'Member or Guest');

  it("Graph: UnexpectedShape and a DataShapeError escaping a stream become the part's error; others propagate", async () => {
    await expect(
      collected(() => Promise.reject(new GraphError(200, 'UnexpectedShape', '/users', 'user 1: id is null'))),
    ).resolves.toEqual({
      ok: false,
      reason:
        'Graph returned data that does not match its documented shape: Graph 200 UnexpectedShape on /users: user 1: id is null',
    });
    await expect(collected(() => Promise.reject(shape))).resolves.toEqual({
      ok: false,
      reason: shape.reason,
    });
    await expect(collected(() => Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
  });

  it('Exchange: the same for the mailbox stream, which reads inbox rules from Graph too', async () => {
    await expect(
      exchangeCollected(() =>
        Promise.reject(new GraphError(200, 'UnexpectedShape', '/users/1/x', 'no value')),
      ),
    ).resolves.toMatchObject({ ok: false, reason: expect.stringContaining('no value') });
    await expect(exchangeCollected(() => Promise.reject(shape))).resolves.toEqual({
      ok: false,
      reason: shape.reason,
    });
    await expect(
      exchangeCollected(() => Promise.reject(new GraphError(503, 'serviceNotAvailable', '/users', 'down'))),
    ).rejects.toThrow(GraphError);
  });
});
