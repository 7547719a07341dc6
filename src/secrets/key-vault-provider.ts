import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { credentialExpiryWarning, recordCredentialExpiry } from './credential-expiry';
import { SecretUnavailableError } from './errors';
import {
  credentialMaterialFrom,
  DEFAULT_KEY_VAULT_RETRY,
  getSecretWithRetry,
  KeyVaultReadError,
  readSecretWithRetry,
  type KeyVaultRetryPolicy,
} from './key-vault-reader';
import { TenantAppCredential } from './tenant-credential';
import { TenantTokenSource } from './tenant-token-source';
import type { CloudAuthSettings } from './worker-credential';
import type { SecretProvider, TenantCredential, TenantCredentialOptions, TenantCredentialRef } from './types';

export interface KeyVaultProviderOptions {
  vaultUrl: string;
  workerCredential: TokenCredential;
  cloud: CloudAuthSettings;
  /** false only for emulators whose host is not under vault.azure.net (sim/). */
  challengeResourceCheck: boolean;
  /** How long a read credential is reused; Azure advises re-reading at least every 8 hours. */
  cacheTtlMs?: number;
  /** Expiry within this many days gives TenantCredential.expiryWarning; default 30, 0 = never. */
  expiryWarningDays?: number;
  /** Retries of throttled or failed reads; default 5 retries from 1 s, doubling. */
  retry?: Partial<KeyVaultRetryPolicy>;
  now?: () => number;
}

interface CacheEntry {
  readAt: number;
  credential: Promise<TenantAppCredential>;
}

interface SecretCacheEntry {
  readAt: number;
  value: Promise<string>;
}

const EIGHT_HOURS_MS = 8 * 60 * 60 * 1000;

/**
 * A secret of the worker itself (not a tenant's credential) could not be read. Still a SecretUnavailableError,
 * so that callers handle both alike; `tenant` is empty and the message names only vault and item.
 */
export class WorkerSecretUnavailableError extends SecretUnavailableError {
  constructor(vaultUrl: string, itemName: string, problem: string, transient = false) {
    super('', vaultUrl, itemName, problem, transient);
    this.message = `cannot read Key Vault secret "${itemName}" from ${vaultUrl}: ${problem}`;
  }
}

/**
 * Tenant credentials from Azure Key Vault, cached in memory (never written anywhere). Concurrent requests for one
 * tenant share a single vault read (the cached promise), and a failed read is not cached. A credential the token
 * endpoint rejects is re-read once (see TenantTokenSource), also shared. Key Vault is the only source: when it
 * cannot be read, the job fails.
 */
export class KeyVaultSecretProvider implements SecretProvider {
  private readonly client: SecretClient;
  private readonly cache = new Map<string, CacheEntry>();
  /** Plain secrets by name; apart from `cache`, whose keys are tenant names. */
  private readonly secretCache = new Map<string, SecretCacheEntry>();
  private readonly ttlMs: number;
  private readonly expiryWarningDays: number;
  private readonly retry: KeyVaultRetryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: KeyVaultProviderOptions) {
    this.client = new SecretClient(options.vaultUrl, options.workerCredential, {
      disableChallengeResourceVerification: !options.challengeResourceCheck,
      // One retry policy, ours (backoff 1→16 s, Retry-After, logged per job), instead of the SDK's on top.
      retryOptions: { maxRetries: 0 },
      ...(options.cloud.ca ? { tlsOptions: { ca: options.cloud.ca } } : {}),
    });
    this.ttlMs = options.cacheTtlMs ?? EIGHT_HOURS_MS;
    this.expiryWarningDays = options.expiryWarningDays ?? 30;
    this.retry = { ...DEFAULT_KEY_VAULT_RETRY, ...options.retry };
    this.now = options.now ?? Date.now;
  }

  async getTenantCredential(
    ref: TenantCredentialRef,
    options: TenantCredentialOptions = {},
  ): Promise<TenantCredential> {
    const loaded = await this.load(ref, options);
    const tokenCredential = new TenantTokenSource(
      loaded,
      (rejected) => this.reloadAfterRejection(ref, rejected, options),
      options.logger,
    );
    const expiryWarning = credentialExpiryWarning(
      ref.tenantName,
      loaded.source,
      new Date(this.now()),
      this.expiryWarningDays,
    );
    return { tokenCredential, source: loaded.source, ...(expiryWarning ? { expiryWarning } : {}) };
  }

  invalidate(tenantName: string): void {
    this.cache.delete(tenantName);
  }

  /** Cached like credentials: concurrent callers share one read, a failed read is not kept. */
  invalidateSecret(name: string): void {
    this.secretCache.delete(name);
  }

  getSecretValue(name: string, options: TenantCredentialOptions = {}): Promise<string> {
    const cached = this.secretCache.get(name);
    if (cached && this.now() - cached.readAt < this.ttlMs) return cached.value;
    const value = this.readSecretValue(name, options);
    const entry = { readAt: this.now(), value };
    this.secretCache.set(name, entry);
    value.catch(() => {
      if (this.secretCache.get(name) === entry) this.secretCache.delete(name);
    });
    return value;
  }

  private async readSecretValue(name: string, options: TenantCredentialOptions): Promise<string> {
    const vaultUrl = this.client.vaultUrl;
    let secret;
    try {
      secret = await readSecretWithRetry(this.client, name, this.retry, options);
    } catch (err) {
      if (!(err instanceof KeyVaultReadError)) throw err; // aborted: the worker is shutting down
      const problem = err.transient
        ? `${err.message} (gave up after ${err.tries} tries)`
        : // describeKeyVaultError's 404 text points at a tenant's credential.name; this is not one.
          (err.lastError as { statusCode?: unknown }).statusCode === 404
          ? 'the secret does not exist (404 SecretNotFound); check the secret name in the configuration'
          : err.message;
      throw new WorkerSecretUnavailableError(vaultUrl, name, problem, err.transient);
    }
    if (secret.properties.enabled === false)
      throw new WorkerSecretUnavailableError(vaultUrl, name, 'the secret is disabled; enable it');
    if (!secret.value)
      throw new WorkerSecretUnavailableError(vaultUrl, name, 'the secret has an empty value');
    return secret.value;
  }

  /** The cached credential while fresh, else one read shared by every concurrent caller. */
  private load(ref: TenantCredentialRef, options: TenantCredentialOptions): Promise<TenantAppCredential> {
    const cached = this.cache.get(ref.tenantName);
    if (cached && this.now() - cached.readAt < this.ttlMs) return cached.credential;
    const credential = this.read(ref, options);
    const entry = { readAt: this.now(), credential };
    this.cache.set(ref.tenantName, entry);
    credential.catch(() => {
      if (this.cache.get(ref.tenantName) === entry) this.cache.delete(ref.tenantName);
    });
    return credential;
  }

  /**
   * The token endpoint rejected `rejected`: the latest version from the vault, read once however many callers
   * saw the rejection (they all find the new cache entry), or a newer credential already in the cache.
   */
  private async reloadAfterRejection(
    ref: TenantCredentialRef,
    rejected: TenantAppCredential,
    options: TenantCredentialOptions,
  ): Promise<TenantAppCredential> {
    const entry = this.cache.get(ref.tenantName);
    if (entry) {
      const current = await entry.credential.catch(() => undefined);
      if (current !== undefined && current !== rejected) return current;
      if (this.cache.get(ref.tenantName) === entry) this.cache.delete(ref.tenantName);
    }
    return this.load(ref, options);
  }

  private async read(
    ref: TenantCredentialRef,
    options: TenantCredentialOptions,
  ): Promise<TenantAppCredential> {
    const vaultUrl = this.client.vaultUrl;
    let secret;
    try {
      secret = await getSecretWithRetry(this.client, ref, this.retry, options);
    } catch (err) {
      if (!(err instanceof KeyVaultReadError)) throw err; // aborted: the worker is shutting down
      const problem = err.transient
        ? `${err.message} (gave up after ${err.tries} tries; the job fails and the queue retries it if attempts remain)`
        : err.message;
      throw new SecretUnavailableError(ref.tenantName, vaultUrl, ref.credential.name, problem, err.transient);
    }
    const { material, source } = credentialMaterialFrom(secret, ref, vaultUrl);
    recordCredentialExpiry(ref.tenantName, source);
    return new TenantAppCredential(ref, material, source, this.options.cloud);
  }
}
