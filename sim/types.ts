// Contracts between the parts of the simulated Microsoft cloud (sim/). src/ never imports sim/.
import type { IncomingHttpHeaders } from 'node:http';

/** One HTTP request as the sim's router hands it to a service handler (body fully read). */
export interface SimRequest {
  method: string;
  /** Absolute URL as the client addressed it (scheme, host and port from the Host header). */
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A response: `body` that is not a Buffer or string is sent as JSON (application/json). */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Claims of an access token the sim issued and verified. */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  /** Client id of the application (or the managed identity's client id). */
  appid: string;
  oid: string;
  /** Application permissions granted (Graph: e.g. "User.Read.All"; Exchange: "Exchange.ManageAsApp"). */
  roles: string[];
  iat: number;
  nbf: number;
  exp: number;
}

/** How a simulated tenant is made; everything else follows deterministically from these. */
export interface SimTenantOptions {
  /** Short name, also the tenant name in crw config (e.g. "contoso"). */
  name: string;
  seed: number;
  users: number;
  /** Credential kind of the tenant's scanning app, stored in the sim's Key Vault. */
  credential: 'certificate' | 'secret';
  /** Entra ID licences; default both true. Without p2 PIM endpoints answer 400 AadPremiumLicenseRequired. */
  licences?: { p1: boolean; p2: boolean };
  /** Application permissions granted to the scanning app; default: every read permission the controls need. */
  grantedPermissions?: string[];
}

/** What the sim tells clients once it listens (also written as the --ready-file JSON). */
export interface SimReady {
  /** https://127.0.0.1:PORT — authority host for @azure/identity (tenants live at /{tenantId}). */
  authorityHost: string;
  /** Graph base URL without version (clients call `${graphUrl}/v1.0/...`). */
  graphUrl: string;
  exchangeUrl: string;
  /** The one simulated vault, served at the root of its own origin. */
  keyVaultUrl: string;
  /** App Service style managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER values (plain http, as on Azure). */
  managedIdentity: { endpoint: string; header: string; clientId: string };
  /** IMDS style: value for AZURE_POD_IDENTITY_AUTHORITY_HOST (plain http). */
  imdsAuthorityHost: string;
  /** PEM file of the CA that signed the sim's TLS certificate. */
  caFile: string;
  /** Every date in the generated tenants is relative to this instant (ISO 8601): the "now" of their ground truth. */
  referenceTime: string;
  /** Tenant of the vault and of the worker's own identities. */
  operatorTenantId: string;
  /** An app registration in the operator tenant allowed to read the vault (worker identity type clientSecret). */
  workerApp: { clientId: string; clientSecret: string };
  tenants: SimTenantInfo[];
}

export interface SimTenantInfo {
  name: string;
  tenantId: string;
  clientId: string;
  domain: string;
  users: number;
  seed: number;
  /** Key Vault item holding the scanning app's credential. */
  credential: { type: 'certificate' | 'secret'; name: string };
  /** The tenant's break-glass accounts (for settings.breakGlass). */
  breakGlass: string[];
  /** A shared mailbox of the tenant that can send report mail (mail.from), given Mail.Send. */
  reportSender: string;
}

/**
 * A generated tenant (sim/tenant/): its directory content is a pure function of its options, produced lazily
 * (user i is a function of seed and i), and it answers Graph v1.0 requests for itself.
 */
export interface SimTenant {
  readonly options: Required<Pick<SimTenantOptions, 'name' | 'seed' | 'users' | 'credential'>> & {
    licences: { p1: boolean; p2: boolean };
    grantedPermissions: string[];
  };
  readonly tenantId: string;
  /** Client id of the tenant's scanning app registration. */
  readonly clientId: string;
  /** Primary domain, e.g. "contoso.onmicrosoft.com". */
  readonly domain: string;
  /**
   * Answers one Graph request whose path starts with /v1.0/. The caller has already verified the bearer token
   * (audience Graph, tid == tenantId); permission checks against claims.roles happen here.
   */
  handleGraph(req: SimRequest, claims: AccessTokenClaims): SimResponse | Promise<SimResponse>;
}

/** Expected results per control, computed from the generator's own parameters (never via src/controls/). */
export interface ExpectedResults {
  tenant: { name: string; tenantId: string };
  controls: ExpectedControl[];
}

export interface ExpectedControl {
  id: string;
  status: 'pass' | 'fail' | 'error' | 'skipped';
  /** assetName of each finding, sorted as results.json sorts findings. */
  findingAssetNames: string[];
}
