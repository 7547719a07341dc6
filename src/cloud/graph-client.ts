import type { GetTokenOptions, TokenCredential } from '@azure/identity';
import { GraphError, parseGraphError } from './graph-error';
import { HttpTransportError, type HttpClient, type HttpResponse } from './http-client';
import { retryDelayMs, sleep } from './retry-delay';

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
}

/**
 * Where Graph tokens come from. `renewTokens`, when the credential has it, drops cached tokens so that the next
 * getToken asks the token endpoint: MSAL would otherwise hand out the same cached token that Graph just refused.
 */
export interface GraphTokenCredential extends TokenCredential {
  renewTokens?(rejectedToken?: string): void;
}

interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

const RETRIABLE_STATUS = new Set([429, 500, 502, 503, 504]);

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

  /** Every page of a collection, following @odata.nextLink to the end. */
  async *pages<T>(path: string): AsyncGenerator<T[]> {
    const seen = new Set<string>();
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: GraphPage<T> = await this.get<GraphPage<T>>(next);
      if (!Array.isArray(page.value)) {
        throw new GraphError(200, 'UnexpectedShape', displayPath(next), 'the response has no "value" array');
      }
      yield page.value;
      next = page['@odata.nextLink'];
      if (next !== undefined) {
        if (seen.has(next)) {
          throw new GraphError(
            200,
            'RepeatedNextLink',
            displayPath(next),
            'the same @odata.nextLink came twice',
          );
        }
        seen.add(next);
      }
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

  private async send(url: string): Promise<HttpResponse> {
    let refreshedAfter401 = false;
    let tokenOptions: GetTokenOptions = {};
    const { signal } = this.options;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const token = await this.options.credential.getToken(this.scope, tokenOptions);
      tokenOptions = {}; // claims are asked for once; the new token is then in the credential's cache
      if (!token) throw new GraphError(0, 'NoToken', displayPath(url), 'the credential returned no token');
      let res: HttpResponse;
      try {
        res = await this.options.http.request({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token.token}`, accept: 'application/json' },
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        if (err instanceof HttpTransportError && attempt < this.maxRetries) {
          await this.sleepMs(retryDelayMs(attempt, undefined));
          continue;
        }
        throw err;
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 401 && !refreshedAfter401) {
        // Expired or revoked token: get a genuinely new one and retry this request once. A CAE challenge names
        // the claims the new token must carry (asking with claims bypasses the token cache); otherwise the
        // credential drops its cached tokens.
        refreshedAfter401 = true;
        const claims = challengeClaims(res.headers['www-authenticate']);
        if (claims !== undefined) tokenOptions = { claims };
        else this.options.credential.renewTokens?.(token.token);
        continue;
      }
      if (RETRIABLE_STATUS.has(res.status) && attempt < this.maxRetries) {
        await this.sleepMs(retryDelayMs(attempt, res.headers['retry-after']));
        continue;
      }
      throw parseGraphError(res.status, displayPath(url), res.body);
    }
  }
}

/** The decoded `claims` of a CAE challenge (`WWW-Authenticate: Bearer …, error="insufficient_claims", claims="<base64>"`). */
export function challengeClaims(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (value === undefined || !/error="insufficient_claims"/i.test(value)) return undefined;
  const encoded = /claims="([^"]+)"/i.exec(value)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded.trim().startsWith('{') ? decoded : undefined;
}

/** Path and query of a URL, for messages (never the host's credentials; Graph URLs carry none). */
function displayPath(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  const parsed = new URL(url);
  return decodeURIComponent(parsed.pathname + parsed.search);
}
