import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../observability/logger';

/** Which Key Vault item holds a tenant's app credential; this is all a job payload or log ever carries. */
export interface TenantCredentialRef {
  tenantName: string;
  tenantId: string;
  clientId: string;
  credential: { type: 'certificate' | 'secret'; name: string };
}

/** Where a credential came from: enough to name it in errors and reports, never its value. */
export interface CredentialSource {
  vaultUrl: string;
  itemName: string;
  version: string | undefined;
  expiresOn: Date | undefined;
  contentType: string | undefined;
}

/** A TokenCredential that can drop its cached access tokens, so that the next getToken asks the token endpoint. */
export interface RenewableTokenCredential extends TokenCredential {
  /** `rejectedToken`: the token a service refused; nothing happens when a newer one was issued meanwhile. */
  renewTokens(rejectedToken?: string): void;
}

/** The Key Vault item expires within the configured warning window (or has expired). */
export interface CredentialExpiryWarning {
  expiresOn: Date;
  /** Days left, a started day counting as one; negative once expired. */
  daysLeft: number;
  /** For the report Summary and the log: names the tenant, vault and item, and what to do. */
  message: string;
}

/** A signed-in-ready credential for one tenant, held in memory only. */
export interface TenantCredential {
  /**
   * App-only tokens for the tenant. When the token endpoint rejects the credential (rotated or revoked), it
   * re-reads the item's latest version once (shared by concurrent callers) and retries; a second rejection is a
   * CredentialRejectedError naming tenant, vault and item.
   */
  tokenCredential: RenewableTokenCredential;
  /** The item version this credential was built from, as read. */
  source: CredentialSource;
  expiryWarning?: CredentialExpiryWarning;
}

export interface TenantCredentialOptions {
  /** The job's logger: Key Vault retries and credential re-reads are logged here. */
  logger?: Logger;
  /** Stops Key Vault retries (worker shutdown). */
  signal?: AbortSignal;
}

export interface SecretProvider {
  /** The tenant's app credential, from cache while fresh. */
  getTenantCredential(ref: TenantCredentialRef, options?: TenantCredentialOptions): Promise<TenantCredential>;
  /** Forget a cached credential so the next call re-reads the vault. */
  invalidate(tenantName: string): void;
  /**
   * The value of a plain Key Vault secret the worker itself needs (e.g. delivery.smtp.passwordSecret), from
   * cache while fresh (as credentials), held in memory only. Throws SecretUnavailableError naming vault and item.
   */
  getSecretValue(name: string, options?: TenantCredentialOptions): Promise<string>;
  /** Forget a cached secret (a server refused it: it may have been rotated) so the next call re-reads it. */
  invalidateSecret(name: string): void;
}
