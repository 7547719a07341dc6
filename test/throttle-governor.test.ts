// The throttle governor with a fake clock: a 429's Retry-After holds back the whole family, pacing to the
// documented budgets once the service shows it enforces them, the service's figures beat our estimates, Outlook's
// per-mailbox concurrency. No wall-clock time is measured: waits are read from the fake sleep.
import type { GraphBatchRequest } from '../src/cloud/graph-client';
import { GraphClient } from '../src/cloud/graph-client';
import {
  classifyGraphCall,
  DOCUMENTED_GRAPH_BUDGETS,
  graphFamilyBudgets,
} from '../src/cloud/graph-throttle-families';
import type { HttpClient, HttpRequest } from '../src/cloud/http-client';
import { ThrottleGovernor, type ThrottledCall } from '../src/cloud/throttle-governor';
import { throttleGovernorFor } from '../src/cloud/throttle-registry';

/** A clock that only moves when the governor sleeps (or the test says so). */
function fakeTime() {
  const time = {
    now: 1_000_000,
    waits: [] as number[],
    clock: () => time.now,
    sleep: (ms: number) => {
      time.waits.push(ms);
      time.now += ms;
      return Promise.resolve();
    },
  };
  return time;
}

function graphGovernor(time: ReturnType<typeof fakeTime>): ThrottleGovernor {
  return new ThrottleGovernor({
    budgets: graphFamilyBudgets(DOCUMENTED_GRAPH_BUDGETS),
    concurrentPerMailbox: DOCUMENTED_GRAPH_BUDGETS.outlookConcurrentPerMailbox,
    clock: time.clock,
    sleep: time.sleep,
  });
}

const REPORT: ThrottledCall = { family: 'reports', cost: 1 };
const IDENTITY: ThrottledCall = { family: 'identity', cost: 1 };
const CA: ThrottledCall = { family: 'conditionalAccess', cost: 1 };
const OK = { status: 200, headers: {} };
const tooMany = (retryAfter?: string) => ({
  status: 429,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
});

/** One request through the governor: wait, "send" (the answer), release. Returns the fake time waited. */
async function send(
  governor: ThrottleGovernor,
  time: ReturnType<typeof fakeTime>,
  call: ThrottledCall,
  answer = OK,
): Promise<number> {
  const before = time.now;
  const release = await governor.acquire([call]);
  release();
  governor.observe([call], answer);
  return time.now - before;
}

describe('throttle governor', () => {
  it("a 429's Retry-After holds back every request of its family, not the other families", async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    expect(await send(governor, time, REPORT, tooMany('2.5'))).toBe(0);
    expect(await send(governor, time, IDENTITY)).toBe(0);
    // Another report request (not the one that was refused) waits until the Retry-After has passed.
    expect(await send(governor, time, { family: 'reports', cost: 1 })).toBe(2_500);
  });

  it('goes at full speed until the service throttles, then paces to 5 report requests per 10 s', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    for (let i = 0; i < 8; i++) expect(await send(governor, time, REPORT)).toBe(0);
    expect(governor.isPacing('reports')).toBe(false);
    // The service refuses the 9th: room for it in 0.4 s. From then on, one request every 2 s.
    await send(governor, time, REPORT, tooMany('0.4'));
    expect(governor.isPacing('reports')).toBe(true);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) waits.push(await send(governor, time, REPORT));
    expect(waits).toEqual([400, 2_000, 2_000, 2_000]);
  });

  it('paced, a family bursts up to its capacity after a quiet spell and never beyond', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    await send(governor, time, REPORT, tooMany('2'));
    time.now += 60_000; // the bucket is full again
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) waits.push(await send(governor, time, REPORT));
    expect(waits).toEqual([0, 0, 0, 0, 0, 2_000, 2_000]);
  });

  it('a 429 without Retry-After (Conditional Access) pauses nothing but empties the bucket: 1 request / s', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    await send(governor, time, CA, tooMany());
    expect(await send(governor, time, IDENTITY)).toBe(0);
    expect(await send(governor, time, CA)).toBe(1_000);
    expect(await send(governor, time, CA)).toBe(1_000);
  });

  it('x-ms-throttle-limit-percentage starts identity pacing before any 429, from the figure the service gave', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    // 84 % of 3,500 RU used: 560 RU left, refilling at 350 RU per s.
    await send(governor, time, IDENTITY, {
      status: 200,
      headers: { 'x-ms-throttle-limit-percentage': '0.84' },
    });
    expect(governor.isPacing('identity')).toBe(true);
    expect(await send(governor, time, { family: 'identity', cost: 560 })).toBe(0);
    expect(await send(governor, time, { family: 'identity', cost: 35 })).toBe(100);
  });

  it('x-ms-resource-unit replaces the estimated cost', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    await send(governor, time, IDENTITY, tooMany('0'));
    // Estimated at 1 RU, priced at 351 by the service: the bucket is 350 RU short, 1 s of refill.
    await send(governor, time, IDENTITY, { status: 200, headers: { 'x-ms-resource-unit': '351' } });
    expect(await send(governor, time, IDENTITY)).toBe(1_003);
  });

  it('a $batch waits for all its items and may cost more than a whole budget when the bucket is full', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    await send(governor, time, REPORT, tooMany('0'));
    time.now += 10_000;
    const release = await governor.acquire(Array.from({ length: 8 }, () => REPORT));
    release();
    expect(time.waits).toEqual([]);
    // 3 requests in debt: 4 refills (8 s) before the next one.
    expect(await send(governor, time, REPORT)).toBe(8_000);
  });

  it('keeps at most 4 requests in flight per mailbox; other mailboxes go on', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    const mailbox = (id: string): ThrottledCall => ({ family: 'outlook', cost: 1, mailbox: id });
    const held = await Promise.all([1, 2, 3, 4].map(() => governor.acquire([mailbox('a')])));
    let fifthIn = false;
    const fifth = governor.acquire([mailbox('a')]).then((release) => {
      fifthIn = true;
      return release;
    });
    await governor.acquire([mailbox('b')]);
    await Promise.resolve();
    expect(fifthIn).toBe(false);
    held[0]!();
    held[0]!(); // a second release changes nothing
    (await fifth)();
    expect(fifthIn).toBe(true);
  });

  it('an Outlook 429 holds back that mailbox only', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    await send(governor, time, { family: 'outlook', cost: 1, mailbox: 'a' }, tooMany('1'));
    expect(await send(governor, time, { family: 'outlook', cost: 1, mailbox: 'b' })).toBe(0);
    expect(await send(governor, time, { family: 'outlook', cost: 1, mailbox: 'a' })).toBe(1_000);
  });

  it('a wait ends with the abort reason when the signal aborts', async () => {
    const governor = new ThrottleGovernor({ budgets: {}, concurrentPerMailbox: 1 });
    const call: ThrottledCall = { family: 'outlook', cost: 1, mailbox: 'a' };
    await governor.acquire([call]);
    const controller = new AbortController();
    const waiting = governor.acquire([call], controller.signal);
    controller.abort(new Error('worker shutdown'));
    await expect(waiting).rejects.toThrow('worker shutdown');

    // Also while waiting out a Retry-After on the real timer.
    const paused = new ThrottleGovernor({ budgets: {} });
    paused.observe([REPORT], tooMany('600'));
    const shutdown = new AbortController();
    const pausedWait = paused.acquire([REPORT], shutdown.signal);
    shutdown.abort(new Error('worker shutdown'));
    await expect(pausedWait).rejects.toThrow('worker shutdown');
  });

  it('one governor per tenant and service for the whole process', () => {
    const graph = throttleGovernorFor('TENANT-1', 'graph');
    expect(throttleGovernorFor('tenant-1', 'graph')).toBe(graph);
    expect(throttleGovernorFor('tenant-1', 'exchange')).not.toBe(graph);
    expect(throttleGovernorFor('tenant-2', 'graph')).not.toBe(graph);
  });
});

describe('Graph budget families', () => {
  it('classifies by path and estimates identity resource units ($select −1, $expand +1)', () => {
    expect(classifyGraphCall('GET', 'https://graph.test/v1.0/users?$top=999')).toEqual({
      family: 'identity',
      cost: 2,
    });
    expect(classifyGraphCall('GET', '/users?$select=id&$top=999')).toEqual({ family: 'identity', cost: 1 });
    expect(classifyGraphCall('GET', '/users?$expand=manager&$top=999')).toEqual({
      family: 'identity',
      cost: 3,
    });
    expect(classifyGraphCall('GET', '/groups/g1/transitiveMembers?$select=id')).toEqual({
      family: 'identity',
      cost: 4,
    });
    expect(classifyGraphCall('GET', '/policies/identitySecurityDefaultsEnforcementPolicy')).toEqual({
      family: 'identity',
      cost: 1,
    });
    expect(classifyGraphCall('GET', '/reports/authenticationMethods/userRegistrationDetails')).toEqual({
      family: 'reports',
      cost: 1,
    });
    expect(classifyGraphCall('GET', '/identity/conditionalAccess/policies')).toEqual({
      family: 'conditionalAccess',
      cost: 1,
    });
    expect(classifyGraphCall('GET', '/users/U%40x.test/mailFolders/inbox/messageRules')).toEqual({
      family: 'outlook',
      cost: 1,
      mailbox: 'u@x.test',
    });
    expect(classifyGraphCall('POST', 'https://graph.test/v1.0/$batch')).toEqual({ family: 'batch', cost: 0 });
  });
});

describe('Graph client with a governor (scripted transport, fake clock)', () => {
  const ORIGIN = 'https://graph.test';
  const credential = {
    getToken: () => Promise.resolve({ token: 'token', expiresOnTimestamp: Date.now() + 3_600_000 }),
  };

  function scripted(answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
    const sent: string[] = [];
    const http = {
      request: (req: HttpRequest) => {
        sent.push(req.url);
        const answer = answers.shift();
        if (!answer) throw new Error(`unexpected request ${req.url}`);
        return Promise.resolve({
          status: answer.status,
          headers: answer.headers ?? {},
          body: Buffer.from(JSON.stringify(answer.body)),
        });
      },
    } as unknown as HttpClient;
    return { http, sent };
  }

  it('a 429 on one report request makes the next, different one wait its Retry-After', async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    const { http, sent } = scripted([
      { status: 429, body: {}, headers: { 'retry-after': '3' } },
      { status: 200, body: { value: [] } },
      { status: 200, body: { value: [] } },
    ]);
    const clientWaits: number[] = [];
    const recordWait = (ms: number) => {
      clientWaits.push(ms);
      return Promise.resolve();
    };
    // Two clients of one tenant (e.g. two collectors) share the governor; the first retries without waiting
    // itself (its sleep records only) and the second must still wait out the Retry-After.
    const first = new GraphClient({
      baseUrl: ORIGIN,
      resource: ORIGIN,
      credential,
      http,
      throttle: governor,
      sleepMs: recordWait,
    });
    const second = new GraphClient({
      baseUrl: ORIGIN,
      resource: ORIGIN,
      credential,
      http,
      throttle: governor,
    });
    await first.get('/reports/a');
    expect(clientWaits).toEqual([3_000]);
    expect(time.waits).toEqual([3_000]);
    await second.get('/reports/b');
    expect(sent).toEqual([
      `${ORIGIN}/v1.0/reports/a`,
      `${ORIGIN}/v1.0/reports/a`,
      `${ORIGIN}/v1.0/reports/b`,
    ]);
    // Paced now: the second waited for the budget (the retry took the token that was free at the Retry-After).
    expect(time.waits).toEqual([3_000, 2_000]);
  });

  it("a throttled $batch item holds back its family; the items' own Retry-After spelling is read", async () => {
    const time = fakeTime();
    const governor = graphGovernor(time);
    const { http } = scripted([
      {
        status: 200,
        body: {
          responses: [
            { id: '1', status: 200, body: { value: [] } },
            { id: '2', status: 429, headers: { 'Retry-After': '1.5' }, body: {} },
          ],
        },
      },
      { status: 200, body: { value: [] } },
    ]);
    const graph = new GraphClient({
      baseUrl: ORIGIN,
      resource: ORIGIN,
      credential,
      http,
      throttle: governor,
    });
    const requests: GraphBatchRequest[] = [
      { id: '1', method: 'GET', url: '/users/a/mailFolders/inbox/messageRules' },
      { id: '2', method: 'GET', url: '/reports/x' },
    ];
    await graph.postBatch(requests);
    await graph.get('/reports/y');
    expect(time.waits).toEqual([1_500]);
  });
});
