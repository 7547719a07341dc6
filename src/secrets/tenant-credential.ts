import {
  ClientCertificateCredential,
  ClientSecretCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import type { CredentialMaterial } from './key-vault-reader';
import type { CloudAuthSettings } from './worker-credential';
import type { CredentialSource, TenantCredentialRef } from './types';

/** An app-only credential for the scanned tenant, built from material held in memory (never a file). */
export function createTenantTokenCredential(
  ref: TenantCredentialRef,
  material: CredentialMaterial,
  cloud: CloudAuthSettings,
): TokenCredential {
  const options = {
    authorityHost: cloud.authorityHost,
    // The authority is configured explicitly (sovereign clouds, sim/); no call to the public discovery service.
    disableInstanceDiscovery: true,
    ...(cloud.ca ? { tlsOptions: { ca: cloud.ca } } : {}),
  };
  if (material.kind === 'certificate') {
    return new ClientCertificateCredential(
      ref.tenantId,
      ref.clientId,
      { certificate: material.pem },
      options,
    );
  }
  return new ClientSecretCredential(ref.tenantId, ref.clientId, material.value, options);
}

/**
 * One version of a tenant's Key Vault item, read into memory, with the @azure/identity credential built from it.
 * Shared by every job of the tenant while cached, so they share its token cache too. `renewTokens` replaces the
 * credential with a new one from the same material: its token cache is empty, so the next getToken asks the
 * token endpoint (after Graph refused a token that MSAL would otherwise keep handing out).
 */
export class TenantAppCredential {
  private credential: TokenCredential;
  /** Tokens the current credential handed out, so that concurrent 401s for one token renew only once. */
  private issued = new Set<string>();

  constructor(
    readonly ref: TenantCredentialRef,
    private readonly material: CredentialMaterial,
    readonly source: CredentialSource,
    private readonly cloud: CloudAuthSettings,
  ) {
    this.credential = createTenantTokenCredential(ref, material, cloud);
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.credential.getToken(scopes, options);
    if (token) this.issued.add(token.token);
    return token;
  }

  /** Forgets cached tokens; with `rejectedToken`, only if the current credential issued it (else done already). */
  renewTokens(rejectedToken?: string): void {
    if (rejectedToken !== undefined && !this.issued.has(rejectedToken)) return;
    this.credential = createTenantTokenCredential(this.ref, this.material, this.cloud);
    this.issued = new Set();
  }
}
