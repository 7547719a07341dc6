import { MemoryScanCheckpoint } from '../checkpoints/memory-scan-checkpoint';
import type { ScanCheckpoint } from '../checkpoints/scan-checkpoint';
import { ExchangeClient } from '../cloud/exchange-client';
import { GraphClient } from '../cloud/graph-client';
import type { HttpClient } from '../cloud/http-client';
import { throttleGovernorFor } from '../cloud/throttle-registry';
import { collectExchangeSnapshot } from '../collectors/exchange-snapshot';
import type { CollectProgress, ProgressSink } from '../collectors/progress';
import {
  ALL_SNAPSHOT_PARTS,
  collectTenantSnapshot,
  type SnapshotPart,
  type TenantSnapshot,
} from '../collectors/tenant-snapshot';
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
import { pruneRuns } from '../reports/retention';
import type { ReportNotice } from '../reports/workbook-layout';
import { writeRunReport } from '../reports/write-run-report';
import { acquireTokenRoles, summarizeError, TokenDecodeError } from '../secrets/token-permissions';
import type { SecretProvider, TenantCredential, TenantCredentialRef } from '../secrets/types';
import { scanMailboxes } from './mailbox-scan';
import { permissionNotices } from './permission-notices';
import { reportInventory } from './report-inventory';
import { reportDigest, type ReportDigest } from '../delivery/report-digest';
import { GRAPH_MAIL_PERMISSIONS } from '../delivery/graph-mail-transport';
import { sideBySide } from './side-by-side';
import { scanUsers } from './user-scan';
import type { ScanJobResult, ScanProgress } from './scan-job';

/** Each control's remediation text for the Findings sheet. */
const REMEDIATION: ReadonlyMap<string, string> = new Map(
  IMPLEMENTED_CONTROLS.map((c) => [c.meta.id, c.meta.remediation]),
);

/** What a scan needs from the process: built once (see scan-services.ts), shared by all jobs. */
export interface ScanServices {
  secrets: SecretProvider;
  http: HttpClient;
  graph: { url: string; resource: string };
  exchange: { url: string; resource: string };
  reportsDir: string;
  /** Complete runs kept per tenant in the report store (reports.keepRuns). */
  keepRuns: number;
  /** The instant controls judge against (ID-09); the wall clock unless a test pins it. */
  now?: () => Date;
}

/** The tenant as the scan sees it (a subset of the configured tenant). */
export interface ScanTenant {
  name: string;
  tenantId: string;
  clientId: string;
  credential: { type: 'certificate' | 'secret'; name: string };
  controls: readonly string[];
  settings: ControlContext['settings'];
  /** How the report is mailed: Graph mail permissions are then expected, not excess. */
  mail?: { via: 'graph' | 'smtp' };
}

export interface ScanRequest {
  tenant: ScanTenant;
  runId: string;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  /** Where collection progress is saved; a job that resumes passes the same run's checkpoint (default: memory). */
  checkpoint?: ScanCheckpoint;
  /**
   * Called once the report is complete in the store, before the checkpoint is deleted (e.g. to queue its mail
   * delivery): if it fails, the job's retry resumes from the checkpoint and calls it again.
   */
  onReportWritten?: (report: WrittenReport) => Promise<void>;
}

/** A complete report in the store, with what its mail says. */
export interface WrittenReport {
  tenant: string;
  runId: string;
  directory: string;
  workbookPath: string;
  resultsPath: string;
  digest: ReportDigest;
}

/** One run for one tenant: credentials → collect → evaluate → report. */
export async function runScan(services: ScanServices, request: ScanRequest): Promise<ScanJobResult> {
  const { tenant, runId, logger, signal } = request;
  const progress = request.onProgress ?? (() => undefined);
  const checkpoint = request.checkpoint ?? new MemoryScanCheckpoint();
  // A resumed run keeps its first start's instants: the same run window, the same judgement of staleness.
  const { facts, resumed } = await checkpoint.begin({
    startedAt: new Date().toISOString(),
    now: (services.now?.() ?? new Date()).toISOString(),
  });
  if (resumed) logger.info({ startedAt: facts.startedAt }, 'resuming the run from its checkpoint');

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

  // One client per side: each stops when its side's signal aborts.
  const graphClient = (streamSignal: AbortSignal) =>
    new GraphClient({
      baseUrl: services.graph.url,
      resource: services.graph.resource,
      credential: credential.tokenCredential,
      http: services.http,
      signal: streamSignal,
      throttle: throttleGovernorFor(tenant.tenantId, 'graph'),
    });
  const access = await checkPermissions(services, tenant, credential, logger);
  const app = { clientId: tenant.clientId, tenantId: tenant.tenantId };
  const blocked = new Map(access.blocked.map((b) => [b.controlId, missingPermissionReason(b, app)]));
  const notices = permissionNotices(access, app);
  for (const notice of notices) logger.warn({ notice: notice.kind }, notice.message);
  signal?.throwIfAborted();

  progress({ phase: 'collect' });
  const judging = {
    tenant: { name: tenant.name, tenantId: tenant.tenantId },
    settings: tenant.settings,
    now: new Date(facts.now),
  };
  const onCollect = (p: CollectProgress) => progress({ phase: 'collect', ...p });
  // Entra ID and Exchange share no data: both sides collect at once, each resuming from its own checkpoint parts.
  const [identity, exchange] = await sideBySide(
    signal,
    (streamSignal) =>
      collectIdentity(graphClient(streamSignal), tenant, access.runnable, judging, {
        checkpoint,
        logger,
        onCollect,
      }),
    (streamSignal) =>
      collectExchange(services, tenant, credential, graphClient(streamSignal), access.runnable, judging, {
        checkpoint,
        onCollect,
        logger,
        signal: streamSignal,
      }),
  );
  const context: ControlContext = { ...judging, ...identity, ...exchange };

  progress({ phase: 'evaluate' });
  const controls = evaluateControls(tenant.controls, context, blocked);

  progress({ phase: 'report' });
  const results = buildRunResults({
    tenant: { name: tenant.name, tenantId: tenant.tenantId },
    runId,
    startedAt: new Date(facts.startedAt),
    finishedAt: new Date(),
    controls,
  });
  const paths = await writeRunReport(services.reportsDir, results, {
    notices: [...credentialNotices, ...notices],
    remediation: REMEDIATION,
    inventory: await reportInventory(checkpoint, context),
  });
  logger.info({ workbookPath: paths.workbookPath, summary: results.summary }, 'report written');
  await request.onReportWritten?.({
    tenant: tenant.name,
    runId,
    directory: paths.directory,
    workbookPath: paths.workbookPath,
    resultsPath: paths.resultsPath,
    digest: reportDigest(results, paths.drift),
  });
  // Retention: a run that cannot be pruned costs disk space, never this run's success.
  await pruneRuns(services.reportsDir, tenant.name, services.keepRuns, { keep: paths.directory }).then(
    ({ removed, failed }) => {
      for (const { directory, reason } of failed) logger.warn({ directory, reason }, 'old run not pruned');
      logger.info({ removed: removed.length, keepRuns: services.keepRuns }, 'old runs pruned');
    },
    (err: unknown) => logger.warn({ err }, 'old runs could not be pruned'),
  );
  // The report is complete: the checkpoint has served its purpose (its keys would expire anyway).
  await checkpoint
    .clear()
    .catch((err: unknown) => logger.warn({ err }, 'checkpoint could not be deleted; it expires by itself'));
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
 * Entra ID data of the runnable controls: the tenant snapshot (saved whole in the checkpoint), then every user
 * streamed once through the per-user controls (never all users in memory).
 */
async function collectIdentity(
  graph: GraphClient,
  tenant: ScanTenant,
  runnable: readonly string[],
  judging: Pick<ControlContext, 'tenant' | 'settings' | 'now'>,
  run: { checkpoint: ScanCheckpoint; logger: Logger; onCollect: ProgressSink },
): Promise<TenantSnapshot & Pick<ControlContext, 'userScan'>> {
  // Global Administrator is always collected: CRW-ID-02 counts it whatever the privileged role list says.
  const roleIds = [...new Set([...tenant.settings.privilegedRoles, GLOBAL_ADMINISTRATOR])];
  const snapshot = await savedOrCollected(run.checkpoint, 'tenantSnapshot', () =>
    collectTenantSnapshot(graph, roleIds, run.onCollect, partsToCollect(runnable)),
  );
  const userControls = IMPLEMENTED_CONTROLS.filter(
    (c) => c.judgeUsers && c.reads.includes('userScan') && runnable.includes(c.meta.id),
  );
  if (userControls.length === 0) return snapshot;
  const context: ControlContext = { ...judging, ...snapshot };
  const userScan = await scanUsers(graph, userControls, context, run.checkpoint, run.onCollect, run.logger);
  return { ...snapshot, userScan };
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
  const exchangeRoles = await exchangeTokenRoles(services, selected, credential, logger);
  if (exchangeRoles === 'unreadable') return { runnable: selected, blocked: [], excess: [] };
  const mailPermissions = tenant.mail?.via === 'graph' ? GRAPH_MAIL_PERMISSIONS : [];
  return analysePermissions(
    controlNeeds(selected),
    { graph: graphRoles, exchange: exchangeRoles },
    mailPermissions,
  );
}

/**
 * The Exchange token's app roles when a selected control calls Exchange; null when none does or no token could
 * be had (those controls are then `error` with the reason, the others still run).
 */
async function exchangeTokenRoles(
  services: ScanServices,
  selected: readonly string[],
  credential: TenantCredential,
  logger: Logger,
): Promise<string[] | null | 'unreadable'> {
  if (!controlNeeds(selected).some((need) => need.exchange.length > 0)) return null;
  try {
    return await acquireTokenRoles(credential.tokenCredential, services.exchange.resource);
  } catch (err) {
    if (err instanceof TokenDecodeError) {
      logger.warn(
        { err },
        'app roles could not be read from the Exchange token; running every selected control',
      );
      return 'unreadable';
    }
    logger.warn({ err: summarizeError(err) }, 'no access token for Exchange Online; its controls cannot run');
    return null;
  }
}

type ExchangeParts = Pick<ControlContext, 'exchangeOrganization' | 'acceptedDomains' | 'mailboxScan'>;

const EXCHANGE_PARTS: ReadonlySet<CollectedPart> = new Set([
  'exchangeOrganization',
  'acceptedDomains',
  'mailboxScan',
]);

/**
 * Exchange data of the runnable controls: organization settings and accepted domains into the context, then
 * every mailbox streamed once through the per-mailbox controls (their findings land in `mailboxScan`).
 */
async function collectExchange(
  services: ScanServices,
  tenant: ScanTenant,
  credential: TenantCredential,
  graph: GraphClient,
  runnable: readonly string[],
  judging: Pick<ControlContext, 'tenant' | 'settings' | 'now'>,
  run: { checkpoint: ScanCheckpoint; onCollect: ProgressSink; logger: Logger; signal: AbortSignal },
): Promise<ExchangeParts> {
  const { checkpoint, onCollect, logger, signal } = run;
  const controls = IMPLEMENTED_CONTROLS.filter((c) => runnable.includes(c.meta.id));
  const parts = new Set<CollectedPart>(controls.flatMap((c) => c.reads).filter((p) => EXCHANGE_PARTS.has(p)));
  if (parts.size === 0) return {};
  const exchange = new ExchangeClient({
    baseUrl: services.exchange.url,
    resource: services.exchange.resource,
    tenantId: tenant.tenantId,
    credential: credential.tokenCredential,
    http: services.http,
    signal,
    throttle: throttleGovernorFor(tenant.tenantId, 'exchange'),
  });
  const settings = await savedOrCollected(checkpoint, 'exchangeSnapshot', () =>
    collectExchangeSnapshot(exchange, parts),
  );
  if (!parts.has('mailboxScan')) return settings;
  // The per-mailbox judges read only Exchange data (accepted domains), never the identity side's.
  const context = { ...judging, ...settings } as ControlContext;
  // Inbox rules come from Graph through this side's own client (same token, same retries).
  const mailboxControls = controls.filter((c) => c.judgeMailboxes !== undefined);
  const mailboxScan = await scanMailboxes(
    exchange,
    graph,
    mailboxControls,
    context,
    checkpoint,
    onCollect,
    logger,
  );
  return { ...settings, mailboxScan };
}

/** A part an earlier attempt of the run saved, else collected now and saved for the attempts after this one. */
async function savedOrCollected<T>(
  checkpoint: ScanCheckpoint,
  name: string,
  collect: () => Promise<T>,
): Promise<T> {
  const saved = await checkpoint.loadPart(name);
  if (saved !== undefined) return saved as T;
  const value = await collect();
  await checkpoint.savePart(name, value);
  return value;
}

/** The snapshot parts the runnable controls read; a blocked control's data is not requested. */
function partsToCollect(runnable: readonly string[]): Set<SnapshotPart> {
  const parts = IMPLEMENTED_CONTROLS.filter((c) => runnable.includes(c.meta.id)).flatMap((c) => c.reads);
  // Users are no snapshot part: they stream through the per-user controls afterwards.
  return new Set(parts.filter((p): p is SnapshotPart => ALL_SNAPSHOT_PARTS.has(p as SnapshotPart)));
}

/** Which Key Vault item holds the tenant's app credential (scans and Graph mail use the same). */
export function credentialRef(
  tenant: Pick<ScanTenant, 'name' | 'tenantId' | 'clientId' | 'credential'>,
): TenantCredentialRef {
  return {
    tenantName: tenant.name,
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    credential: tenant.credential,
  };
}
