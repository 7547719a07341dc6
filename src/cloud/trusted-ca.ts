import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/**
 * The CA list for every HTTPS client: Node's public roots plus the configured extra CA file, if any.
 * Passing `ca` replaces Node's roots, so they are added back explicitly; without an extra CA the default
 * trust store is used unchanged (undefined).
 */
export function loadTrustedCa(caFile: string | undefined): string[] | undefined {
  if (!caFile) return undefined;
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read cloud.caFile "${caFile}": ${(err as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(
      `cloud.caFile "${caFile}" holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`,
    );
  }
  return [...rootCertificates, pem];
}
