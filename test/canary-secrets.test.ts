// Acceptance (issue 4): known secret values and tokens are planted, scans run with failures on every path (bad
// secret, revoked tokens, Graph 500s, Key Vault 403), and none of the planted values appears in logs, error
// messages (BullMQ failedReason and stacktrace, CLI stderr), results.json, workbooks, Redis keys and values, or
// /metrics output.
//
// What is planted: each tenant's Key Vault item value at every version the test makes (client secrets; for
// certificates the base64 PFX and 40-character runs of the private key in PKCS#1 and PKCS#8 PEM), the worker
// app's client secret and a wrong one handed to a CLI run, the managed identity endpoint's header secret, and
// every access token anyone presented to sim/ during the test. Tokens are taken from the requests as sim/'s
// servers receive them (diagnostics_channel "http.server.request.start": sim/ runs in this process), so they are
// exactly the tokens the worker and the CLI children really held (Graph and Key Vault), not look-alikes that the
// test fetched itself; nothing is added to sim/.
import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Job, JobsOptions, Queue, QueueEvents } from 'bullmq';
import forge from 'node-forge';
import { pkcs12Base64ToPem } from '../sim/keyvault/certificate-secrets';
import { loadTrustedCa } from '../src/cloud/trusted-ca';
import { newRunId } from '../src/jobs/run-id';
import type { ScanServices } from '../src/jobs/run-scan';
import { createScanServices } from '../src/jobs/scan-services';
import { SCAN_JOB_NAME } from '../src/jobs/scan-job';
import { createWorkerCredential } from '../src/secrets/worker-credential';
import { startWorkerHttpServer, type WorkerHttpServer } from '../src/worker/http-server';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker, type RunningScanWorker } from '../src/worker/scan-worker';
import { dumpKeys } from './helpers/redis-keys';
import { childEnv, CLI, openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { workbookXmlText } from './helpers/workbook-reader';

const TENANTS = [
  { name: 'alpha', seed: 11, users: 60, credential: 'secret' as const }, // bad secret in the vault
  { name: 'bravo', seed: 12, users: 60, credential: 'certificate' as const }, // tokens revoked mid-scan
  { name: 'charlie', seed: 13, users: 60, credential: 'secret' as const }, // Graph 500s
  { name: 'delta', seed: 14, users: 60, credential: 'certificate' as const }, // Key Vault 403
  { name: 'echo', seed: 15, users: 60, credential: 'certificate' as const }, // no fault
];

/** Two quick attempts: the retry path runs too, and a failing job is final without a long backoff. */
const JOB_OPTIONS: JobsOptions = { attempts: 2, backoff: { type: 'fixed', delay: 10 } };

interface Planted {
  what: string;
  value: string;
}

interface CliRun {
  what: string;
  code: number | null;
  output: string;
}

describe('canary: no planted secret or token leaks on any failure path', () => {
  let ws: SimWorkspace;
  let services: ScanServices;
  let running: RunningScanWorker;
  let http: WorkerHttpServer;
  let queue: Queue;
  let events: QueueEvents;
  const planted: Planted[] = [];
  const presentedTokens = new Set<string>();
  const outcomes = new Map<string, { state: 'completed' | 'failed'; job: Job }>();
  const cliRuns: CliRun[] = [];
  let metricsText = '';
  let graph500sAt30Percent = 0;

  const onRequest = (message: unknown) => {
    const headers = (message as { request: IncomingMessage }).request.headers;
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer) presentedTokens.add(bearer);
  };

  /** The item's current value, planted (with its key runs for certificates). */
  const plantItem = (tenant: (typeof TENANTS)[number], label: string) => {
    const item = itemName(tenant);
    const value = ws.sim.keyVaultItemValue(item);
    if (!value) throw new Error(`no Key Vault value for ${item}`);
    planted.push({ what: `${item} (${label})`, value });
    if (tenant.credential === 'certificate') {
      for (const run of privateKeyRuns(value))
        planted.push({ what: `${item} private key (${label})`, value: run });
    }
    return value;
  };

  /** Queues a scan and waits until it completed or failed for good. */
  const scan = async (scenario: string, tenant: string) => {
    const job = await queue.add(SCAN_JOB_NAME, { tenant, runId: newRunId(), trigger: 'manual' }, JOB_OPTIONS);
    let state: 'completed' | 'failed' = 'completed';
    await job.waitUntilFinished(events, 120_000).catch(() => (state = 'failed'));
    outcomes.set(scenario, { state, job: (await queue.getJob(job.id!))! });
  };

  beforeAll(async () => {
    diagnosticsChannel.subscribe('http.server.request.start', onRequest);
    ws = await openSimWorkspace('canary', { tenants: TENANTS });
    for (const tenant of TENANTS) plantItem(tenant, 'initial');
    planted.push({ what: 'worker app client secret', value: ws.sim.ready.workerApp.clientSecret });
    planted.push({ what: 'managed identity header', value: ws.sim.ready.managedIdentity.header });

    services = createScanServices(ws.config);
    running = startScanWorker(ws.config, services, ws.logger);
    http = await startWorkerHttpServer(ws.config, running, ws.logger, { host: '127.0.0.1', port: 0 });
    queue = openScanQueue(ws.config);
    events = openScanQueueEvents(ws.config);
    await events.waitUntilReady();

    // Order matters: revoking tokens also revokes the worker's Key Vault token, so it comes last.
    await scan('no fault', 'echo');

    ws.sim.setFaults({
      seed: 7,
      rules: [{ fault: 'http-500', target: 'graph', rate: 0.3, retryAfterSeconds: 0 }],
    });
    await scan('graph 500 at 30%', 'charlie');
    graph500sAt30Percent = ws.sim.stats().faultsFired['http-500'] ?? 0;
    ws.sim.setFaults([{ fault: 'http-500', target: 'graph', rate: 1, retryAfterSeconds: 0 }]);
    await scan('graph 500 always', 'charlie');
    ws.sim.clearFaults();

    ws.sim.setKeyVaultItemEnabled(itemName(TENANTS[3]!), false);
    await scan('key vault 403', 'delta');

    // The token endpoint now refuses the secret that the vault holds again (a rotation half undone).
    const alpha = TENANTS[0]!;
    const oldSecret = ws.sim.keyVaultItemValue(itemName(alpha))!;
    await ws.sim.rotateTenantCredential(alpha.name, { keepOld: false });
    plantItem(alpha, 'rotated');
    await vaultAsWorkerApp(ws).setSecret(itemName(alpha), oldSecret);
    await scan('bad secret', 'alpha');

    await ws.sim.revokeTokens({ afterGraphRequests: 5 });
    await scan('tokens revoked mid-scan', 'bravo');

    // The same failures through `crw scan --once` in child processes (their own tokens), worker app identity.
    ws.rewriteConfig((doc) =>
      Object.assign(doc.workerIdentity, {
        type: 'clientSecret',
        tenantId: ws.sim.ready.operatorTenantId,
        clientId: ws.sim.ready.workerApp.clientId,
      }),
    );
    const workerSecret = ws.sim.ready.workerApp.clientSecret;
    cliRuns.push(await runCli(ws, 'key vault 403', 'delta', workerSecret));
    cliRuns.push(await runCli(ws, 'bad secret', 'alpha', workerSecret));
    const wrongWorkerSecret = `${workerSecret.slice(0, 20)}${'Zq8~'.repeat(5)}`;
    planted.push({ what: 'wrong worker app client secret', value: wrongWorkerSecret });
    cliRuns.push(await runCli(ws, 'bad worker secret', 'echo', wrongWorkerSecret));
    ws.sim.setFaults([{ fault: 'http-500', target: 'graph', rate: 1, retryAfterSeconds: 0 }]);
    cliRuns.push(await runCli(ws, 'graph 500 always', 'charlie', workerSecret));
    ws.sim.clearFaults();

    metricsText = await (await fetch(`${http.url}/metrics`)).text();
  });

  afterAll(async () => {
    diagnosticsChannel.unsubscribe('http.server.request.start', onRequest);
    await running?.close(5000);
    await http?.close();
    services?.http.close();
    await events?.close();
    await queue?.close();
    await ws?.close();
  });

  const outcome = (scenario: string) => outcomes.get(scenario)!;
  const cli = (what: string) => cliRuns.find((run) => run.what === what)!;

  it('ran every failure path for real', () => {
    expect(outcome('no fault').state).toBe('completed');
    expect(outcome('graph 500 at 30%').state).toBe('completed');
    expect(outcome('graph 500 always').state).toBe('failed');
    expect(outcome('graph 500 always').job.failedReason).toContain('Graph 500');
    expect(outcome('key vault 403').state).toBe('failed');
    expect(outcome('key vault 403').job.failedReason).toMatch(/cannot read Key Vault item .*403/);
    expect(outcome('bad secret').state).toBe('failed');
    expect(outcome('bad secret').job.failedReason).toContain('7000215'); // Entra: invalid client secret
    // Revoked tokens may be recovered from or fail the job; the revocation itself must have happened.
    expect(ws.sim.stats().faultsFired['revoke-tokens']).toBeGreaterThanOrEqual(1);
    expect(graph500sAt30Percent).toBeGreaterThan(0);
    expect(ws.logLines.some((line) => line.includes('"scan failed"'))).toBe(true);

    for (const run of cliRuns)
      expect({ what: run.what, code: run.code }).toEqual({ what: run.what, code: 3 });
    expect(cli('key vault 403').output).toMatch(/cannot read Key Vault item .*403/);
    // The token endpoint refused the worker app's secret (AADSTS7000215) while reading the vault.
    expect(cli('bad worker secret').output).toMatch(/Key Vault item .*7000215/);
    expect(cli('graph 500 always').output).toContain('Graph 500');
    expect(presentedTokens.size).toBeGreaterThan(5);
  });

  it('finds no planted value in logs, errors, reports, workbooks, Redis or /metrics', async () => {
    const haystacks: Array<[string, string]> = [['worker log', ws.logLines.join('\n')]];
    for (const [scenario, { job }] of outcomes) {
      haystacks.push([`failedReason (${scenario})`, job.failedReason ?? '']);
      haystacks.push([`stacktrace (${scenario})`, (job.stacktrace ?? []).join('\n')]);
      haystacks.push([`returnvalue (${scenario})`, JSON.stringify(job.returnvalue ?? null)]);
    }
    for (const run of cliRuns) haystacks.push([`crw scan output (${run.what})`, run.output]);
    let reports = 0;
    for (const file of filesUnder(ws.config.reports.dir)) {
      reports++;
      const text = file.endsWith('.xlsx') ? await workbookXmlText(file) : readFileSync(file, 'utf8');
      haystacks.push([path.relative(ws.dir, file), text]);
    }
    for (const [key, value] of await dumpKeys(ws.prefix))
      haystacks.push([`redis ${key}`, `${key}\n${value}`]);
    haystacks.push(['/metrics', metricsText]);

    for (const token of presentedTokens) {
      planted.push({ what: 'access token', value: token });
      // A cut-off token still betrays its claims and signature.
      const [, payload = '', signature = ''] = token.split('.');
      planted.push({ what: 'access token payload', value: payload });
      planted.push({ what: 'access token signature', value: signature.slice(0, 40) });
    }
    expect(planted.every((p) => p.value.length >= 32)).toBe(true);
    expect(reports).toBeGreaterThanOrEqual(4); // results.json and report.xlsx of two completed scans
    expect(ws.logLines.length).toBeGreaterThan(20);
    expect(metricsText).toContain('crw_scans_total{tenant="charlie",status="failed"}');
    expect(haystacks.filter(([where]) => where.startsWith('redis ')).length).toBeGreaterThan(10);

    const leaks: string[] = [];
    for (const [where, text] of haystacks) {
      for (const { what, value } of planted) if (text.includes(value)) leaks.push(`${what} in ${where}`);
    }
    expect(leaks).toEqual([]);
  });
});

function itemName(tenant: (typeof TENANTS)[number]): string {
  return `crw-${tenant.name}-${tenant.credential === 'secret' ? 'secret' : 'cert'}`;
}

/** 40-character runs of the PFX's private key, in every PEM encoding the worker or the vault may produce. */
function privateKeyRuns(pfxBase64: string): string[] {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(pfxBase64)), '');
  const oid = forge.pki.oids.pkcs8ShroudedKeyBag!;
  const key = p12.getBags({ bagType: oid })[oid]![0]!.key!;
  const servedPem = pkcs12Base64ToPem(pfxBase64);
  const pkcs8 = servedPem.slice(servedPem.indexOf('-----BEGIN PRIVATE KEY-----'));
  const runs: string[] = [];
  for (const pem of [forge.pki.privateKeyToPem(key), pkcs8]) {
    for (const line of pem.split(/\r?\n/)) if (/^[A-Za-z0-9+/]{40,}/.test(line)) runs.push(line.slice(0, 40));
  }
  return runs;
}

/** The vault as the worker's app registration sees it (the test's hand for writing items). */
function vaultAsWorkerApp(ws: SimWorkspace): SecretClient {
  const ca = loadTrustedCa(ws.config.cloud.caFile);
  const credential = createWorkerCredential(
    {
      type: 'clientSecret',
      tenantId: ws.sim.ready.operatorTenantId,
      clientId: ws.sim.ready.workerApp.clientId,
      clientSecretEnv: 'CRW_WORKER_CLIENT_SECRET',
    },
    { authorityHost: ws.sim.ready.authorityHost, ...(ca ? { ca } : {}) },
    { CRW_WORKER_CLIENT_SECRET: ws.sim.ready.workerApp.clientSecret },
  );
  return new SecretClient(ws.sim.ready.keyVaultUrl, credential, {
    disableChallengeResourceVerification: true,
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
}

/** `crw scan --tenant NAME --once` as a child process (asynchronous: sim/ answers from this process). */
function runCli(ws: SimWorkspace, what: string, tenant: string, workerSecret: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'scan', '--tenant', tenant, '--once'], {
      env: { ...childEnv(ws), CRW_WORKER_CLIENT_SECRET: workerSecret, CRW_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ what, code, output }));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}
