import { GraphClient } from '../cloud/graph-client';
import type { HttpClient } from '../cloud/http-client';
import { collectTenantSnapshot } from '../collectors/tenant-snapshot';
import { GLOBAL_ADMINISTRATOR, type ControlContext } from '../controls/control';
import { evaluateControls } from '../controls/evaluate-controls';
import type { Logger } from '../observability/logger';
import { buildRunResults } from '../reports/results-json';
import { writeRunReport } from '../reports/write-run-report';
import type { SecretProvider, TenantCredentialRef } from '../secrets/types';
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
  const credential = await services.secrets.getTenantCredential(credentialRef(tenant));
  logger.info(
    { keyVaultItem: credential.source.itemName, version: credential.source.version },
    'tenant credential ready',
  );
  signal?.throwIfAborted();

  const graph = new GraphClient({
    baseUrl: services.graph.url,
    resource: services.graph.resource,
    credential: credential.tokenCredential,
    http: services.http,
    ...(signal ? { signal } : {}),
  });
  progress({ phase: 'collect' });
  // Global Administrator is always collected: CRW-ID-02 counts it whatever the privileged role list says.
  const roleIds = [...new Set([...tenant.settings.privilegedRoles, GLOBAL_ADMINISTRATOR])];
  const snapshot = await collectTenantSnapshot(graph, roleIds, (p) => progress({ phase: 'collect', ...p }));

  progress({ phase: 'evaluate' });
  const controls = evaluateControls(tenant.controls, {
    tenant: { name: tenant.name, tenantId: tenant.tenantId },
    settings: tenant.settings,
    privilegedAccess: snapshot.privilegedAccess,
    registrations: snapshot.registrations,
  });

  progress({ phase: 'report' });
  const results = buildRunResults({
    tenant: { name: tenant.name, tenantId: tenant.tenantId },
    runId,
    startedAt,
    finishedAt: new Date(),
    controls,
  });
  const paths = await writeRunReport(services.reportsDir, results);
  logger.info({ workbookPath: paths.workbookPath, summary: results.summary }, 'report written');
  progress({ phase: 'done' });
  return {
    tenant: tenant.name,
    runId,
    workbookPath: paths.workbookPath,
    resultsPath: paths.resultsPath,
    summary: results.summary,
  };
}

function credentialRef(tenant: ScanTenant): TenantCredentialRef {
  return {
    tenantName: tenant.name,
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    credential: tenant.credential,
  };
}
