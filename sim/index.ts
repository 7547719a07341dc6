// startSim: the simulated Microsoft cloud on 127.0.0.1. One https origin serves Entra ID, Graph, Exchange (not yet),
// Key Vault and the sim's control API (/_sim/); one plain-http origin serves the managed identity endpoint. Fault
// injection sits in front of both; Graph throttling in the Graph gateway. Returns the SimReady facts plus the
// controls (SimControls: stats, faults, throttling, tokens, credential rotation, Key Vault items) and stop().
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CONTROL_API_PREFIX,
  SimControlNotFoundError,
  type SimControlInfo,
  type SimControls,
} from './control-api/controls';
import { createControlApiHandler, isControlApiPath } from './control-api/handler';
import { createSimControls, type ScanningTenantEntry, type SimCounters } from './control-api/sim-controls';
import { FaultEngine } from './faults/fault-engine';
import { parseFaultsDocument, type FaultRule, type FaultsDocument } from './faults/fault-rules';
import { faultTargetOf } from './faults/targets';
import { withFaults, type FaultEffects } from './faults/with-faults';
import { graphError } from './graph-errors';
import { createExchangeHandler } from './exchange/handler';
import { createGraphHandler } from './graph-gateway';
import { MailStore } from './mail/store';
import { mailboxDirectoryOf } from './tenant/mailboxes';
import { handleMailUpload, isMailUploadPath } from './mail/upload';
import { startHttpServer, type SimHandler, type SimHttpServer } from './http-server';
import { createSelfSignedCertificate, type CertificateWithKey } from './ca';
import { AccessTokenService } from './identity/access-tokens';
import { AppRegistry, createClientSecret } from './identity/app-registrations';
import { entraError } from './identity/entra-errors';
import { stableGuid } from './identity/ids';
import {
  APP_SERVICE_IDENTITY_PATH,
  handleManagedIdentityRequest,
  type ManagedIdentityContext,
} from './identity/managed-identity';
import { GRAPH_RESOURCE, KNOWN_RESOURCES } from './identity/resources';
import { createIdentityRouter } from './identity/routes';
import { credentialItemName, issueAppCredential, registerScanningApp } from './identity/scanning-apps';
import { createKeyVaultHandler } from './keyvault/handler';
import { SecretStore } from './keyvault/secret-store';
import { createSimTenant, REFERENCE_TIME, type GeneratedTenant } from './tenant/index';
import { GraphThrottle } from './throttle/graph-throttle';
import type { Clock } from './throttle/token-bucket';
import { TrafficStats } from './throttle/traffic-stats';
import { prepareTls } from './tls';
import type { AccessTokenClaims, SimReady, SimResponse, SimTenant, SimTenantOptions } from './types';

export type { RotatedCredential, SimControls, SimMailbox, SimStats } from './control-api/controls';
export type { FaultKind, FaultRule, FaultTarget, FaultsDocument } from './faults/fault-rules';
export type { FaultRuleStatus } from './faults/fault-engine';
export type { Clock } from './throttle/token-bucket';

export interface SimOptions {
  /** https port; 0 (default) = random. The managed identity endpoint always gets a random port. */
  port?: number;
  /** Where ca.pem is written; default a fresh temporary folder, removed by stop(). */
  dataDir?: string;
  tenants: SimTenantOptions[];
  /** Lifetime of issued access tokens; default 3600. */
  tokenLifetimeSeconds?: number;
  /** Delay before every Graph response ($batch items included); default 0. */
  graphLatencyMs?: number;
  /** Graph throttling at the documented budgets (sim/throttle/); default false (raw speed). */
  throttling?: boolean;
  /** Fault rules active from the start (sim/faults/); default none. */
  faults?: FaultRule[] | FaultsDocument;
  /** Time of the throttling buckets and fault periods; default Date.now. Tests step a fake one. */
  clock?: Clock;
  /** How slow faults wait; default a real timer. Tests inject one to see delays without timing them. */
  sleep?: (ms: number) => Promise<void>;
  /** Sees every Graph request as it arrives ($batch envelopes with their body), e.g. to audit it against the CSDL. */
  onGraphRequest?: (method: string, url: URL, body: Buffer) => void;
}

export interface SimHandle extends SimControls {
  /** SimReady plus the control API's base URL (also in the --ready-file). */
  ready: SimReady & SimControlInfo;
  tenant(name: string): SimTenant;
  /** Latest value of a Key Vault item (for tests that check a secret never leaks). */
  keyVaultItemValue(name: string): string | undefined;
  /**
   * A new self-signed certificate registered on the worker app (operator tenant) next to its secret, for tests of
   * certificate sign-in by the worker itself. Returns the certificate and its private key (PEM).
   */
  addWorkerAppCertificate(): Promise<CertificateWithKey>;
  /** Graph's check of a bearer header: the claims, or Graph's ready 401 response. */
  verifyAccessToken(
    authorizationHeader: string | undefined,
    expectedAudience: string,
    nowMs?: number,
  ): AccessTokenClaims | SimResponse;
  /** Closes both servers and every open connection; removes the data folder if the sim created it. */
  stop(): Promise<void>;
}

export async function startSim(options: SimOptions): Promise<SimHandle> {
  // Tenants first: their options are validated before anything touches the disk or the network.
  rejectDuplicateTenantNames(options.tenants);
  const generatedTenants = options.tenants.map((tenantOptions) => createSimTenant(tenantOptions));
  if (options.faults) parseFaultsDocument(options.faults);

  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'crw-sim-')));
  try {
    await mkdir(dataDir, { recursive: true });
    return await startSimIn(dataDir, ownsDataDir, generatedTenants, options);
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startSimIn(
  dataDir: string,
  ownsDataDir: boolean,
  generatedTenants: GeneratedTenant[],
  options: SimOptions,
): Promise<SimHandle> {
  const [tls, tokens] = await Promise.all([
    prepareTls(dataDir),
    AccessTokenService.create(options.tokenLifetimeSeconds ?? 3600),
  ]);
  const registry = new AppRegistry();
  const store = new SecretStore();
  const counters: SimCounters = {
    tokenRequests: new Map<string, number>(),
    graphRequests: new Map<string, number>(),
    managedIdentityRequests: 0,
  };
  const clock = options.clock ?? Date.now;
  const throttle = new GraphThrottle(clock);
  throttle.setEnabled(options.throttling ?? false);
  const traffic = new TrafficStats();
  const faults = new FaultEngine(clock);
  if (options.faults) faults.set(parseFaultsDocument(options.faults));

  // The operator tenant: the vault's tenant, with the worker's own identities.
  const operatorTenantId = stableGuid('operator-tenant');
  registry.addTenant(operatorTenantId, ['crw-operator.onmicrosoft.com']);
  const workerAppSecret = createClientSecret();
  const workerApp = registry.register(
    {
      tenantId: operatorTenantId,
      clientId: stableGuid('worker-app'),
      displayName: 'crw worker',
      servicePrincipalId: stableGuid('worker-app-service-principal'),
      rolesByResource: {},
    },
    { type: 'secret', secret: workerAppSecret },
  );
  const managedIdentity = {
    clientId: stableGuid('managed-identity'),
    principalId: stableGuid('managed-identity-principal'),
  };
  const identityHeader = randomBytes(16).toString('hex');

  // Scanned tenants: scanning app registration and its credential, in the vault too.
  const entries = await Promise.all(
    generatedTenants.map(async (tenant): Promise<ScanningTenantEntry> => {
      const app = registerScanningApp(registry, tenant);
      const kind = tenant.options.credential;
      const issued = await issueAppCredential(kind, tenant.options.name);
      registry.addCredential(app, issued.credential, { keepOld: true });
      const itemName = credentialItemName(tenant.options.name, kind);
      store.set(itemName, issued.vaultItem);
      return { tenant, app, itemName };
    }),
  );
  const tenants = new Map(entries.map((entry) => [entry.tenant.options.name, entry]));
  const breakGlassByTenant = new Map(
    generatedTenants.map((tenant) => [tenant.options.name, tenant.describe().breakGlassUserPrincipalNames]),
  );
  const tenantsById = new Map(entries.map((entry) => [entry.tenant.tenantId, entry.tenant]));

  // Handlers need the listening origins, so the servers start with late-bound handlers.
  let httpsHandler: SimHandler = () => notReady();
  let miHandler: SimHandler = () => notReady();
  const servers: SimHttpServer[] = [];
  try {
    servers.push(
      await startHttpServer({
        port: options.port ?? 0,
        tls: {
          certificatePem: tls.serverCertificatePem,
          privateKeyPem: tls.serverPrivateKeyPem,
        },
        handler: (req) => httpsHandler(req),
      }),
    );
    servers.push(await startHttpServer({ port: 0, handler: (req) => miHandler(req) }));
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
  const [httpsServer, miServer] = servers as [SimHttpServer, SimHttpServer];
  const authorityHost = httpsServer.origin;

  const identityRouter = createIdentityRouter({
    registry,
    tokens,
    knownResources: KNOWN_RESOURCES,
    recordTokenRequest: (clientId) => increment(counters.tokenRequests, clientId),
  });
  const keyVault = createKeyVaultHandler({
    store,
    tokens,
    authorityHost,
    operatorTenantId,
    allowedAppIds: new Set([workerApp.clientId, managedIdentity.clientId]),
  });
  const graphLatencyMs = options.graphLatencyMs ?? 0;
  // Mail sent through Graph (sendMail, drafts, upload sessions), shared by every tenant, for tests to read.
  const mailStore = new MailStore();
  const exchange = createExchangeHandler({
    verify: (header, audience) => tokens.check(header, audience),
    tenantById: (tenantId) => tenantsById.get(tenantId),
  });
  const graph = createGraphHandler({
    mail: mailStore,
    onRequest: options.onGraphRequest ?? (() => undefined),
    tokens,
    tenantById: (tenantId) => tenantsById.get(tenantId),
    latencyMs: () => graphLatencyMs,
    recordRequest: (pathWithoutQuery) => increment(counters.graphRequests, pathWithoutQuery),
    throttle,
    traffic,
  });

  function entry(name: string): ScanningTenantEntry {
    const found = tenants.get(name);
    if (!found) {
      throw new SimControlNotFoundError(
        `No sim tenant named '${name}' (tenants: ${[...tenants.keys()].join(', ')})`,
      );
    }
    return found;
  }

  const controls = createSimControls({
    counters,
    tokens,
    store,
    registry,
    throttle,
    traffic,
    faults,
    tenantEntry: entry,
  });
  controls.registerMailbox(mailStore);
  const controlApi = createControlApiHandler(controls);
  const faultEffects: FaultEffects = {
    revokeTokens: () => tokens.revokeAll(),
    challengeClaims: () => void tokens.requireClaims(GRAPH_RESOURCE),
    sleep: options.sleep ?? ((ms) => delay(ms)),
  };

  const serveHttps: SimHandler = (req) => {
    const pathname = req.url.pathname;
    if (isControlApiPath(pathname)) return controlApi(req);
    if (pathname === '/secrets' || pathname.startsWith('/secrets/')) return keyVault(req);
    if (pathname.startsWith('/v1.0/') || pathname.startsWith('/beta/')) return graph(req);
    if (pathname.startsWith('/adminapi/')) return exchange(req);
    // Upload-session URLs carry their own token and no Authorization header, as Outlook's do.
    if (isMailUploadPath(pathname)) return handleMailUpload(req, mailStore);
    const route = identityRouter.match(req);
    if (route === 'method-not-allowed') {
      return entraError(
        405,
        'invalid_request',
        900561,
        `The endpoint only accepts ${req.method === 'GET' ? 'POST' : 'GET'} requests.`,
        req.headers,
      );
    }
    if (route) return route.handler(req, route.params);
    return graphError(404, 'NotFound', `Resource not found: ${pathname}`, req.headers);
  };
  httpsHandler = withFaults(serveHttps, faults, faultTargetOf, faultEffects);
  const managedIdentityContext: ManagedIdentityContext = {
    tokens,
    authorityHost,
    operatorTenantId,
    identity: managedIdentity,
    identityHeader,
    knownResources: KNOWN_RESOURCES,
    recordRequest: () => {
      counters.managedIdentityRequests += 1;
    },
  };
  miHandler = withFaults(
    (req) => handleManagedIdentityRequest(req, managedIdentityContext),
    faults,
    () => 'managed-identity',
    faultEffects,
  );

  const ready: SimReady & SimControlInfo = {
    authorityHost,
    graphUrl: authorityHost,
    exchangeUrl: authorityHost,
    keyVaultUrl: authorityHost,
    managedIdentity: {
      endpoint: `${miServer.origin}${APP_SERVICE_IDENTITY_PATH}`,
      header: identityHeader,
      clientId: managedIdentity.clientId,
    },
    imdsAuthorityHost: miServer.origin,
    caFile: tls.caFile,
    operatorTenantId,
    workerApp: { clientId: workerApp.clientId, clientSecret: workerAppSecret },
    tenants: [...tenants.values()].map(({ tenant, itemName }) => ({
      name: tenant.options.name,
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      domain: tenant.domain,
      users: tenant.options.users,
      seed: tenant.options.seed,
      credential: { type: tenant.options.credential, name: itemName },
      breakGlass: [...(breakGlassByTenant.get(tenant.options.name) ?? [])],
      reportSender: reportSenderOf(tenant),
    })),
    referenceTime: REFERENCE_TIME,
    controlUrl: `${authorityHost}${CONTROL_API_PREFIX}`,
  };

  let stopped: Promise<void> | undefined;
  return {
    ...controls,
    ready,
    tenant: (name) => entry(name).tenant,
    keyVaultItemValue: (name) => store.latest(name)?.value,
    addWorkerAppCertificate: async () => {
      const certificate = await createSelfSignedCertificate('crw-worker');
      registry.addCredential(
        workerApp,
        { type: 'certificate', certificatePem: certificate.certificatePem },
        { keepOld: true },
      );
      return certificate;
    },
    verifyAccessToken: (header, audience, nowMs) => tokens.verifyAccessToken(header, audience, nowMs),
    stop: () => {
      stopped ??= (async () => {
        await Promise.all([httpsServer.close(), miServer.close()]);
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function rejectDuplicateTenantNames(tenants: SimTenantOptions[]): void {
  const seen = new Set<string>();
  for (const { name } of tenants) {
    if (seen.has(name))
      throw new Error(`Duplicate sim tenant name '${name}': each tenant needs its own name`);
    seen.add(name);
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function notReady(): SimResponse {
  return {
    status: 503,
    headers: { 'retry-after': '1' },
    body: { error: { code: 'ServiceUnavailable', message: 'The sim is starting.' } },
  };
}

/** The tenant's "Support" shared mailbox: a sender for report mail in demos and tests (sendMail needs Mail.Send). */
function reportSenderOf(tenant: SimTenant): string {
  const mailbox = [...mailboxDirectoryOf(tenant).all()].find((m) => m.alias === 'support');
  if (!mailbox) throw new Error(`sim tenant ${tenant.options.name} has no support mailbox`);
  return mailbox.primarySmtpAddress;
}
