import type { TokenCredential } from '@azure/identity';
import { GraphError, parseGraphError } from './graph-error';
import { HttpTransportError, type HttpClient, type HttpResponse } from './http-client';
import { classifyGraphCall } from './graph-throttle-families';
import { retryDelayMs, sleep } from './retry-delay';
import { sendWithRetries } from './send-with-retries';
import type { ThrottledCall, ThrottleGovernor } from './throttle-governor';

export interface GraphClientOptions {
  /** Graph origin, e.g. https://graph.microsoft.com (requests go to `${baseUrl}/v1.0/...`). */
  baseUrl: string;
  /** Token audience, e.g. https://graph.microsoft.com. */
  resource: string;
  credential: GraphTokenCredential;
  http: HttpClient;
  maxRetries?: number;
  sleepMs?: (ms: number) => Promise<void>;
  /** Stops paging and retrying when aborted (worker shutdown hands the job back). */
  signal?: AbortSignal;
  /**
   * The tenant's throttle governor (throttle-registry.ts), shared with every other Graph client of the tenant:
   * budgets and Retry-After pauses per family. Without one, each request only retries on its own.
   */
  throttle?: ThrottleGovernor;
}

/**
 * Where Graph tokens come from. `renewTokens`, when the credential has it, drops cached tokens so that the next
 * getToken asks the token endpoint: MSAL would otherwise hand out the same cached token that Graph just refused.
 */
export interface GraphTokenCredential extends TokenCredential {
  renewTokens?(rejectedToken?: string): void;
}

/** One page of a collection and the absolute link to the next one (null on the last page). */
export interface LinkedPage<T> {
  items: T[];
  next: string | null;
}

interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** One request of a JSON batch: `url` is relative to /v1.0. */
export interface GraphBatchRequest {
  id: string;
  method: 'GET';
  url: string;
}

/** One answer of a JSON batch; header names as Graph spells them (compare case-insensitively). */
export interface GraphBatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GraphRequestOptions {
  /**
   * false for a request that must not run twice (sendMail, a draft's /send): it is repeated only after answers
   * that say it was not processed (429, 503, a 401 token refresh) or a connection that never reached the server.
   * A reset or timeout after the request went out, or a 500/502/504, is thrown at once: the caller checks
   * whether it took effect before trying again. Default true.
   */
  repeatable?: boolean;
}

/** Answers after which a non-repeatable request certainly was not processed. */
const NOT_PROCESSED_STATUS: ReadonlySet<number> = new Set([429, 503]);
/** Connection failures that happen before any byte of the request reaches the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Microsoft Graph v1.0, app-only: bearer tokens from the tenant credential, retries, and complete paging. */
export class GraphClient {
  private readonly origin: string;
  private readonly scope: string;
  private readonly maxRetries: number;
  private readonly sleepMs: (ms: number) => Promise<void>;

  constructor(private readonly options: GraphClientOptions) {
    this.origin = new URL(options.baseUrl).origin;
    this.scope = `${options.resource.replace(/\/$/, '')}/.default`;
    this.maxRetries = options.maxRetries ?? 6;
    this.sleepMs = options.sleepMs ?? sleep;
  }

  /** GET one resource; `path` is relative to /v1.0 (e.g. "/users?$top=999") or an absolute nextLink. */
  async get<T>(path: string): Promise<T> {
    const url = this.resolve(path);
    const res = await this.send(url);
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /**
   * Any method with an optional JSON body; `path` as for get(). Returns the parsed JSON answer, or undefined for
   * an empty one (202 of sendMail, 204 of DELETE).
   */
  async request<T = unknown>(
    method: GraphMethod,
    path: string,
    body?: unknown,
    options: GraphRequestOptions = {},
  ): Promise<T | undefined> {
    const url = this.resolve(path);
    const json = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.send(url, method, json, undefined, options.repeatable ?? true);
    return res.body.length === 0 ? undefined : (JSON.parse(res.body.toString('utf8')) as T);
  }

  /** POST with a JSON body (see request()). */
  post<T = unknown>(path: string, body: unknown, options?: GraphRequestOptions): Promise<T | undefined> {
    return this.request<T>('POST', path, body, options);
  }

  /** DELETE (idempotent: retried like a GET). */
  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  /** Every page of a collection, following @odata.nextLink to the end. */
  async *pages<T>(path: string): AsyncGenerator<T[]> {
    for await (const page of this.linkedPages<T>(path)) yield page.items;
  }

  /**
   * Every page from `path` (a relative path or a nextLink saved by a checkpoint) with the link to the page after
   * it (null on the last page), so that a caller can save its place and resume there.
   */
  async *linkedPages<T>(path: string): AsyncGenerator<LinkedPage<T>> {
    const seen = new Set<string>();
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: GraphPage<T> = await this.get<GraphPage<T>>(next);
      if (!Array.isArray(page.value)) {
        throw new GraphError(200, 'UnexpectedShape', displayPath(next), 'the response has no "value" array');
      }
      const link = page['@odata.nextLink'];
      if (link !== undefined) {
        if (seen.has(link)) {
          throw new GraphError(
            200,
            'RepeatedNextLink',
            displayPath(link),
            'the same @odata.nextLink came twice',
          );
        }
        seen.add(link);
      }
      yield { items: page.value, next: link ?? null };
      next = link;
    }
  }

  private resolve(path: string): string {
    if (!/^https?:\/\//i.test(path)) return `${this.origin}/v1.0${path}`;
    // Never send the tenant's token to a host other than Graph's, whatever a nextLink says.
    if (new URL(path).origin !== this.origin) {
      throw new GraphError(0, 'ForeignNextLink', displayPath(path), `link points outside ${this.origin}`);
    }
    return path;
  }

  /**
   * POST /v1.0/$batch with up to 20 requests (relative urls). The envelope is retried like any request; the
   * items' own statuses are the caller's (a throttled item carries its own Retry-After).
   */
  async postBatch(requests: readonly GraphBatchRequest[]): Promise<GraphBatchResponse[]> {
    const url = `${this.origin}/v1.0/$batch`;
    // The items draw from their own families' budgets; the envelope itself is not throttled.
    const calls = requests.map((r) => classifyGraphCall(r.method, r.url));
    const res = await this.send(url, 'POST', JSON.stringify({ requests }), calls);
    const parsed = JSON.parse(res.body.toString('utf8')) as { responses?: unknown };
    if (!Array.isArray(parsed.responses)) {
      throw new GraphError(200, 'UnexpectedShape', '/$batch', 'the response has no "responses" array');
    }
    const responses = parsed.responses as GraphBatchResponse[];
    this.observeBatchItems(requests, calls, responses);
    return responses;
  }

  /** Each item's answer (a 429 with its own Retry-After, its resource units) goes to the governor. */
  private observeBatchItems(
    requests: readonly GraphBatchRequest[],
    calls: readonly ThrottledCall[],
    responses: readonly GraphBatchResponse[],
  ): void {
    const governor = this.options.throttle;
    if (!governor) return;
    const callById = new Map(requests.map((r, i) => [String(r.id), calls[i]]));
    for (const response of responses) {
      const call = callById.get(String(response.id));
      if (call === undefined || typeof response.status !== 'number') continue;
      const headers = Object.fromEntries(
        Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
      );
      governor.observe([call], { status: response.status, headers });
    }
  }

  private send(
    url: string,
    method: GraphMethod = 'GET',
    body?: string,
    calls?: readonly ThrottledCall[],
    repeatable = true,
  ): Promise<HttpResponse> {
    const { credential, http, signal, throttle } = this.options;
    const options = {
      credential,
      scope: this.scope,
      http,
      maxRetries: this.maxRetries,
      sleepMs: this.sleepMs,
      ...(signal ? { signal } : {}),
      ...(throttle
        ? { throttle: { governor: throttle, calls: calls ?? [classifyGraphCall(method, url)] } }
        : {}),
    };
    const request = {
      method,
      url,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    };
    const noToken = () => new GraphError(0, 'NoToken', displayPath(url), 'the credential returned no token');
    if (repeatable) {
      return sendWithRetries(options, request, {
        noToken,
        failure: (res) => parseGraphError(res.status, displayPath(url), res.body),
      });
    }
    return this.sendUnrepeatable(options, request, noToken);
  }

  /**
   * One attempt at a time through sendWithRetries (which still refreshes the token on a 401), repeated here only
   * when the request cannot have taken effect; see GraphRequestOptions.repeatable.
   */
  private async sendUnrepeatable(
    options: Parameters<typeof sendWithRetries>[0],
    request: Parameters<typeof sendWithRetries>[1],
    noToken: () => Error,
  ): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      let retryAfter: string | string[] | undefined;
      try {
        return await sendWithRetries({ ...options, maxRetries: 0 }, request, {
          noToken,
          failure: (res) => {
            retryAfter = res.headers['retry-after'];
            return parseGraphError(res.status, displayPath(request.url), res.body);
          },
        });
      } catch (err) {
        const notProcessed =
          err instanceof GraphError
            ? NOT_PROCESSED_STATUS.has(err.status)
            : err instanceof HttpTransportError && NOT_SENT_CODES.has(err.code);
        if (!notProcessed || attempt >= this.maxRetries) throw err;
        await this.sleepMs(retryDelayMs(attempt, retryAfter));
      }
    }
  }
}

// Kept exported from here for existing callers.
export { challengeClaims } from './send-with-retries';

/** Path and query of a URL, for messages (never the host's credentials; Graph URLs carry none). */
function displayPath(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  const parsed = new URL(url);
  return decodeURIComponent(parsed.pathname + parsed.search);
}
