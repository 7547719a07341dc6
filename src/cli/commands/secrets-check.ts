import { credentialRef } from '../../jobs/run-scan';
import { SecretClient } from '@azure/keyvault-secrets';
import { loadTrustedCa } from '../../cloud/trusted-ca';
import { findTenant } from '../../config/load-config';
import type { Config, TenantConfig } from '../../config/schema';
import { IMPLEMENTED_CONTROLS } from '../../controls/catalogue';
import {
  analysePermissions,
  controlNeeds,
  grantingPermission,
  type ControlNeeds,
  type PermissionAnalysis,
} from '../../controls/permissions';
import { createScanServices } from '../../jobs/scan-services';
import { describeKeyVaultError } from '../../secrets/key-vault-reader';
import { acquireTokenRoles, summarizeError } from '../../secrets/token-permissions';
import type { SecretProvider, TenantCredential } from '../../secrets/types';
import { createWorkerCredential } from '../../secrets/worker-credential';
import { EXIT } from '../exit-codes';
import { loadCliConfig, type GlobalOptions } from '../load';

export interface SecretsCheckOptions extends GlobalOptions {
  tenant?: string;
}

/** What one read of the tenant's Key Vault item showed (null: could not tell). */
export interface VaultProbe {
  reachable: boolean;
  found: boolean | null;
  enabled: boolean | null;
  contentType: string | null;
  expiresOn: Date | null;
  problem: string | null;
}

/** A token request's outcome: the token's app roles (never the token), or why there is none. */
export type TokenCheck = { ok: true; roles: string[] } | { ok: false; problem: string };

export interface TenantCheck {
  tenant: Pick<TenantConfig, 'name' | 'tenantId' | 'clientId' | 'credential'>;
  vaultUrl: string;
  vault: VaultProbe;
  /** Why the worker could not build the tenant credential from the item (null: it could). */
  credentialProblem: string | null;
  /** null when no credential was available to ask for a token. */
  graphToken: TokenCheck | null;
  exchangeToken: TokenCheck | null;
  needs: ControlNeeds[];
  analysis: PermissionAnalysis;
}

const PEM = 'application/x-pem-file';
const DAY_MS = 86_400_000;

/**
 * `crw secrets check [--tenant NAME]`: for each tenant, whether the worker can read its credential and what the
 * app's tokens allow, per selected control. No Redis. Exit 0 only when every selected control can run.
 */
export async function secretsCheckCommand(options: SecretsCheckOptions): Promise<number> {
  const config = loadCliConfig(options);
  const tenants = options.tenant === undefined ? config.tenants : [findTenant(config, options.tenant)];
  const services = createScanServices(config);
  const vault = vaultClient(config);
  try {
    let allRunnable = true;
    for (const tenant of tenants) {
      const check = await checkTenant(config, vault, services.secrets, tenant);
      process.stdout.write(`${formatTenantCheck(check, new Date())}\n`);
      if (check.analysis.blocked.length > 0) allRunnable = false;
    }
    return allRunnable ? EXIT.ok : EXIT.runtime;
  } finally {
    services.http.close();
  }
}

/** A Key Vault client as the worker's provider builds it, for the diagnostic read. */
function vaultClient(config: Config): SecretClient {
  const ca = loadTrustedCa(config.cloud.caFile);
  const cloud = { authorityHost: config.cloud.authorityHost, ...(ca ? { ca } : {}) };
  return new SecretClient(config.keyVault.url, createWorkerCredential(config.workerIdentity, cloud), {
    disableChallengeResourceVerification: !config.cloud.keyVaultChallengeResourceCheck,
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
}

export async function checkTenant(
  config: Config,
  vault: SecretClient,
  secrets: SecretProvider,
  tenant: TenantConfig,
): Promise<TenantCheck> {
  const probe = await probeVault(vault, tenant);
  let credential: TenantCredential | null = null;
  let credentialProblem: string | null = null;
  try {
    // The worker's own path (the provider), so the check exercises what a scan does.
    credential = await secrets.getTenantCredential(credentialRef(tenant));
  } catch (err) {
    credentialProblem = summarizeError(err);
  }
  const graphToken = credential && (await tokenCheck(credential, config.cloud.graphResource));
  const exchangeToken = credential && (await tokenCheck(credential, config.cloud.exchangeResource));
  const needs = controlNeeds(tenant.controls);
  const analysis = analysePermissions(needs, {
    graph: graphToken?.ok ? graphToken.roles : null,
    exchange: exchangeToken?.ok ? exchangeToken.roles : null,
  });
  return {
    tenant,
    vaultUrl: vault.vaultUrl,
    vault: probe,
    credentialProblem,
    graphToken,
    exchangeToken,
    needs,
    analysis,
  };
}

/** One read of the item, classified: the vault answered or not, the item exists, is enabled, and its dates. */
async function probeVault(vault: SecretClient, tenant: TenantConfig): Promise<VaultProbe> {
  const unknown = { found: null, enabled: null, contentType: null, expiresOn: null };
  try {
    const { properties } = await vault.getSecret(
      tenant.credential.name,
      tenant.credential.type === 'certificate' ? { outContentType: PEM } : {},
    );
    return {
      reachable: true,
      found: true,
      enabled: properties.enabled !== false,
      contentType: properties.contentType ?? null,
      expiresOn: properties.expiresOn ?? null,
      problem: null,
    };
  } catch (err) {
    const e = err as { statusCode?: unknown; details?: { error?: { innerError?: { code?: unknown } } } };
    const problem = describeKeyVaultError(err);
    if (e.statusCode === 404) return { reachable: true, ...unknown, found: false, problem };
    if (e.statusCode === 403 && e.details?.error?.innerError?.code === 'SecretDisabled')
      return { reachable: true, ...unknown, found: true, enabled: false, problem: 'the item is disabled' };
    return { reachable: typeof e.statusCode === 'number', ...unknown, problem };
  }
}

async function tokenCheck(credential: TenantCredential, resource: string): Promise<TokenCheck> {
  try {
    return { ok: true, roles: await acquireTokenRoles(credential.tokenCredential, resource) };
  } catch (err) {
    return { ok: false, problem: summarizeError(err) };
  }
}

/** Pure: the check of one tenant as a block of "label  value" lines and a table of the selected controls. */
export function formatTenantCheck(check: TenantCheck, now: Date): string {
  const { tenant, vault, analysis } = check;
  const rows: Array<[string, string]> = [
    ['Key Vault item', `${tenant.credential.name} (${tenant.credential.type}) in ${check.vaultUrl}`],
    ['vault reachable', vault.reachable ? 'yes' : `no: ${vault.problem ?? 'unknown error'}`],
    ['item found', describeItem(vault)],
    ['content type', vault.contentType ?? '-'],
    ['expires in', vault.found && vault.enabled ? expiresIn(vault.expiresOn, now) : '-'],
    ['credential usable', check.credentialProblem === null ? 'yes' : `no: ${check.credentialProblem}`],
    ['Graph token', describeToken(check.graphToken)],
    ['Exchange token', describeToken(check.exchangeToken)],
  ];
  const directoryRoles = exchangeDirectoryRoles(check.needs);
  for (const [role, controls] of directoryRoles) {
    rows.push([
      'Exchange role',
      `${role} (for ${controls.join(', ')}): not visible in a token, not verified; assign it to the app in Entra ID`,
    ]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = [
    `Tenant ${tenant.name} (tenant ${tenant.tenantId}, app ${tenant.clientId})`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    '',
    `  ${'control'.padEnd(12)}${'status'.padEnd(9)}application permissions`,
  ];
  const implemented = new Set(IMPLEMENTED_CONTROLS.map((c) => c.meta.id));
  const granted = {
    graph: check.graphToken?.ok ? new Set(check.graphToken.roles) : null,
    exchange: check.exchangeToken?.ok ? new Set(check.exchangeToken.roles) : null,
  };
  for (const need of check.needs) {
    const blocked = analysis.blocked.find((b) => b.controlId === need.controlId);
    const details: string[] = [];
    if (blocked && blocked.missing.length > 0) details.push(`missing ${blocked.missing.join(', ')}`);
    for (const resource of blocked?.noToken ?? []) details.push(`no ${tokenLabel(resource)} token`);
    const needed = [
      ...need.graph.map((p) => describeNeed(p, granted.graph)),
      ...need.exchange.map((p) => `${describeNeed(p, granted.exchange)} (Exchange)`),
    ];
    details.push(`needs ${needed.join(', ')}`);
    if (!implemented.has(need.controlId)) details.push('not implemented in this version');
    lines.push(
      `  ${need.controlId.padEnd(12)}${(blocked ? 'BLOCKED' : 'OK').padEnd(9)}${details.join('; ')}`,
    );
  }
  lines.push('');
  if (analysis.excess.length > 0) {
    const them = analysis.excess.length === 1 ? 'it' : 'them';
    lines.push(
      `  excess permissions: ${analysis.excess.join(', ')} (write access no selected control needs: remove ${them} from the app registration)`,
    );
  }
  const blockedIds = analysis.blocked.map((b) => b.controlId);
  lines.push(
    blockedIds.length === 0
      ? `  result: every selected control can run (${check.needs.length})`
      : `  result: ${blockedIds.length} of ${check.needs.length} selected controls blocked: ${blockedIds.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

function describeItem(vault: VaultProbe): string {
  if (vault.found === null) return '-';
  if (!vault.found) return `no: ${vault.problem ?? 'not found'}`;
  return vault.enabled ? 'yes, enabled' : 'yes, DISABLED: enable it or point the tenant at another item';
}

/** "364 days (2027-03-01)", "never", or "EXPIRED 3 days ago (…)". */
export function expiresIn(expiresOn: Date | null, now: Date): string {
  if (expiresOn === null) return 'never';
  const date = expiresOn.toISOString().slice(0, 10);
  const days = Math.floor(Math.abs(expiresOn.getTime() - now.getTime()) / DAY_MS);
  const count = `${days} day${days === 1 ? '' : 's'}`;
  return expiresOn.getTime() > now.getTime() ? `${count} (${date})` : `EXPIRED ${count} ago (${date})`;
}

function describeToken(token: TokenCheck | null): string {
  if (token === null) return 'not requested (no usable credential)';
  if (!token.ok) return `no: ${token.problem}`;
  const roles = [...token.roles].sort();
  return roles.length === 0 ? 'yes, no application permissions' : `yes: ${roles.join(', ')}`;
}

/** "User.Read.All", or "User.Read.All via Directory.Read.All" when a broader grant gives it (missing ones are named apart). */
function describeNeed(permission: string, granted: ReadonlySet<string> | null): string {
  const via = granted === null ? undefined : grantingPermission(permission, granted);
  return via === undefined || via === permission ? permission : `${permission} via ${via}`;
}

function tokenLabel(resource: 'graph' | 'exchange'): string {
  return resource === 'graph' ? 'Graph' : 'Exchange';
}

function exchangeDirectoryRoles(needs: readonly ControlNeeds[]): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  for (const need of needs) {
    if (need.exchangeDirectoryRole === null) continue;
    roles.set(need.exchangeDirectoryRole, [...(roles.get(need.exchangeDirectoryRole) ?? []), need.controlId]);
  }
  return roles;
}
