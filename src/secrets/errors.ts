/** A tenant's credential could not be read from Key Vault; names the tenant, vault and item, never a value. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
  constructor(
    readonly tenant: string,
    readonly vaultUrl: string,
    readonly itemName: string,
    readonly problem: string,
    /** true when Key Vault was throttled or down (retries ran out): running the job later may succeed. */
    readonly transient = false,
  ) {
    super(`tenant "${tenant}": cannot read Key Vault item "${itemName}" from ${vaultUrl}: ${problem}`);
  }
}

/**
 * The token endpoint refused the tenant's app credential, also after the latest version of its Key Vault item
 * was read again: the item does not hold a credential the app registration accepts.
 */
export class CredentialRejectedError extends Error {
  override readonly name = 'CredentialRejectedError';
  constructor(
    readonly tenant: string,
    readonly vaultUrl: string,
    readonly itemName: string,
    readonly version: string | undefined,
    readonly clientId: string,
    /** The Entra ID error, e.g. "AADSTS7000215 (invalid client secret)"; never the credential. */
    readonly reason: string,
  ) {
    super(
      `tenant "${tenant}": the token endpoint rejected the app credential from Key Vault item "${itemName}"` +
        `${version ? ` (version ${version})` : ''} in ${vaultUrl}, also after re-reading the item's latest ` +
        `version: ${reason}. Put the app's current secret or certificate into that item (or add the item's ` +
        `credential to app ${clientId} in the tenant), then run the scan again.`,
    );
  }
}

/** The worker's own identity is misconfigured (e.g. the client secret env var is empty). */
export class WorkerIdentityError extends Error {
  override readonly name = 'WorkerIdentityError';
}
