// The Exchange admin API client and the Exchange collectors against sim/ over HTTPS with the tenant's real
// credential: complete paging by re-POSTing to @odata.nextLink, Exchange's error texts, inbox rules by $batch.
import { ExchangeClient } from '../src/cloud/exchange-client';
import { ExchangeError, exchangeErrorMessage } from '../src/cloud/exchange-error';
import type { HttpClient } from '../src/cloud/http-client';
import { GraphClient, type GraphBatchRequest, type GraphBatchResponse } from '../src/cloud/graph-client';
import { mailboxPages } from '../src/collectors/exchange-settings';
import { collectInboxRules } from '../src/collectors/inbox-rules';
import { createScanServices } from '../src/jobs/scan-services';
import type { ScanServices } from '../src/jobs/run-scan';
import type { TenantCredential } from '../src/secrets/types';
import { mailboxDirectoryOf } from '../sim/tenant/mailboxes';
import { inboxRulesOf } from '../sim/tenant/mailboxes-rules';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

describe('Exchange admin API client against sim/', () => {
  let ws: SimWorkspace;
  let services: ScanServices;
  let credential: TenantCredential;
  let tenantId: string;

  beforeAll(async () => {
    ws = await openSimWorkspace('exchange-client', {
      tenants: [{ name: 'contoso', seed: 1, users: 200, credential: 'secret' }],
    });
    services = createScanServices(ws.config);
    const tenant = ws.config.tenants[0]!;
    tenantId = tenant.tenantId;
    credential = await services.secrets.getTenantCredential({
      tenantName: tenant.name,
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      credential: tenant.credential,
    });
  });
  afterAll(async () => {
    services.http.close();
    await ws.close();
  });

  const exchangeClient = (maxPageSize?: number) =>
    new ExchangeClient({
      baseUrl: services.exchange.url,
      resource: services.exchange.resource,
      tenantId,
      credential: credential.tokenCredential,
      http: services.http,
      ...(maxPageSize !== undefined ? { maxPageSize } : {}),
    });

  it('pages Get-Mailbox by re-POSTing the body to each nextLink: every mailbox exactly once', async () => {
    const expected = [...mailboxDirectoryOf(ws.sim.tenant('contoso')).all()].map((m) => m.primarySmtpAddress);
    expect(expected.length).toBeGreaterThan(20);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of mailboxPages(exchangeClient(7))) {
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((m) => m.primarySmtpAddress));
    }
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  it('resumes Get-Mailbox from a saved link: the pages after it, none before, none twice', async () => {
    const all: string[] = [];
    let savedLink: string | null = null;
    let beforeLink: string[] = [];
    for await (const page of mailboxPages(exchangeClient(7))) {
      all.push(...page.items.map((m) => m.primarySmtpAddress));
      if (all.length >= 14 && savedLink === null) {
        savedLink = page.next;
        beforeLink = [...all];
      }
    }
    expect(savedLink).not.toBeNull();
    const resumed: string[] = [];
    for await (const page of mailboxPages(exchangeClient(7), savedLink)) {
      resumed.push(...page.items.map((m) => m.primarySmtpAddress));
    }
    expect([...beforeLink, ...resumed]).toEqual(all);
  });

  it('reads the small settings lists in one call', async () => {
    const rows = await exchangeClient().invoke('Get-AcceptedDomain');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((row) => typeof row['DomainName'] === 'string')).toBe(true);
  });

  it('turns a cmdlet failure into an ExchangeError with Exchange\'s own text, not "Invalid Operation"', async () => {
    const error = await exchangeClient()
      .invoke('Get-NoSuchThing')
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as ExchangeError).status).toBe(400);
    expect((error as ExchangeError).message).toContain("The term 'Get-NoSuchThing' is not recognized");
    expect((error as ExchangeError).message).not.toContain('Invalid Operation');
  });

  it('reads the inbox rules of many mailboxes through $batch, 20 at a time', async () => {
    const directory = mailboxDirectoryOf(ws.sim.tenant('contoso'));
    const mailboxes = [...directory.all()].filter((m) =>
      ['UserMailbox', 'SharedMailbox'].includes(m.recipientTypeDetails),
    );
    const graph = new GraphClient({
      baseUrl: services.graph.url,
      resource: services.graph.resource,
      credential: credential.tokenCredential,
      http: services.http,
    });
    const rules = await collectInboxRules(
      graph,
      mailboxes.map((m) => m.externalDirectoryObjectId),
    );
    expect(rules.size).toBe(mailboxes.length);
    let total = 0;
    for (const mailbox of mailboxes) {
      const expected = inboxRulesOf(directory, mailbox);
      total += expected.length;
      expect(rules.get(mailbox.externalDirectoryObjectId)?.map((r) => r.id)).toEqual(
        expected.map((r) => r.id),
      );
    }
    expect(total).toBeGreaterThan(0);
  });
});

describe('inbox rules: failed $batch items', () => {
  /** A GraphClient stand-in whose batches answer from a script (sim/ cannot throttle one item on demand). */
  function scriptedGraph(script: Array<(requests: readonly GraphBatchRequest[]) => GraphBatchResponse[]>) {
    const batches: string[][] = [];
    const graph = {
      postBatch: (requests: readonly GraphBatchRequest[]) => {
        batches.push(requests.map((r) => r.url));
        const next = script.shift();
        if (!next) throw new Error('unexpected batch');
        return Promise.resolve(next(requests));
      },
    } as unknown as GraphClient;
    return { graph, batches };
  }
  const ok = (id: string, rules: unknown[] = []): GraphBatchResponse => ({
    id,
    status: 200,
    body: { value: rules },
  });

  it('retries throttled items in a new batch after the longest Retry-After (any header case)', async () => {
    const { graph, batches } = scriptedGraph([
      (requests) => [
        ok(requests[0]!.id),
        { id: requests[1]!.id, status: 429, headers: { 'Retry-After': '2' } },
        { id: requests[2]!.id, status: 429, headers: { 'retry-after': '5' } },
      ],
      (requests) => requests.map((r) => ok(r.id, [{ id: 'r1', displayName: 'x', isEnabled: true }])),
    ]);
    const waits: number[] = [];
    const rules = await collectInboxRules(graph, ['a', 'b', 'c'], {
      sleepMs: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(waits).toEqual([5000]);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toEqual([
      '/users/b/mailFolders/inbox/messageRules',
      '/users/c/mailFolders/inbox/messageRules',
    ]);
    expect(rules.get('a')).toEqual([]);
    expect(rules.get('c')?.map((r) => r.id)).toEqual(['r1']);
  });

  it('a mailbox Outlook cannot serve over REST has no rules; a 403 item fails the collection', async () => {
    const notEnabled = {
      status: 404,
      body: { error: { code: 'MailboxNotEnabledForRESTAPI', message: 'The mailbox is either inactive…' } },
    };
    const { graph } = scriptedGraph([
      (requests) => [ok(requests[0]!.id), { id: requests[1]!.id, ...notEnabled }],
    ]);
    const rules = await collectInboxRules(graph, ['a', 'b']);
    expect(rules.get('b')).toEqual([]);

    const denied = scriptedGraph([
      (requests) => [
        { id: requests[0]!.id, status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'no' } } },
      ],
    ]);
    await expect(collectInboxRules(denied.graph, ['a'])).rejects.toMatchObject({
      status: 403,
      code: 'ErrorAccessDenied',
    });
  });

  it('over 20 mailboxes go in several batches of at most 20', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => `u${i}`);
    const { graph, batches } = scriptedGraph(
      [0, 1, 2].map(() => (requests) => requests.map((r) => ok(r.id))),
    );
    await collectInboxRules(graph, ids);
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
  });
});

describe('Exchange error text', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('prefers error.details[].message without the exception type', () => {
    expect(
      exchangeErrorMessage(
        body({
          error: {
            code: 'BadRequest',
            message: 'Invalid Operation',
            details: [{ message: '|System.Exception|boom' }],
          },
        }),
      ),
    ).toEqual({ code: 'BadRequest', message: 'boom' });
  });

  it('then innererror.internalException.message, whatever the key case', () => {
    for (const key of ['internalException', 'internalexception', 'InternalException']) {
      expect(
        exchangeErrorMessage(
          body({
            error: {
              code: 'X',
              message: 'Invalid Operation',
              innererror: { [key]: { message: 'inner text' } },
            },
          }),
        ).message,
      ).toBe('inner text');
    }
  });

  it('then error.message; a non-JSON body is kept as text', () => {
    expect(exchangeErrorMessage(body({ error: { code: 'X', message: 'plain' } })).message).toBe('plain');
    expect(exchangeErrorMessage(Buffer.from('gateway timeout')).message).toBe('gateway timeout');
  });
});

describe('Exchange client: paging guards and retries (scripted transport)', () => {
  const ORIGIN = 'https://exchange.test';
  const credential = {
    getToken: () => Promise.resolve({ token: 'token', expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  function scripted(answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
    const sent: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
    const http = {
      request: (req: { url: string; body?: string | Buffer; headers?: Record<string, string> }) => {
        sent.push({ url: req.url, body: String(req.body), headers: req.headers ?? {} });
        const answer = answers.shift();
        if (!answer) throw new Error('unexpected request');
        return Promise.resolve({
          status: answer.status,
          headers: answer.headers ?? {},
          body: Buffer.from(JSON.stringify(answer.body)),
        });
      },
    } as unknown as HttpClient;
    const waits: number[] = [];
    const client = new ExchangeClient({
      baseUrl: ORIGIN,
      resource: ORIGIN,
      tenantId: 'tid',
      credential,
      http,
      sleepMs: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    return { client, sent, waits };
  }
  const link = `${ORIGIN}/adminapi/beta/tid/InvokeCommand?$skiptoken=abc`;

  it('re-POSTs the same body with the anchor mailbox and page size; retries a 429 after its Retry-After', async () => {
    const { client, sent, waits } = scripted([
      { status: 200, body: { value: [{ A: 1 }], '@odata.nextLink': link } },
      { status: 429, body: {}, headers: { 'retry-after': '3' } },
      { status: 200, body: { value: [{ A: 2 }] } },
    ]);
    expect(await client.invoke('Get-Mailbox', { ResultSize: 'Unlimited' })).toEqual([{ A: 1 }, { A: 2 }]);
    expect(waits).toEqual([3000]);
    expect(sent.map((s) => s.url)).toEqual([`${ORIGIN}/adminapi/beta/tid/InvokeCommand`, link, link]);
    expect(new Set(sent.map((s) => s.body)).size).toBe(1);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { ResultSize: 'Unlimited' } },
    });
    expect(sent[0]!.headers).toMatchObject({
      authorization: 'Bearer token',
      prefer: 'odata.maxpagesize=1000',
      'x-anchormailbox': 'APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@tid',
    });
  });

  it('a repeated nextLink or one to another host is an error', async () => {
    const repeated = scripted([
      { status: 200, body: { value: [], '@odata.nextLink': link } },
      { status: 200, body: { value: [], '@odata.nextLink': link } },
    ]);
    await expect(repeated.client.invoke('Get-Mailbox')).rejects.toMatchObject({ code: 'RepeatedNextLink' });
    const foreign = scripted([
      { status: 200, body: { value: [], '@odata.nextLink': 'https://evil.example/InvokeCommand' } },
    ]);
    await expect(foreign.client.invoke('Get-Mailbox')).rejects.toMatchObject({ code: 'ForeignNextLink' });
    expect(foreign.sent).toHaveLength(1);
  });
});
