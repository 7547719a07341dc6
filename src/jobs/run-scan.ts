import { GraphClient } from '../cloud/graph-client';
import type { HttpClient } from '../cloud/http-client';
import { collectTenantSnapshot } from '../collectors/tenant-snapshot';
import { IMPLEMENTED_CONTROLS } from '../controls/catalogue';
import { GLOBAL_ADMINISTRATOR, type CollectedPart, type ControlContext } from '../controls/control';
import { evaluateControls } from '../controls/evaluate-controls';
import {
  analysePermissions,
  controlNeeds,
  missingPermissionReason,
  type PermissionAnalysis,
} from '../controls/permissions';
import type { Logger } from '../observability/logger';
import { buildRunResults } from '../reports/results-json';
import type { ReportNotice } from '../reports/workbook-layout';
import { writeRunReport } from '../reports/write-run-report';
import { acquireTokenRoles, TokenDecodeError } from '../secrets/token-permissions';
import type { SecretProvider, TenantCredential, TenantCredentialRef } from '../secrets/types';
import { permissionNotices } from './permission-notices';
import type { ScanJobResult, ScanProgress } from './scan-job';

/** What a scan needs from the process: built once (see scan-services.ts), shared by all jobs. */
export interface ScanServices {
  secrets: SecretProvider;
  http: HttpClient;
  graph: { url: string; resource: string };
  reportsDir: string;
}

/** The tenant as the scan sees it (a subset of the configured tenant). */
export interface ScanTenant {
  name: string;
  tenantId: string;
  clientId: string;
  credential: { type: 'certificate' | 'secret'; name: string };
  controls: readonly string[];
  settings: ControlContext['settings'];
}

export interface ScanRequest {
  tenant: ScanTenant;
  runId: string;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
}

/** One run for one tenant: credentials → collect → evaluate → report. */
export async function runScan(services: ScanServices, request: ScanRequest): Promise<ScanJobResult> {
  const { tenant, runId, logger, signal } = request;
  const progress = request.onProgress ?? (() => undefined);
  const startedAt = new Date();

  progress({ phase: 'credentials' });
  const credential = await services.secrets.getTenantCredential(credentialRef(tenant), {
    logger,
    ...(signal ? { signal } : {}),
  });
  logger.info(
    { keyVaultItem: credential.source.itemName, version: credential.source.version },
    'tenant credential ready',
  );
  const credentialNotices: ReportNotice[] = [];
  if (credential.expiryWarning) {
    const { expiresOn, message } = credential.expiryWarning;
    logger.warn({ keyVaultItem: credential.source.itemName, expiresOn }, message);
    credentialNotices.push({ kind: 'credential-expiry', message });
  }
  signal?.throwIfAborted();

  const graph = new GraphClient({
    baseUrl: services.graph.url,
    resource: services.graph.resource,
    credential: credential.tokenCredential,
    http: services.http,
    ...(signal ? { signal } : {}),
  });
  const access = await checkPermissions(services, tenant, credential, logger);
  const app = { clientId: tenant.clientId, tenantId: tenant.tenantId };
  const blocked = new Map(access.blocked.map((b) => [b.controlId, missingPermissionReason(b, app)]));
  const notices = permissionNotices(access, app);
  for (const notice of notices) logger.warn({ notice: notice.kind }, notice.message);
  signal?.throwIfAborted();

  progress({ phase: 'collect' });
  // Global Administrator is always collected: CRW-ID-02 counts it whatever the privileged role list says.
  const roleIds = [...new Set([...tenant.settings.privilegedRoles, GLOBAL_ADMINISTRATOR])];
  const snapshot = await collectTenantSnapshot(
    graph,
    roleIds,
    (p) => progress({ phase: 'collect', ...p }),
    partsToCollect(access.runnable),
  );

  progress({ phase: 'evaluate' });
  const controls = evaluateControls(
    tenant.controls,
    {
      tenant: { name: tenant.name, tenantId: tenant.tenantId },
      settings: tenant.settings,
      privilegedAccess: snapshot.privilegedAccess,
      registrations: snapshot.registrations,
    },
    blocked,
  );

  progress({ phase: 'report' });
  const results = buildRunResults({
    tenant: { name: tenant.name, tenantId: tenant.tenantId },
    runId,
    startedAt,
    finishedAt: new Date(),
    controls,
  });
  const paths = await writeRunReport(services.reportsDir, results, [...credentialNotices, ...notices]);
  logger.info({ workbookPath: paths.workbookPath, summary: results.summary }, 'report written');
  progress({ phase: 'done' });
  return {
    tenant: tenant.name,
    runId,
    workbookPath: paths.workbookPath,
    resultsPath: paths.resultsPath,
    summary: results.summary,
    controls: results.controls.map((c) => ({ id: c.id, status: c.status, findings: c.findings.length })),
  };
}

/**
 * Least privilege: which selected, implemented controls the Graph token's app roles let run. The token is
 * fetched once here (the credential caches it for the collectors). Token errors propagate as before.
 */
async function checkPermissions(
  services: ScanServices,
  tenant: ScanTenant,
  credential: TenantCredential,
  logger: Logger,
): Promise<PermissionAnalysis> {
  const selected = IMPLEMENTED_CONTROLS.map((c) => c.meta.id).filter((id) => tenant.controls.includes(id));
  let graphRoles: string[];
  try {
    graphRoles = await acquireTokenRoles(credential.tokenCredential, services.graph.resource);
  } catch (err) {
    if (!(err instanceof TokenDecodeError)) throw err;
    // An unreadable token is no reason to skip the scan: Graph still enforces the permissions.
    logger.warn({ err }, 'app roles could not be read from the Graph token; running every selected control');
    return { runnable: selected, blocked: [], excess: [] };
  }
  // No implemented control calls Exchange yet, so no Exchange token is requested: `exchange: null` would block
  // such a control with "no access token" until this asks for one.
  return analysePermissions(controlNeeds(selected), { graph: graphRoles, exchange: null });
}

/** The snapshot parts the runnable controls read; a blocked control's data is not requested. */
function partsToCollect(runnable: readonly string[]): Set<CollectedPart> {
  const parts = IMPLEMENTED_CONTROLS.filter((c) => runnable.includes(c.meta.id)).flatMap((c) => c.reads);
  return new Set(parts);
}

function credentialRef(tenant: ScanTenant): TenantCredentialRef {
  return {
    tenantName: tenant.name,
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    credential: tenant.credential,
  };
}
