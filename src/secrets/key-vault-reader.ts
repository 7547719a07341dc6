import type { SecretClient } from '@azure/keyvault-secrets';
import { scrubSecrets } from '../observability/scrub-secrets';
import { SecretUnavailableError } from './errors';
import { pkcs12ToPem } from './pkcs12-to-pem';
import type { CredentialSource, TenantCredentialRef } from './types';

export type CredentialMaterial = { kind: 'certificate'; pem: string } | { kind: 'secret'; value: string };

const PEM = 'application/x-pem-file';
const PKCS12 = 'application/x-pkcs12';

/** Reads one tenant's credential item from Key Vault into memory and checks it is usable. */
export async function readCredentialMaterial(
  client: SecretClient,
  ref: TenantCredentialRef,
): Promise<{ material: CredentialMaterial; source: CredentialSource }> {
  const itemName = ref.credential.name;
  const fail = (cause: string) =>
    new SecretUnavailableError(ref.tenantName, client.vaultUrl, itemName, cause);
  let secret;
  try {
    secret = await client.getSecret(
      itemName,
      ref.credential.type === 'certificate' ? { outContentType: PEM } : {},
    );
  } catch (err) {
    throw fail(describeKeyVaultError(err));
  }
  const { properties, value } = secret;
  const source: CredentialSource = {
    vaultUrl: client.vaultUrl,
    itemName,
    version: properties.version,
    expiresOn: properties.expiresOn,
    contentType: properties.contentType,
  };
  if (properties.enabled === false)
    throw fail('the item is disabled; enable it or point the tenant at another item');
  if (!value) throw fail('the item has an empty value');
  if (ref.credential.type === 'secret') return { material: { kind: 'secret', value }, source };

  if (properties.contentType === PKCS12) {
    try {
      return { material: { kind: 'certificate', pem: pkcs12ToPem(value) }, source };
    } catch (err) {
      throw fail(`the PKCS#12 content cannot be read: ${(err as Error).message}`);
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
  if (e.statusCode === 404) return 'the item does not exist (404 SecretNotFound); check credential.name';
  if (e.statusCode === 403) {
    return `access denied (403 ${e.code ?? 'Forbidden'}); grant the worker identity "get" on secrets (Key Vault Secrets User)`;
  }
  if (e.statusCode === 401) return 'the worker identity was not accepted by the vault (401)';
  const said = e.message ? `: ${scrubSecrets(e.message).split('\n')[0]?.slice(0, 300)}` : '';
  if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError') {
    return `the worker identity could not get a token for Key Vault (${e.name}${said})`;
  }
  if (typeof e.statusCode === 'number') return `Key Vault answered ${e.statusCode} ${e.code ?? ''}${said}`;
  return `Key Vault is unreachable (${e.code ?? e.name ?? 'error'}${said})`;
}
