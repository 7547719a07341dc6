import { setTimeout as delay } from 'node:timers/promises';
import type { KeyVaultSecret, SecretClient } from '@azure/keyvault-secrets';
import type { Logger } from '../observability/logger';
import { scrubSecrets } from '../observability/scrub-secrets';
import { SecretUnavailableError } from './errors';
import { pkcs12ToPem } from './pkcs12-to-pem';
import type { CredentialSource, TenantCredentialRef } from './types';

export type CredentialMaterial = { kind: 'certificate'; pem: string } | { kind: 'secret'; value: string };

const PEM = 'application/x-pem-file';
const PKCS12 = 'application/x-pkcs12';

/** Our own retries of a Key Vault read (the SDK's are switched off so that one policy applies, with one log). */
export interface KeyVaultRetryPolicy {
  /** Retries after the first try; 0 = none. */
  maxRetries: number;
  /** Delay before the first retry, doubled on each retry (Key Vault's guidance: 1, 2, 4, 8, 16 s). */
  initialDelayMs: number;
  /** Upper bound of any delay, a Retry-After included. */
  maxDelayMs: number;
  /** Waits; rejects when the signal aborts (worker shutdown). Tests inject one that records. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_KEY_VAULT_RETRY: KeyVaultRetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
};

/** A Key Vault read that failed for good: the last error and how many tries were made. */
export class KeyVaultReadError extends Error {
  override readonly name = 'KeyVaultReadError';
  constructor(
    readonly lastError: unknown,
    readonly tries: number,
    readonly transient: boolean,
  ) {
    super(describeKeyVaultError(lastError));
  }
}

/**
 * Reads the latest version of a tenant's credential item. Throttling (429), 5xx answers and connection errors
 * are retried with exponential backoff (Retry-After when Key Vault sends one); anything else (401, 403, 404…)
 * fails at once. Throws KeyVaultReadError, or the abort error when `signal` aborts.
 */
export function getSecretWithRetry(
  client: SecretClient,
  ref: TenantCredentialRef,
  policy: KeyVaultRetryPolicy,
  context: { signal?: AbortSignal; logger?: Logger } = {},
): Promise<KeyVaultSecret> {
  const outContentType = ref.credential.type === 'certificate' ? PEM : undefined;
  return readSecretWithRetry(client, ref.credential.name, policy, { ...context, outContentType });
}

/** Reads the latest version of any secret by name, with the retries of getSecretWithRetry. */
export async function readSecretWithRetry(
  client: SecretClient,
  itemName: string,
  policy: KeyVaultRetryPolicy,
  context: { signal?: AbortSignal; logger?: Logger; outContentType?: string | undefined } = {},
): Promise<KeyVaultSecret> {
  const { signal, logger, outContentType } = context;
  for (let retry = 0; ; retry++) {
    signal?.throwIfAborted();
    try {
      return await client.getSecret(itemName, {
        ...(outContentType ? { outContentType } : {}),
        ...(signal ? { abortSignal: signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const transient = isTransientKeyVaultError(err);
      if (!transient || retry >= policy.maxRetries) throw new KeyVaultReadError(err, retry + 1, transient);
      const ms = Math.min(retryAfterMs(err) ?? policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
      logger?.warn(
        { keyVaultItem: itemName, problem: describeKeyVaultError(err), retryInMs: ms },
        'Key Vault read failed; retrying',
      );
      await policy.sleep(ms, signal);
    }
  }
}

/** Throttling, server errors and transport failures: worth retrying. 401/403/404 and the like are not. */
export function isTransientKeyVaultError(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown; name?: unknown };
  // Also the worker's own token request (AuthenticationError has the token endpoint's status).
  if (typeof e.statusCode === 'number')
    return e.statusCode === 408 || e.statusCode === 429 || e.statusCode >= 500;
  if (e.name !== 'RestError') return false; // AbortError, CredentialUnavailableError (misconfiguration)…
  // A RestError without a status: the request never got an answer (refused, reset, timed out, DNS).
  return true;
}

/** Key Vault's Retry-After (seconds or an HTTP date) in ms, if it sent one. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } })
    .response?.headers;
  const header = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Turns the item read from Key Vault into credential material in memory, checking it is usable. */
export function credentialMaterialFrom(
  secret: KeyVaultSecret,
  ref: TenantCredentialRef,
  vaultUrl: string,
): { material: CredentialMaterial; source: CredentialSource } {
  const itemName = ref.credential.name;
  const fail = (cause: string) => new SecretUnavailableError(ref.tenantName, vaultUrl, itemName, cause);
  const { properties, value } = secret;
  const source: CredentialSource = {
    vaultUrl,
    itemName,
    version: properties.version,
    expiresOn: properties.expiresOn,
    contentType: properties.contentType,
  };
  if (properties.enabled === false)
    throw fail('the item is disabled; enable it or point the tenant at another item');
  if (!value) throw fail('the item has an empty value');
  if (ref.credential.type === 'secret') return { material: { kind: 'secret', value }, source };

  // A certificate-backed item comes as PEM (outContentType); a plain secret holding a PFX comes as stored.
  if (properties.contentType === PKCS12) {
    try {
      return { material: { kind: 'certificate', pem: pkcs12ToPem(value) }, source };
    } catch (err) {
      throw fail(`the PKCS#12 content cannot be read: ${scrubSecrets((err as Error).message)}`);
    }
  }
  if (!value.includes('PRIVATE KEY-----') || !value.includes('-----BEGIN CERTIFICATE-----')) {
    throw fail(
      `expected a certificate with its private key (PEM or PKCS#12), got content type "${properties.contentType ?? 'none'}"`,
    );
  }
  return { material: { kind: 'certificate', pem: value }, source };
}

/** Turns an SDK error into words an operator can act on, without echoing request details. */
export function describeKeyVaultError(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; name?: string; message?: string };
  const said = e.message ? `: ${scrubSecrets(e.message).split('\n')[0]?.slice(0, 300)}` : '';
  if (
    e.name === 'CredentialUnavailableError' ||
    e.name === 'AuthenticationError' ||
    e.name === 'AuthenticationRequiredError'
  ) {
    return `the worker identity could not get a token for Key Vault (${e.name}${said})`;
  }
  if (e.statusCode === 404) return 'the item does not exist (404 SecretNotFound); check credential.name';
  if (e.statusCode === 403 && /disabled/i.test(e.message ?? '')) {
    return 'the item is disabled (403 SecretDisabled); enable it or point the tenant at another item';
  }
  if (e.statusCode === 403) {
    return `access denied (403 ${e.code ?? 'Forbidden'}); grant the worker identity "get" on secrets (Key Vault Secrets User)`;
  }
  if (e.statusCode === 401) {
    return "the worker identity was not accepted by the vault (401); check workerIdentity and the vault's tenant";
  }
  if (e.statusCode === 429) return `Key Vault is throttling the worker (429${said})`;
  if (typeof e.statusCode === 'number') return `Key Vault answered ${e.statusCode} ${e.code ?? ''}${said}`;
  return `Key Vault is unreachable (${e.code ?? e.name ?? 'error'}${said})`;
}
