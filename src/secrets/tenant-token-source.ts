import type { AccessToken, GetTokenOptions } from '@azure/identity';
import type { Logger } from '../observability/logger';
import { CredentialRejectedError } from './errors';
import type { TenantAppCredential } from './tenant-credential';
import type { CredentialSource, RenewableTokenCredential } from './types';

/** Entra ID errors that mean "this credential is not (or no longer) the app's": re-reading the item may help. */
const REJECTION_CODES: Readonly<Record<string, string>> = {
  '7000215': 'invalid client secret',
  '7000222': 'the client secret has expired',
  '700027': 'the certificate is not registered on the app, or the client assertion is not valid',
  '700016': 'the application was not found in the tenant',
  '7000112': 'the application is disabled',
};

/**
 * Why the token endpoint rejected the credential ("AADSTS7000215 (invalid client secret)"), or undefined when
 * `err` is no such rejection (network, throttling, anything else). @azure/identity reports a rejection as an
 * AuthenticationError or, through MSAL, an AuthenticationRequiredError carrying the AADSTS code in its message.
 */
export function credentialRejectionReason(err: unknown): string | undefined {
  const e = err as { name?: unknown; message?: unknown };
  if (e.name !== 'AuthenticationError' && e.name !== 'AuthenticationRequiredError') return undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const code = /AADSTS(\d+)/.exec(message)?.[1] ?? /Error\(s\):\s*(\d+)/.exec(message)?.[1];
  const known = code === undefined ? undefined : REJECTION_CODES[code];
  if (known !== undefined) return `AADSTS${code} (${known})`;
  if (/^invalid_client\b/.test(message)) return `invalid_client${code ? ` (AADSTS${code})` : ''}`;
  return undefined;
}

/**
 * A tenant's token credential that survives credential rotation: when the token endpoint rejects the credential
 * it uses, it asks `reload` for the item's latest version (one Key Vault read, shared by every caller that saw
 * the same rejection), and retries once. A second rejection is a CredentialRejectedError.
 */
export class TenantTokenSource implements RenewableTokenCredential {
  constructor(
    private current: TenantAppCredential,
    private readonly reload: (rejected: TenantAppCredential) => Promise<TenantAppCredential>,
    private readonly logger?: Logger,
  ) {}

  /** The item version in use now (changes after a re-read). */
  get source(): CredentialSource {
    return this.current.source;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const used = this.current;
    try {
      return await used.getToken(scopes, options);
    } catch (err) {
      const reason = credentialRejectionReason(err);
      if (reason === undefined) throw err;
      this.logger?.warn(
        { keyVaultItem: used.source.itemName, version: used.source.version, reason },
        'the token endpoint rejected the tenant credential; reading the latest version from Key Vault',
      );
      const fresh = await this.reload(used);
      this.current = fresh;
      try {
        return await fresh.getToken(scopes, options);
      } catch (retryErr) {
        const again = credentialRejectionReason(retryErr);
        if (again === undefined) throw retryErr;
        const { ref, source } = fresh;
        throw new CredentialRejectedError(
          ref.tenantName,
          source.vaultUrl,
          source.itemName,
          source.version,
          ref.clientId,
          again,
        );
      }
    }
  }

  renewTokens(rejectedToken?: string): void {
    this.current.renewTokens(rejectedToken);
  }
}
