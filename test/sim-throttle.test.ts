// sim/throttle: Graph's documented budgets as token buckets. Acceptance 5 of issue 3: with throttling on, a naive
// client that ignores Retry-After receives 429s at the documented budgets. The buckets run on a fake clock that
// the tests step, so every figure is exact and no assertion depends on wall-clock time.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { startSim, type SimHandle } from '../sim';
import {
  formatRetryAfter,
  GraphThrottle,
  identityBudget,
  type ThrottleSubject,
} from '../sim/throttle/graph-throttle';
import { classifyGraphRequest } from '../sim/throttle/graph-routes';
import { identityRequestCost } from '../sim/throttle/identity-cost';
import { TokenBucket } from '../sim/throttle/token-bucket';
import { rawRequest, tenantToken, type RawResponse } from './helpers/sim-raw-http';

const REPORT = '/v1.0/reports/authenticationMethods/userRegistrationDetails';

function route(method: string, pathAndQuery: string) {
  return classifyGraphRequest(method, new URL(`https://graph.test${pathAndQuery}`));
}

describe('cost table, families and buckets (no server)', () => {
  test('identity costs follow the published table: base, $select −1, $expand +1, $top < 20 −1, at least 1', () => {
    const cost = (pathAndQuery: string, method = 'GET') => identityRequestCost(route(method, pathAndQuery));
    expect(cost('/v1.0/users')).toBe(2);
    expect(cost('/v1.0/users?$select=id')).toBe(1);
    expect(cost('/v1.0/users?$top=20')).toBe(2);
    expect(cost('/v1.0/users?$top=19')).toBe(1);
    expect(cost('/v1.0/users?$select=id&$top=5')).toBe(1);
    expect(cost('/v1.0/users/4f1e6a8e-0000-4000-8000-000000000001')).toBe(1);
    expect(cost('/v1.0/groups/4f1e6a8e-0000-4000-8000-000000000001/members')).toBe(3);
    expect(cost('/v1.0/groups/g1/transitiveMembers?$expand=manager')).toBe(6);
    expect(cost('/v1.0/subscribedSkus')).toBe(3);
    expect(cost('/v1.0/roleManagement/directory/roleAssignments?$expand=principal')).toBe(2);
    expect(cost('/v1.0/users/someone@contoso.com/memberOf')).toBe(2);
    expect(cost('/v1.0/me/memberOf')).toBe(2);
  });

  test('families: reports, conditional access, outlook (per mailbox), identity, batch', () => {
    expect(route('GET', REPORT).family).toBe('reports');
    expect(route('GET', '/v1.0/identity/conditionalAccess/policies').family).toBe('conditionalAccess');
    const rules = route('GET', '/v1.0/users/Adele@Contoso.com/mailFolders/inbox/messageRules');
    expect(rules).toMatchObject({ family: 'outlook', mailbox: 'adele@contoso.com' });
    expect(rules.template).toBe('GET /v1.0/users/{id}/mailFolders/inbox/messageRules');
    expect(route('POST', '/v1.0/users/u1/sendMail').family).toBe('outlook');
    expect(route('GET', '/v1.0/users/u1').family).toBe('identity');
    expect(route('GET', '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy').family).toBe('identity');
    expect(route('POST', '/v1.0/$batch').family).toBe('batch');
  });

  test('identity budget by tenant size: 3,500 / 5,000 / 8,000 RU per 10 s', () => {
    expect([identityBudget(49), identityBudget(50), identityBudget(500), identityBudget(501)]).toEqual([
      3_500, 5_000, 5_000, 8_000,
    ]);
  });

  test('a bucket refills continuously and says how long until it has enough', () => {
    const bucket = new TokenBucket(5, 10_000, 0);
    for (let i = 0; i < 5; i++) bucket.take(1, 0);
    expect(bucket.waitMs(1, 0)).toBe(2_000);
    expect(bucket.waitMs(1, 750)).toBe(1_250);
    expect(bucket.waitMs(1, 2_000)).toBe(0);
    expect(bucket.available(60_000)).toBe(5);
    expect(formatRetryAfter(2_000)).toBe('2');
    expect(formatRetryAfter(1_250)).toBe('1.25');
    expect(formatRetryAfter(0.2)).toBe('0.001');
  });

  test('global 130,000 requests / 10 s per app, across tenants; large tenants spend 8,000 RU', () => {
    let now = 0;
    const throttle = new GraphThrottle(() => now);
    throttle.setEnabled(true);
    const users = route('GET', '/v1.0/users?$select=id');
    const large: ThrottleSubject = { appId: 'app', tenantId: 'large', tenantUsers: 501 };
    let spent = 0;
    while (throttle.admit(users, large).admitted) spent += 1;
    expect(spent).toBe(8_000);

    // Other tenants' identity buckets are full; the app's global bucket is not.
    let admitted = 8_000;
    for (let i = 0; admitted < 130_000; i++) {
      const subject = { appId: 'app', tenantId: `t${Math.floor(i / 5_000)}`, tenantUsers: 100 };
      if (!throttle.admit(users, subject).admitted) throw new Error(`refused at ${admitted}`);
      admitted += 1;
    }
    const fresh = { appId: 'app', tenantId: 'fresh', tenantUsers: 100 };
    expect(throttle.admit(users, fresh)).toMatchObject({
      admitted: false,
      scope: 'Application/ReadWrite/app/fresh',
      retryAfterMs: 10_000 / 130_000,
    });
    expect(throttle.admit(users, { ...fresh, appId: 'other-app' }).admitted).toBe(true);
    now += 1;
    expect(throttle.admit(users, fresh).admitted).toBe(true);
  });

  test('outlook: 10,000 requests / 10 min and 4 concurrent per app+mailbox', () => {
    let now = 0;
    const throttle = new GraphThrottle(() => now);
    throttle.setEnabled(true);
    const subject = { appId: 'app', tenantId: 't', tenantUsers: 100 };
    const adele = route('GET', '/v1.0/users/adele/mailFolders/inbox/messageRules');
    const held = [1, 2, 3, 4].map(() => throttle.admit(adele, subject));
    expect(held.every((admission) => admission.admitted)).toBe(true);
    expect(throttle.admit(adele, subject)).toMatchObject({
      admitted: false,
      information: 'MailboxConcurrencyLimitExceeded',
      retryAfterMs: 1_000,
    });
    expect(throttle.admit(route('GET', '/v1.0/users/bob/messages'), subject).admitted).toBe(true);
    for (const admission of held) if (admission.admitted) admission.release();

    let served = 4;
    for (;;) {
      const admission = throttle.admit(adele, subject);
      if (!admission.admitted) {
        expect(admission.retryAfterMs).toBe(60);
        break;
      }
      admission.release();
      served += 1;
    }
    expect(served).toBe(10_000);
    now += 60;
    expect(throttle.admit(adele, subject).admitted).toBe(true);
  });
});

describe('over HTTPS with throttling on (fake clock)', () => {
  let sim: SimHandle;
  let ca: string;
  let agent: https.Agent;
  let now = 1_000_000;
  let token: string;

  const get = (pathAndQuery: string): Promise<RawResponse> =>
    rawRequest(`${sim.ready.graphUrl}${pathAndQuery}`, {
      ca,
      agent,
      headers: { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    sim = await startSim({
      tenants: [{ name: 'tailspin', seed: 3, users: 50, credential: 'secret' }],
      throttling: true,
      clock: () => now,
    });
    ca = readFileSync(sim.ready.caFile, 'utf8');
    agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
    token = await tenantToken(sim, ca, 'tailspin');
  });

  afterAll(async () => {
    agent?.destroy();
    await sim?.stop();
  });

  beforeEach(() => {
    // Fresh, full buckets and zero counters for every test.
    sim.setThrottling(true);
    sim.resetStats();
  });

  test('reports: exactly 5 requests per 10 s, then 429 with a Retry-After that shrinks as time passes', async () => {
    const statuses: number[] = [];
    let throttled: RawResponse | undefined;
    while (!throttled) {
      const res = await get(REPORT);
      statuses.push(res.status);
      if (res.status === 429) throttled = res;
      if (statuses.length > 50) throw new Error('never throttled');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(throttled.headers['retry-after']).toBe('2');
    const info = sim.ready.tenants[0]!;
    expect(throttled.headers['x-ms-throttle-scope']).toBe(
      `Tenant_Application/ReadWrite/${info.clientId}/${info.tenantId}`,
    );
    const body = throttled.json<{ error: { code: string; message: string; innerError: object } }>();
    expect(body.error.code).toBe('TooManyRequests');
    expect(Object.keys(body.error.innerError)).toEqual(['date', 'request-id', 'client-request-id']);

    // A naive client retrying at once keeps getting 429; Retry-After counts down and may be fractional.
    now += 750;
    const sooner = await get(REPORT);
    expect(sooner.status).toBe(429);
    expect(sooner.headers['retry-after']).toBe('1.25');
    now += 1_250;
    expect((await get(REPORT)).status).toBe(200);
    expect((await get(REPORT)).status).toBe(429);

    expect(sim.stats().graphTraffic.families.reports).toEqual({ requests: 9, throttled: 3 });
    expect(sim.stats().graphTraffic.routes[`GET ${REPORT}`]).toEqual({ requests: 9, throttled: 3 });
  });

  test('identity: a naive loop spends exactly the 5,000 RU of a 50-user tenant before its first 429', async () => {
    const units: number[] = [];
    const percentages: { index: number; value: string }[] = [];
    let throttled: RawResponse | undefined;
    while (!throttled) {
      const res = await get('/v1.0/subscribedSkus');
      if (res.status === 429) {
        throttled = res;
        break;
      }
      units.push(Number(res.headers['x-ms-resource-unit']));
      const percentage = res.headers['x-ms-throttle-limit-percentage'];
      if (typeof percentage === 'string') percentages.push({ index: units.length, value: percentage });
      if (units.length > 5_000) throw new Error('never throttled');
    }
    // GET subscribedSkus costs 3 RU: 1,666 requests spend 4,998 RU; the next one does not fit.
    expect(new Set(units)).toEqual(new Set([3]));
    expect(units).toHaveLength(1_666);
    // The percentage header appears once more than 0.8 of the budget is used (request 1,334 uses 4,002 RU).
    expect(percentages[0]).toEqual({ index: 1_334, value: '0.8' });
    expect(percentages.at(-1)).toEqual({ index: 1_666, value: '1' });
    // 1 RU missing at 500 RU/s: 2 ms, a fractional Retry-After.
    const retryAfter = throttled.headers['retry-after'];
    expect(retryAfter).toBe('0.002');
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(throttled.headers['x-ms-throttle-information']).toBe('ResourceUnitLimitExceeded');
    expect(throttled.headers['x-ms-throttle-scope']).toMatch(/^Tenant_Application\/ReadWrite\//);

    // $select makes it 2 RU: that fits exactly, and then not even a 1 RU request does.
    const cheaper = await get('/v1.0/subscribedSkus?$select=skuId');
    expect(cheaper.status).not.toBe(429);
    expect(cheaper.headers['x-ms-resource-unit']).toBe('2');
    const cheapest = await get('/v1.0/users?$select=id');
    expect(cheapest.status).toBe(429);
    expect(cheapest.headers['retry-after']).toBe('0.002');
    now += 2;
    expect((await get('/v1.0/users?$select=id')).status).toBe(200);
    expect(sim.stats().graphTraffic.families.identity).toEqual({ requests: 1_670, throttled: 2 });
  }, 30_000);

  test('conditional access: 1 request per second per tenant, and its 429 has no Retry-After', async () => {
    const first = await get('/v1.0/identity/conditionalAccess/policies');
    expect(first.status).not.toBe(429);
    const second = await get('/v1.0/identity/conditionalAccess/policies');
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBeUndefined();
    expect(second.headers['x-ms-throttle-scope']).toMatch(/^Tenant\/ReadWrite\//);
    expect(second.json()).toMatchObject({ error: { code: 'TooManyRequests' } });
    now += 1_000;
    expect((await get('/v1.0/identity/conditionalAccess/policies')).status).not.toBe(429);
  });

  test('with throttling off the same naive loop is never throttled and gets no throttling headers', async () => {
    sim.setThrottling(false);
    for (let i = 0; i < 12; i++) {
      const res = await get(REPORT);
      expect(res.status).toBe(200);
      expect(res.headers['retry-after']).toBeUndefined();
    }
    const users = await get('/v1.0/users?$top=20');
    expect(users.headers['x-ms-resource-unit']).toBeUndefined();
    expect(sim.stats().graphTraffic.families.reports).toEqual({ requests: 12, throttled: 0 });
  });
});

test('throttling is off unless asked for', async () => {
  const sim = await startSim({ tenants: [{ name: 'plain', seed: 4, users: 50, credential: 'secret' }] });
  try {
    expect(sim.throttlingEnabled()).toBe(false);
    const ca = readFileSync(sim.ready.caFile, 'utf8');
    const token = await tenantToken(sim, ca, 'plain');
    for (let i = 0; i < 7; i++) {
      const res = await rawRequest(`${sim.ready.graphUrl}${REPORT}`, {
        ca,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    }
  } finally {
    await sim.stop();
  }
});
