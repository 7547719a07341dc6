import type { GraphTokenCredential, LinkedPage } from './graph-client';
import { exchangeErrorMessage, ExchangeError } from './exchange-error';
import type { HttpClient, HttpResponse } from './http-client';
import { sleep } from './retry-delay';
import { sendWithRetries } from './send-with-retries';
import type { ThrottledCall, ThrottleGovernor } from './throttle-governor';

export interface ExchangeClientOptions {
  /** Exchange origin, e.g. https://outlook.office365.com (requests go to `${baseUrl}/adminapi/beta/...`). */
  baseUrl: string;
  /** Token audience, e.g. https://outlook.office365.com. */
  resource: string;
  tenantId: string;
  credential: GraphTokenCredential;
  http: HttpClient;
  maxRetries?: number;
  sleepMs?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Rows per page asked with `Prefer: odata.maxpagesize` (default and service maximum 1000). */
  maxPageSize?: number;
  /**
   * The tenant's throttle governor for Exchange (throttle-registry.ts): a 429's Retry-After holds back every
   * request of the tenant, not only the one that got it. Without one, each request only retries on its own.
   */
  throttle?: ThrottleGovernor;
}

/** A row of cmdlet output: Exchange's PascalCase properties. */
export type ExchangeObject = Record<string, unknown>;

interface InvokePage {
  value?: unknown;
  '@odata.nextLink'?: unknown;
}

/** The well-known system mailbox that routes app-only admin API calls to the tenant's servers. */
const ANCHOR_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

/** The admin API documents no budget: every request is of one family, which only waits out Retry-After. */
const EXCHANGE_CALLS: readonly ThrottledCall[] = [{ family: 'exchange', cost: 0 }];

/** The Exchange Online admin API (InvokeCommand), app-only, with the Graph client's retry policy. */
export class ExchangeClient {
  private readonly origin: string;
  private readonly invokeUrl: string;
  private readonly scope: string;

  constructor(private readonly options: ExchangeClientOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(base).origin;
    this.invokeUrl = `${base}/adminapi/beta/${encodeURIComponent(options.tenantId)}/InvokeCommand`;
    this.scope = `${options.resource.replace(/\/+$/, '')}/.default`;
  }

  /** Every page of a cmdlet's output, re-POSTing the same body to each @odata.nextLink. */
  async *pages(cmdlet: string, parameters: Record<string, unknown> = {}): AsyncGenerator<ExchangeObject[]> {
    for await (const page of this.linkedPages(cmdlet, parameters)) yield page.items;
  }

  /**
   * Every page with the link to the page after it (null on the last), starting at `from` (a nextLink saved by a
   * checkpoint) or at the first page, so that a caller can save its place and resume there.
   */
  async *linkedPages(
    cmdlet: string,
    parameters: Record<string, unknown> = {},
    from: string | null = null,
  ): AsyncGenerator<LinkedPage<ExchangeObject>> {
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    const seen = new Set<string>();
    let url: string | undefined = from === null ? this.invokeUrl : this.checkedNextLink(cmdlet, from, seen);
    while (url !== undefined) {
      const res = await this.post(cmdlet, url, body);
      let page: InvokePage;
      try {
        page = JSON.parse(res.body.toString('utf8')) as InvokePage;
      } catch {
        throw new ExchangeError(res.status, 'UnexpectedShape', cmdlet, 'the response is not JSON');
      }
      if (!Array.isArray(page.value) || !page.value.every(isObject)) {
        throw new ExchangeError(res.status, 'UnexpectedShape', cmdlet, 'the response has no "value" array');
      }
      const next = page['@odata.nextLink'];
      url = next === undefined || next === null ? undefined : this.checkedNextLink(cmdlet, next, seen);
      yield { items: page.value, next: url ?? null };
    }
  }

  /** The whole output of a cmdlet (for small lists: settings, domains, policies). */
  async invoke(cmdlet: string, parameters: Record<string, unknown> = {}): Promise<ExchangeObject[]> {
    const rows: ExchangeObject[] = [];
    for await (const page of this.pages(cmdlet, parameters)) rows.push(...page);
    return rows;
  }

  private checkedNextLink(cmdlet: string, next: unknown, seen: Set<string>): string {
    if (typeof next !== 'string' || !/^https?:\/\//i.test(next)) {
      throw new ExchangeError(200, 'UnexpectedShape', cmdlet, '@odata.nextLink is not an absolute URL');
    }
    // Never send the tenant's token to another host, whatever a nextLink says.
    if (new URL(next).origin !== this.origin) {
      throw new ExchangeError(0, 'ForeignNextLink', cmdlet, `@odata.nextLink points outside ${this.origin}`);
    }
    if (seen.has(next)) {
      throw new ExchangeError(200, 'RepeatedNextLink', cmdlet, 'the same @odata.nextLink came twice');
    }
    seen.add(next);
    return next;
  }

  private post(cmdlet: string, url: string, body: string): Promise<HttpResponse> {
    const { credential, http, signal, tenantId, throttle } = this.options;
    return sendWithRetries(
      {
        credential,
        scope: this.scope,
        http,
        maxRetries: this.options.maxRetries ?? 6,
        sleepMs: this.options.sleepMs ?? sleep,
        ...(signal ? { signal } : {}),
        ...(throttle ? { throttle: { governor: throttle, calls: EXCHANGE_CALLS } } : {}),
      },
      {
        method: 'POST',
        url,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          prefer: `odata.maxpagesize=${this.options.maxPageSize ?? 1000}`,
          'x-anchormailbox': `APP:${ANCHOR_MAILBOX}@${tenantId}`,
        },
        body,
      },
      {
        noToken: () => new ExchangeError(0, 'NoToken', cmdlet, 'the credential returned no token'),
        failure: (res) => failureOf(cmdlet, res),
      },
    );
  }
}

function failureOf(cmdlet: string, res: HttpResponse): ExchangeError {
  const { code, message } = exchangeErrorMessage(res.body);
  // A 401 has no body: Exchange puts the reason in x-ms-diagnostics.
  const diagnostics = res.headers['x-ms-diagnostics'];
  const reason = /reason="([^"]*)"/.exec(
    Array.isArray(diagnostics) ? diagnostics.join(' ') : (diagnostics ?? ''),
  )?.[1];
  return new ExchangeError(
    res.status,
    code ?? `HTTP${res.status}`,
    cmdlet,
    message ?? reason ?? 'no error text',
  );
}

function isObject(value: unknown): value is ExchangeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
