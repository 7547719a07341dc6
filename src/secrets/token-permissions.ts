// The application permissions a tenant's app holds, read from the `roles` claim of its own access token.
// No signature check: the token comes straight from the token endpoint over TLS, and it is only read to decide
// what to attempt; Graph and Exchange enforce the permissions themselves.
import type { TokenCredential } from '@azure/identity';
import { scrubSecrets } from '../observability/scrub-secrets';

/** The token's payload could not be read; the message never contains the token. */
export class TokenDecodeError extends Error {
  override readonly name = 'TokenDecodeError';
}

/** The credential answered without a token (it normally throws instead). */
export class NoTokenError extends Error {
  override readonly name = 'NoTokenError';
  constructor(readonly resource: string) {
    super(`the credential returned no access token for ${resource}`);
  }
}

/** The app-only scope of a resource, e.g. https://graph.microsoft.com → https://graph.microsoft.com/.default. */
export function defaultScope(resource: string): string {
  return `${resource.replace(/\/+$/, '')}/.default`;
}

/** Pure: the `roles` claim of a JWT access token (empty when absent: an app with no permissions granted). */
export function decodeTokenRoles(accessToken: string): string[] {
  const payload = accessToken.split('.')[1];
  if (accessToken.split('.').length !== 3 || !payload) {
    throw new TokenDecodeError('the access token is not a JWT (expected three dot-separated parts)');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new TokenDecodeError('the access token payload is not base64url-encoded JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TokenDecodeError('the access token payload is not a JSON object');
  }
  const roles = (claims as { roles?: unknown }).roles;
  if (roles === undefined) return [];
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) {
    throw new TokenDecodeError('the access token "roles" claim is not a list of strings');
  }
  return [...roles];
}

/**
 * Gets an app-only token for `resource` and returns its app roles. The token is cached by the credential, so
 * the collectors' next request for the same resource reuses it. The credential's own errors (e.g.
 * AuthenticationError after a rotation) propagate unchanged, so callers treat them as before.
 */
export async function acquireTokenRoles(credential: TokenCredential, resource: string): Promise<string[]> {
  const token = await credential.getToken(defaultScope(resource));
  if (!token) throw new NoTokenError(resource);
  return decodeTokenRoles(token.token);
}

/** One scrubbed line of an SDK error (MSAL messages can echo request bodies and run over many lines). */
export function summarizeError(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const line = scrubSecrets(message).split('\n')[0]?.trim() ?? '';
  return `${name}: ${line.length > 300 ? `${line.slice(0, 299)}…` : line}`;
}
