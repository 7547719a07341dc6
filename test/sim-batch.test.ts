// sim/batch: POST /v1.0/$batch as Graph serves it: limits, duplicate ids, relative urls, items dispatched like
// direct requests (the outer token, throttling per item with the item's own Retry-After, Outlook's 4 concurrent
// items per mailbox), outer 200 whatever the items' statuses.
import { readFileSync } from 'node:fs';
import { startSim, type SimHandle } from '../sim';
import { rawRequest, tenantToken, type RawResponse } from './helpers/sim-raw-http';

interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

const REPORT = '/reports/authenticationMethods/userRegistrationDetails';

let sim: SimHandle;
let ca: string;
let token: string;
const now = 9_000_000;

function batch(requests: unknown, bearer: string | null = token): Promise<RawResponse> {
  return rawRequest(`${sim.ready.graphUrl}/v1.0/$batch`, {
    method: 'POST',
    ca,
    headers: {
      'content-type': 'application/json',
      ...(bearer !== null && { authorization: `Bearer ${bearer}` }),
    },
    body: JSON.stringify({ requests }),
  });
}

function items(res: RawResponse): BatchItemResponse[] {
  return res.json<{ responses: BatchItemResponse[] }>().responses;
}

beforeAll(async () => {
  sim = await startSim({
    tenants: [{ name: 'litware', seed: 6, users: 60, credential: 'secret' }],
    clock: () => now,
  });
  ca = readFileSync(sim.ready.caFile, 'utf8');
  token = await tenantToken(sim, ca, 'litware');
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => {
  sim.setThrottling(false);
  sim.resetStats();
});

describe('limits and shape', () => {
  test('more than 20 requests, duplicate ids, absolute urls and a missing body are refused with 400', async () => {
    const get = (id: string, url = '/users?$top=1') => ({ id, method: 'GET', url });
    const tooMany = await batch(Array.from({ length: 21 }, (_, i) => get(String(i + 1))));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: { code: 'BadRequest' } });
    expect(tooMany.json<{ error: { message: string } }>().error.message).toMatch(/at most 20/);

    const duplicate = await batch([get('1'), get('2'), get('1')]);
    expect(duplicate.status).toBe(400);
    expect(duplicate.json<{ error: { message: string } }>().error.message).toMatch(
      /'1' is used more than once/,
    );

    const absolute = await batch([get('1', 'https://graph.microsoft.com/v1.0/users')]);
    expect(absolute.status).toBe(400);
    expect((await batch(undefined)).status).toBe(400);
    expect((await batch([get('1')], null)).status).toBe(401);
    expect(sim.stats().graphRequests['/v1.0/users']).toBeUndefined();
  });

  test('20 requests are fine; items answer in order with their own status, headers and body', async () => {
    const twenty = await batch(
      Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/users?$top=1' })),
    );
    expect(twenty.status).toBe(200);
    expect(items(twenty).map((item) => item.status)).toEqual(Array(20).fill(200));

    const mixed = await batch([
      { id: 'a', method: 'GET', url: '/users?$top=2&$select=id' },
      { id: 'b', method: 'GET', url: `${REPORT}?$top=1` },
      { id: 'c', method: 'GET', url: 'users/no-such-user' },
      { id: 'd', method: 'GET', url: '/noSuchThing' },
    ]);
    expect(mixed.status).toBe(200);
    const [a, b, c, d] = items(mixed);
    expect(a).toMatchObject({ id: 'a', status: 200 });
    expect((a?.body?.['value'] as unknown[]).length).toBe(2);
    expect(a?.headers['Content-Type']).toMatch(/application\/json/);
    expect(b).toMatchObject({ id: 'b', status: 200 });
    expect(c).toMatchObject({ id: 'c', status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
    expect(d).toMatchObject({ id: 'd', status: 400 });
    // Items count as Graph requests of their own route.
    const stats = sim.stats();
    expect(stats.graphRequests['/v1.0/$batch']).toBe(2);
    expect(stats.graphTraffic.families.batch.requests).toBe(2);
    expect(stats.graphTraffic.families.reports.requests).toBe(1);
    expect(stats.graphTraffic.routes['GET /v1.0/users']?.requests).toBe(21);
  });

  test('the outer token is checked first and items run with it: a revoked token gets one 401', async () => {
    const own = await tenantToken(sim, ca, 'litware');
    const ok = await batch([{ id: '1', method: 'GET', url: '/users?$top=1' }], own);
    // Items without a token would be 401 each: they carry the outer Authorization header.
    expect(items(ok)[0]?.status).toBe(200);
    await sim.revokeTokens();
    const revoked = await batch([{ id: '1', method: 'GET', url: '/users?$top=1' }], own);
    expect(revoked.status).toBe(401);
    expect(revoked.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    token = await tenantToken(sim, ca, 'litware');
  });
});

describe('throttling per item', () => {
  test('reports: items beyond the budget get 429 with their own Retry-After; the batch is still 200', async () => {
    sim.setThrottling(true);
    const res = await batch(
      Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: REPORT })),
    );
    expect(res.status).toBe(200);
    const answered = items(res);
    expect(answered.map((item) => item.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    for (const item of answered.filter((one) => one.status === 429)) {
      expect(item.headers['Retry-After']).toBe('2');
      expect(item.headers['x-ms-throttle-scope']).toMatch(/^Tenant_Application\/ReadWrite\//);
      expect(item.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    }
    expect(sim.stats().graphTraffic.families.reports).toEqual({ requests: 7, throttled: 2 });
  });

  test('outlook: at most 4 concurrent items per mailbox; the others of that mailbox get 429', async () => {
    sim.setThrottling(true);
    const users = await rawRequest(`${sim.ready.graphUrl}/v1.0/users?$top=2&$select=id`, {
      ca,
      headers: { authorization: `Bearer ${token}` },
    });
    const [first, second] = users.json<{ value: { id: string }[] }>().value;
    const rules = (id: string) => `/users/${id}/mailFolders/inbox/messageRules`;
    const res = await batch([
      ...Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, method: 'GET', url: rules(first!.id) })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `b${i}`, method: 'GET', url: rules(second!.id) })),
    ]);
    expect(res.status).toBe(200);
    const throttled = items(res).filter((item) => item.status === 429);
    expect(throttled.map((item) => item.id)).toEqual(['a4', 'a5']);
    expect(throttled[0]?.headers['Retry-After']).toBe('1');
    expect(throttled[0]?.body).toMatchObject({
      error: { code: 'TooManyRequests', message: 'Application is over its MailboxConcurrency limit.' },
    });
    // The slots are free again once the batch has answered.
    const again = await batch([{ id: 'x', method: 'GET', url: rules(first!.id) }]);
    expect(items(again)[0]?.status).not.toBe(429);
  });
});
