// startSim: the simulated Microsoft cloud on 127.0.0.1. One https origin serves Entra ID, Graph, Exchange (not yet)
// and Key Vault; one plain-http origin serves the managed identity endpoint. Returns the SimReady facts plus the
// controls tests use (stats, token revocation and lifetime, credential rotation, stop).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphError } from './graph-errors';
import { createGraphHandler } from './graph-gateway';
import { startHttpServer, type SimHandler, type SimHttpServer } from './http-server';
import { AccessTokenService } from './identity/access-tokens';
import { AppRegistry, createClientSecret, type AppRegistration } from './identity/app-registrations';
import { entraError } from './identity/entra-errors';
import { stableGuid } from './identity/ids';
import {
  APP_SERVICE_IDENTITY_PATH,
  handleManagedIdentityRequest,
  type ManagedIdentityContext,
} from './identity/managed-identity';
import { KNOWN_RESOURCES } from './identity/resources';
import { createIdentityRouter } from './identity/routes';
import { credentialItemName, issueAppCredential, registerScanningApp } from './identity/scanning-apps';
import { createKeyVaultHandler } from './keyvault/handler';
import { SecretStore } from './keyvault/secret-store';
import { createSimTenant } from './tenant/index';
import { prepareTls } from './tls';
import type { AccessTokenClaims, SimReady, SimResponse, SimTenant, SimTenantOptions } from './types';

export interface SimOptions {
  /** https port; 0 (default) = random. The managed identity endpoint always gets a random port. */
  port?: number;
  /** Where ca.pem is written; default a fresh temporary folder, removed by stop(). */
  dataDir?: string;
  tenants: SimTenantOptions[];
  /** Lifetime of issued access tokens; default 3600. */
  tokenLifetimeSeconds?: number;
  /** Delay before every Graph response; default 0. */
  graphLatencyMs?: number;
}

export interface SimStats {
  /** Token endpoint requests by client_id (managed identity requests are counted apart). */
  tokenRequests: Record<string, number>;
  /** GETs of one secret (latest or a version) by item name. */
  keyVaultReads: Record<string, number>;
  /** Graph requests by path without query. */
  graphRequests: Record<string, number>;
  managedIdentityRequests: number;
}

export interface RotatedCredential {
  itemName: string;
  /** The new Key Vault version. */
  version: string;
}

export interface SimHandle {
  ready: SimReady;
  stats(): SimStats;
  /** Every access token issued so far stops working (401 InvalidAuthenticationToken on Graph). */
  revokeTokens(): Promise<void>;
  /** Lifetime of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /**
   * New secret or certificate for the tenant's scanning app, registered with the token endpoint and stored as a
   * new Key Vault version; unless keepOld, the token endpoint refuses the previous credential from now on.
   */
  rotateTenantCredential(name: string, options?: { keepOld?: boolean }): Promise<RotatedCredential>;
  tenant(name: string): SimTenant;
  /** Latest value of a Key Vault item (for tests that check a secret never leaks). */
  keyVaultItemValue(name: string): string | undefined;
  /** Graph's check of a bearer header: the claims, or Graph's ready 401 response. */
  verifyAccessToken(
    authorizationHeader: string | undefined,
    expectedAudience: string,
    nowMs?: number,
  ): AccessTokenClaims | SimResponse;
  /** Closes both servers and every open connection; removes the data folder if the sim created it. */
  stop(): Promise<void>;
}

interface TenantEntry {
  tenant: SimTenant;
  app: AppRegistration;
  itemName: string;
}

export async function startSim(options: SimOptions): Promise<SimHandle> {
  // Tenants first: their options are validated before anything touches the disk or the network.
  rejectDuplicateTenantNames(options.tenants);
  const generatedTenants = options.tenants.map((tenantOptions) => createSimTenant(tenantOptions));

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
  generatedTenants: SimTenant[],
  options: SimOptions,
): Promise<SimHandle> {
  const [tls, tokens] = await Promise.all([
    prepareTls(dataDir),
    AccessTokenService.create(options.tokenLifetimeSeconds ?? 3600),
  ]);
  const registry = new AppRegistry();
  const store = new SecretStore();
  const counters = {
    tokenRequests: new Map<string, number>(),
    graphRequests: new Map<string, number>(),
    mi: 0,
  };

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
    generatedTenants.map(async (tenant): Promise<TenantEntry> => {
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
  const graph = createGraphHandler({
    tokens,
    tenantById: (tenantId) => tenantsById.get(tenantId),
    latencyMs: () => graphLatencyMs,
    recordRequest: (pathWithoutQuery) => increment(counters.graphRequests, pathWithoutQuery),
  });

  httpsHandler = (req) => {
    const pathname = req.url.pathname;
    if (pathname === '/secrets' || pathname.startsWith('/secrets/')) return keyVault(req);
    if (pathname.startsWith('/v1.0/') || pathname.startsWith('/beta/')) return graph(req);
    if (pathname.startsWith('/adminapi/')) {
      return graphError(404, 'NotFound', 'The Exchange admin API is not simulated yet.', req.headers);
    }
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
  const managedIdentityContext: ManagedIdentityContext = {
    tokens,
    authorityHost,
    operatorTenantId,
    identity: managedIdentity,
    identityHeader,
    knownResources: KNOWN_RESOURCES,
    recordRequest: () => {
      counters.mi += 1;
    },
  };
  miHandler = (req) => handleManagedIdentityRequest(req, managedIdentityContext);

  const ready: SimReady = {
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
    })),
  };

  function entry(name: string): TenantEntry {
    const found = tenants.get(name);
    if (!found) throw new Error(`No sim tenant named '${name}' (tenants: ${[...tenants.keys()].join(', ')})`);
    return found;
  }

  let stopped: Promise<void> | undefined;
  return {
    ready,
    stats: () => ({
      tokenRequests: Object.fromEntries(counters.tokenRequests),
      keyVaultReads: store.readCounts(),
      graphRequests: Object.fromEntries(counters.graphRequests),
      managedIdentityRequests: counters.mi,
    }),
    revokeTokens: () => tokens.revokeAll(),
    setTokenLifetime: (seconds) => tokens.setLifetime(seconds),
    rotateTenantCredential: async (name, rotateOptions = {}) => {
      const { tenant, app, itemName } = entry(name);
      const issued = await issueAppCredential(tenant.options.credential, name);
      registry.addCredential(app, issued.credential, { keepOld: rotateOptions.keepOld ?? false });
      return { itemName, version: store.set(itemName, issued.vaultItem).version };
    },
    tenant: (name) => entry(name).tenant,
    keyVaultItemValue: (name) => store.latest(name)?.value,
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
