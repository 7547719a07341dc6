import type { AccessToken, GetTokenOptions } from '@azure/identity';
import type { GraphTokenCredential } from './graph-client';
import { HttpTransportError, type HttpClient, type HttpRequest, type HttpResponse } from './http-client';
import { retryDelayMs } from './retry-delay';
import type { ThrottledCall, ThrottleGovernor } from './throttle-governor';

/** Statuses worth another attempt: throttling and transient server failures. */
export const RETRIABLE_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export interface SendOptions {
  credential: GraphTokenCredential;
  /** e.g. https://graph.microsoft.com/.default */
  scope: string;
  http: HttpClient;
  maxRetries: number;
  sleepMs: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /**
   * The tenant's governor and the budget calls of this request (a $batch: its items). Each attempt waits for it,
   * and it sees every answer, so a 429 holds back the whole family and the budgets are kept.
   */
  throttle?: { governor: ThrottleGovernor; calls: readonly ThrottledCall[] };
}

export interface SendHooks {
  /** Thrown when the credential hands out no token. */
  noToken(): Error;
  /** Turns the final non-2xx answer into the service's error. */
  failure(res: HttpResponse): Error;
}

/**
 * One app-only request with the retry policy shared by the Graph and Exchange clients: transport errors, 429
 * and 5xx are retried (Retry-After, else jittered backoff); a 401 is retried once with a genuinely new token.
 */
export async function sendWithRetries(
  options: SendOptions,
  request: Pick<HttpRequest, 'method' | 'url' | 'headers' | 'body'>,
  hooks: SendHooks,
): Promise<HttpResponse> {
  let refreshedAfter401 = false;
  let tokenOptions: GetTokenOptions = {};
  const { signal, credential, throttle } = options;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    // The governor first, the token after: a wait (Retry-After, budget) must not outlast a short-lived token.
    const release = await throttle?.governor.acquire(throttle.calls, signal);
    let res: HttpResponse;
    let token: AccessToken | null;
    try {
      token = await credential.getToken(options.scope, tokenOptions);
      tokenOptions = {}; // claims are asked for once; the new token is then in the credential's cache
      if (!token) throw hooks.noToken();
      res = await options.http.request({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${token.token}` },
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof HttpTransportError && attempt < options.maxRetries) {
        await options.sleepMs(retryDelayMs(attempt, undefined));
        continue;
      }
      throw err;
    } finally {
      release?.();
    }
    throttle?.governor.observe(throttle.calls, res);
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status === 401 && !refreshedAfter401) {
      // Expired or revoked token: get a genuinely new one and retry this request once. A CAE challenge names
      // the claims the new token must carry (asking with claims bypasses the token cache); otherwise the
      // credential drops its cached tokens.
      refreshedAfter401 = true;
      const claims = challengeClaims(res.headers['www-authenticate']);
      if (claims !== undefined) tokenOptions = { claims };
      else credential.renewTokens?.(token.token);
      continue;
    }
    if (RETRIABLE_STATUS.has(res.status) && attempt < options.maxRetries) {
      await options.sleepMs(retryDelayMs(attempt, res.headers['retry-after']));
      continue;
    }
    throw hooks.failure(res);
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
