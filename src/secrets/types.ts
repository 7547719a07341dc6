import type { TokenCredential } from '@azure/identity';

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

/** A signed-in-ready credential for one tenant, held in memory only. */
export interface TenantCredential {
  tokenCredential: TokenCredential;
  source: CredentialSource;
}

export interface SecretProvider {
  /** The tenant's app credential, from cache while fresh. */
  getTenantCredential(ref: TenantCredentialRef): Promise<TenantCredential>;
  /** Forget a cached credential (after the token endpoint rejected it) so the next call re-reads the vault. */
  invalidate(tenantName: string): void;
}
