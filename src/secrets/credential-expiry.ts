import { credentialExpiryTimestamp } from '../observability/metrics';
import type { CredentialExpiryWarning, CredentialSource } from './types';

const DAY_MS = 86_400_000;

/** A warning when the item expires within `warningDays` of `now` (or has expired); undefined otherwise. */
export function credentialExpiryWarning(
  tenant: string,
  source: CredentialSource,
  now: Date,
  warningDays: number,
): CredentialExpiryWarning | undefined {
  const { expiresOn } = source;
  if (expiresOn === undefined || warningDays <= 0) return undefined;
  const msLeft = expiresOn.getTime() - now.getTime();
  if (msLeft > warningDays * DAY_MS) return undefined;
  // Whole days, a started day counting: 19.99 days left is "in 20 days", 2 hours left "in 1 day".
  const daysLeft = msLeft > 0 ? Math.ceil(msLeft / DAY_MS) : Math.floor(msLeft / DAY_MS);
  const date = expiresOn.toISOString().slice(0, 10);
  const when =
    msLeft > 0 ? `expires on ${date} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'})` : `expired on ${date}`;
  return {
    expiresOn,
    daysLeft,
    message:
      `The app credential of tenant "${tenant}" in Key Vault item "${source.itemName}" (${source.vaultUrl}) ` +
      `${when}: create a new secret or certificate for the app and store it as a new version of the item.`,
  };
}

/** crw_credential_expiry_timestamp_seconds{tenant}: set whenever an item with an expiry date is read. */
export function recordCredentialExpiry(tenant: string, source: CredentialSource): void {
  if (source.expiresOn === undefined) credentialExpiryTimestamp.remove({ tenant });
  else credentialExpiryTimestamp.set({ tenant }, Math.floor(source.expiresOn.getTime() / 1000));
}
