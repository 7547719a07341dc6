import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import type { CredentialMaterial } from './key-vault-reader';
import type { CloudAuthSettings } from './worker-credential';
import type { TenantCredentialRef } from './types';

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
