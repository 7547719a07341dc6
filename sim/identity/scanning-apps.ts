// The scanning app of each simulated tenant: its registration (roles per resource from the tenant's granted
// permissions) and its credentials, each made twice: once for the token endpoint, once as a Key Vault item.
import { createSelfSignedCertificate } from '../ca';
import { PKCS12_CONTENT_TYPE, toPkcs12Base64 } from '../keyvault/certificate-secrets';
import type { NewSecretVersion } from '../keyvault/secret-store';
import type { SimTenant } from '../types';
import {
  createClientSecret,
  type AppCredential,
  type AppRegistration,
  type AppRegistry,
} from './app-registrations';
import { stableGuid } from './ids';
import { EXCHANGE_RESOURCE, GRAPH_RESOURCE } from './resources';

/** The Office 365 Exchange Online app permission; every other granted permission is a Graph one. */
export const EXCHANGE_MANAGE_AS_APP = 'Exchange.ManageAsApp';

const CREDENTIAL_VALID_DAYS = 365;

export type CredentialKind = 'certificate' | 'secret';

/** One new credential: what the token endpoint accepts and what the vault stores. */
export interface IssuedAppCredential {
  credential: AppCredential;
  vaultItem: NewSecretVersion;
}

/** Key Vault item of a tenant's credential: crw-<name>-cert or crw-<name>-secret. */
export function credentialItemName(tenantName: string, kind: CredentialKind): string {
  return `crw-${tenantName}-${kind === 'certificate' ? 'cert' : 'secret'}`;
}

export function registerScanningApp(registry: AppRegistry, tenant: SimTenant): AppRegistration {
  const granted = tenant.options.grantedPermissions;
  registry.addTenant(tenant.tenantId, [tenant.domain]);
  return registry.register({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    displayName: `crw scanner (${tenant.options.name})`,
    servicePrincipalId: stableGuid(`service-principal:${tenant.tenantId}:${tenant.clientId}`),
    rolesByResource: {
      [GRAPH_RESOURCE]: granted.filter((permission) => permission !== EXCHANGE_MANAGE_AS_APP),
      [EXCHANGE_RESOURCE]: granted.filter((permission) => permission === EXCHANGE_MANAGE_AS_APP),
    },
  });
}

/** A fresh client secret or self-signed certificate (RSA 2048) valid for a year. */
export async function issueAppCredential(
  kind: CredentialKind,
  tenantName: string,
  nowMs = Date.now(),
): Promise<IssuedAppCredential> {
  const expires = Math.floor(nowMs / 1000) + CREDENTIAL_VALID_DAYS * 86_400;
  if (kind === 'secret') {
    const secret = createClientSecret();
    return {
      credential: { type: 'secret', secret },
      vaultItem: { value: secret, contentType: 'text/plain', expires },
    };
  }
  const certificate = await createSelfSignedCertificate(`crw-scanner-${tenantName}`, CREDENTIAL_VALID_DAYS);
  return {
    credential: { type: 'certificate', certificatePem: certificate.certificatePem },
    vaultItem: {
      value: toPkcs12Base64(certificate),
      contentType: PKCS12_CONTENT_TYPE,
      managed: true,
      notBefore: Math.floor(nowMs / 1000) - 60,
      expires,
    },
  };
}
