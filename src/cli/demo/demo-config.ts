import { stringify } from 'yaml';

/** The parts of sim/'s ready file (its documented JSON contract) that the demo configuration needs. */
export interface SimReadyFile {
  authorityHost: string;
  graphUrl: string;
  exchangeUrl: string;
  keyVaultUrl: string;
  managedIdentity: { endpoint: string; header: string };
  caFile: string;
  /** The "now" of the generated tenants (their sign-in dates are relative to it). */
  referenceTime?: string;
  /** The sim's control API (JSON under /_sim), e.g. GET /_sim/mail: the messages sent through its Graph. */
  controlUrl?: string;
  tenants: Array<{
    name: string;
    tenantId: string;
    clientId: string;
    credential: { type: 'certificate' | 'secret'; name: string };
    breakGlass?: string[];
    /** A shared mailbox of the tenant that may send report mail. */
    reportSender?: string;
    domain?: string;
  }>;
}

export interface SimConfigOptions {
  redisUrl: string;
  redisPrefix: string;
  reportsDir: string;
  shutdownGraceSeconds?: number;
  /** worker.jobLockSeconds; left out = the default (30). */
  jobLockSeconds?: number;
  /** worker.httpPort; left out = the default (9464). */
  httpPort?: number;
}

/**
 * A crw configuration (as the YAML document's object) for sim/: the production shape pointed at a custom
 * cloud with its own CA, the worker signing in to Key Vault with a managed identity exactly as in Azure.
 */
export function simConfigDocument(sim: SimReadyFile, options: SimConfigOptions) {
  return {
    redis: { url: options.redisUrl, prefix: options.redisPrefix },
    reports: { dir: options.reportsDir },
    log: { level: 'info' },
    worker: {
      concurrency: 2,
      attempts: 3,
      backoffSeconds: 2,
      shutdownGraceSeconds: options.shutdownGraceSeconds ?? 10,
      ...(options.jobLockSeconds !== undefined && { jobLockSeconds: options.jobLockSeconds }),
      ...(options.httpPort !== undefined && { httpPort: options.httpPort }),
    },
    cloud: {
      name: 'custom',
      authorityHost: sim.authorityHost,
      graphUrl: sim.graphUrl,
      graphResource: 'https://graph.microsoft.com',
      exchangeUrl: sim.exchangeUrl,
      exchangeResource: 'https://outlook.office365.com',
      keyVaultChallengeResourceCheck: false,
      caFile: sim.caFile,
    },
    keyVault: { url: sim.keyVaultUrl },
    workerIdentity: { type: 'managedIdentity' },
    tenants: sim.tenants.map((t) => ({
      name: t.name,
      tenantId: t.tenantId,
      clientId: t.clientId,
      credential: t.credential,
      schedules: [{ name: 'weekly', cron: '0 6 * * 1', tz: 'Europe/Berlin' }],
      controls: ['CRW-ID-01', 'CRW-ID-02'],
    })),
  };
}

/** The demo scans every control, with the tenant's own break-glass accounts exempt as CONTROLS.md intends. */
export function demoConfigYaml(sim: SimReadyFile, redisUrl: string, reportsDir: string): string {
  const document = simConfigDocument(sim, { redisUrl, redisPrefix: 'crw-demo', reportsDir });
  const tenants = document.tenants.map((tenant, i) => {
    const { controls: _selected, ...everyControl } = tenant;
    const info = sim.tenants[i];
    // The report is mailed through the sim's Graph from the tenant's support mailbox (the sim keeps the message).
    const mail =
      info?.reportSender === undefined
        ? {}
        : {
            mail: {
              via: 'graph',
              from: info.reportSender,
              to: [`compliance-officer@${info.domain ?? 'contoso.example'}`],
              attachResults: true,
            },
          };
    return { ...everyControl, settings: { breakGlass: info?.breakGlass ?? [] }, ...mail };
  });
  return `# Written by "crw demo": sim/ as a custom cloud. Safe to delete.\n${stringify({ ...document, tenants })}`;
}
