import { HttpClient } from '../cloud/http-client';
import { loadTrustedCa } from '../cloud/trusted-ca';
import type { Config } from '../config/schema';
import { KeyVaultSecretProvider } from '../secrets/key-vault-provider';
import { createWorkerCredential } from '../secrets/worker-credential';
import type { ScanServices } from './run-scan';

/** Test hooks of createScanServices. */
export interface ScanServicesOverrides {
  /** How Key Vault retries wait (default: a real, abortable timer); tests record the delays instead. */
  keyVaultSleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The instant controls judge "now" by (e.g. staleness); default the wall clock. */
  now?: () => Date;
}

/** Builds the process-wide clients a scan uses (one HTTP agent, one Key Vault provider and its cache). */
export function createScanServices(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ScanServicesOverrides = {},
): ScanServices {
  const ca = loadTrustedCa(config.cloud.caFile);
  const cloud = { authorityHost: config.cloud.authorityHost, ...(ca ? { ca } : {}) };
  const workerCredential = createWorkerCredential(config.workerIdentity, cloud, env);
  return {
    secrets: new KeyVaultSecretProvider({
      vaultUrl: config.keyVault.url,
      workerCredential,
      cloud,
      challengeResourceCheck: config.cloud.keyVaultChallengeResourceCheck,
      cacheTtlMs: config.credentials.cacheTtlHours * 3_600_000,
      expiryWarningDays: config.credentials.expiryWarningDays,
      retry: {
        maxRetries: config.credentials.keyVaultRetries,
        initialDelayMs: config.credentials.keyVaultRetryDelaySeconds * 1000,
        ...(overrides.keyVaultSleep ? { sleep: overrides.keyVaultSleep } : {}),
      },
    }),
    http: new HttpClient(ca ? { ca } : {}),
    graph: { url: config.cloud.graphUrl, resource: config.cloud.graphResource },
    exchange: { url: config.cloud.exchangeUrl, resource: config.cloud.exchangeResource },
    reportsDir: config.reports.dir,
    keepRuns: config.reports.keepRuns,
    ...(overrides.now ? { now: overrides.now } : {}),
  };
}
