import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { readCredentialMaterial } from './key-vault-reader';
import { createTenantTokenCredential } from './tenant-credential';
import type { CloudAuthSettings } from './worker-credential';
import type { SecretProvider, TenantCredential, TenantCredentialRef } from './types';

export interface KeyVaultProviderOptions {
  vaultUrl: string;
  workerCredential: TokenCredential;
  cloud: CloudAuthSettings;
  /** false only for emulators whose host is not under vault.azure.net (sim/). */
  challengeResourceCheck: boolean;
  /** How long a read credential is reused; Azure advises re-reading at least every 8 hours. */
  cacheTtlMs?: number;
  now?: () => number;
}

interface CacheEntry {
  readAt: number;
  credential: Promise<TenantCredential>;
}

const EIGHT_HOURS_MS = 8 * 60 * 60 * 1000;

/**
 * Tenant credentials from Azure Key Vault, cached in memory. Concurrent requests for one tenant share a single
 * vault read (the cached promise), and a failed read is not cached.
 */
export class KeyVaultSecretProvider implements SecretProvider {
  private readonly client: SecretClient;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: KeyVaultProviderOptions) {
    this.client = new SecretClient(options.vaultUrl, options.workerCredential, {
      disableChallengeResourceVerification: !options.challengeResourceCheck,
      ...(options.cloud.ca ? { tlsOptions: { ca: options.cloud.ca } } : {}),
    });
    this.ttlMs = options.cacheTtlMs ?? EIGHT_HOURS_MS;
    this.now = options.now ?? Date.now;
  }

  getTenantCredential(ref: TenantCredentialRef): Promise<TenantCredential> {
    const cached = this.cache.get(ref.tenantName);
    if (cached && this.now() - cached.readAt < this.ttlMs) return cached.credential;
    const credential = this.read(ref);
    this.cache.set(ref.tenantName, { readAt: this.now(), credential });
    credential.catch(() => {
      if (this.cache.get(ref.tenantName)?.credential === credential) this.cache.delete(ref.tenantName);
    });
    return credential;
  }

  invalidate(tenantName: string): void {
    this.cache.delete(tenantName);
  }

  private async read(ref: TenantCredentialRef): Promise<TenantCredential> {
    const { material, source } = await readCredentialMaterial(this.client, ref);
    return { tokenCredential: createTenantTokenCredential(ref, material, this.options.cloud), source };
  }
}
