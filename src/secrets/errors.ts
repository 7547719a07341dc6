/** A tenant's credential could not be read from Key Vault; names the tenant, vault and item, never a value. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
  constructor(
    readonly tenant: string,
    readonly vaultUrl: string,
    readonly itemName: string,
    readonly problem: string,
  ) {
    super(`tenant "${tenant}": cannot read Key Vault item "${itemName}" from ${vaultUrl}: ${problem}`);
  }
}

/** The worker's own identity is misconfigured (e.g. the client secret env var is empty). */
export class WorkerIdentityError extends Error {
  override readonly name = 'WorkerIdentityError';
}
