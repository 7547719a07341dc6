// Acceptance (issue 7): report mail through the "deliveries" queue, end to end. A scan job of a sim/ tenant queues
// its delivery when the report is complete; the delivery worker mails it (Graph sendMail through sim/, or a real SMTP
// server started here), retries on its own when the transport fails, and sends each run's message exactly once,
// also when a worker dies while the message is going out.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Job, type Queue, type QueueEvents } from 'bullmq';
import { simpleParser } from 'mailparser';
import type { SentMail } from '../sim/mail/store';
import { DEFAULT_GRANTED_PERMISSIONS } from '../sim/tenant';

import type { Config } from '../src/config/schema';
import { DELIVERY_QUEUE, deliveryJobId, type DeliveryJobResult } from '../src/jobs/delivery-job';
import { newRunId } from '../src/jobs/run-id';
import { createScanServices } from '../src/jobs/scan-services';
import { SCAN_JOB_NAME, type ScanJobResult } from '../src/jobs/scan-job';
import { deliveriesTotal } from '../src/observability/metrics';
import { listRuns } from '../src/reports/report-store';
import { openDeliveryQueue, openDeliveryQueueEvents } from '../src/worker/delivery-queue';
import { startDeliveryWorker, type RunningDeliveryWorker } from '../src/worker/delivery-worker';
import { scanJobOptions } from '../src/worker/queue-options';
import { openScanQueue, openScanQueueEvents } from '../src/worker/scan-queue';
import { startScanWorker, type RunningScanWorker } from '../src/worker/scan-worker';
import { applySchedules, schedulerId } from '../src/worker/schedules';
import { createCertificateAuthority, issueServerCertificate } from '../sim/ca';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import { startServer, type TestServer } from './helpers/smtp-test-server';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process';

const TENANT = 'contoso';
const MAIL_PERMISSIONS = ['Mail.Send', 'Mail.ReadWrite', 'Mail.ReadBasic.All'];
const RECIPIENTS = { to: ['ciso@contoso.example', 'audit@contoso.example'], cc: ['it@contoso.example'] };
/** The SMTP login: the password is a Key Vault secret of the sim (the tenant's own client secret serves). */
const SMTP_USER = 'reports@contoso.example';

type ConfigDocument = Parameters<Parameters<SimWorkspace['rewriteConfig']>[0]>[0];

async function openWorkspace(label: string): Promise<SimWorkspace> {
  return openSimWorkspace(
    label,
    {
      tenants: [
        {
          name: TENANT,
          seed: 1,
          users: 60,
          credential: 'secret',
          grantedPermissions: [...DEFAULT_GRANTED_PERMISSIONS, ...MAIL_PERMISSIONS],
        },
      ],
    },
    { jobLockSeconds: 2 },
  );
}

/** A few identity controls keep the scan short; the report and its mail are what is tested here. */
function configure(
  ws: SimWorkspace,
  edit: (document: ConfigDocument, mail: Record<string, unknown>) => void,
) {
  return ws.rewriteConfig((document) => {
    const sender = ws.sim.ready.tenants.find((t) => t.name === TENANT)!.reportSender;
    Object.assign(document, { delivery: { attempts: 4, backoffSeconds: 0 } });
    for (const tenant of document.tenants) {
      tenant.controls = ['CRW-ID-01', 'CRW-ID-02', 'CRW-ID-05'];
      const mail: Record<string, unknown> = { via: 'graph', from: sender, ...RECIPIENTS };
      Object.assign(tenant, { mail });
      edit(document, mail);
    }
  });
}

function allSent(ws: SimWorkspace): SentMail[] {
  return ws.sim.mail() as SentMail[];
}

function sentMessages(ws: SimWorkspace, messageId: string): SentMail[] {
  return allSent(ws).filter((m) => m.internetMessageId === messageId);
}

async function deliveryCount(tenant: string, outcome: string): Promise<number> {
  const metric = await deliveriesTotal.get();
  return metric.values
    .filter((v) => v.labels.tenant === tenant && v.labels.outcome === outcome)
    .reduce((n, v) => n + v.value, 0);
}

interface Queues {
  scans: Queue;
  scanEvents: QueueEvents;
  deliveries: Queue;
  deliveryEvents: QueueEvents;
  close(): Promise<void>;
}

async function openQueues(config: Config): Promise<Queues> {
  const scans = openScanQueue(config);
  const scanEvents = openScanQueueEvents(config);
  const deliveries = openDeliveryQueue(config);
  const deliveryEvents = openDeliveryQueueEvents(config);
  await Promise.all([scanEvents.waitUntilReady(), deliveryEvents.waitUntilReady()]);
  return {
    scans,
    scanEvents,
    deliveries,
    deliveryEvents,
    close: async () => {
      await Promise.all([scanEvents.close(), deliveryEvents.close()]);
      await Promise.all([scans.close(), deliveries.close()]);
    },
  };
}

/** The delivery job of a run, once the scan worker has queued it. */
async function deliveryJob(queues: Queues, runId: string): Promise<Job> {
  for (let i = 0; i < 200; i++) {
    const job = await Job.fromId(queues.deliveries, deliveryJobId(TENANT, runId));
    if (job) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no delivery job for run ${runId}`);
}

describe('report mail through the deliveries queue (in-process workers)', () => {
  let ws: SimWorkspace;
  let config: Config;
  let queues: Queues;
  let scanWorker: RunningScanWorker | undefined;
  let deliveryWorker: RunningDeliveryWorker | undefined;
  let services: ReturnType<typeof createScanServices> | undefined;

  beforeAll(async () => {
    ws = await openWorkspace('delivery');
  });
  afterEach(async () => {
    await Promise.all([scanWorker?.close(0), deliveryWorker?.close()]);
    services?.http.close();
    await queues?.close();
    scanWorker = deliveryWorker = services = undefined;
  });
  afterAll(() => ws.close());

  function startWorkers() {
    services = createScanServices(config);
    scanWorker = startScanWorker(config, services, ws.logger);
    deliveryWorker = startDeliveryWorker(config, services, ws.logger);
  }

  async function scanAndDeliver(): Promise<{
    scan: ScanJobResult;
    scanJob: Job;
    delivered: DeliveryJobResult;
    job: Job;
  }> {
    const runId = newRunId();
    const scanJob = await queues.scans.add(
      SCAN_JOB_NAME,
      { tenant: TENANT, runId, trigger: 'manual' },
      scanJobOptions(config.worker),
    );
    const scan = (await scanJob.waitUntilFinished(queues.scanEvents, 60_000)) as ScanJobResult;
    const job = await deliveryJob(queues, runId);
    const delivered = (await job.waitUntilFinished(queues.deliveryEvents, 60_000)) as DeliveryJobResult;
    return {
      scan,
      scanJob: (await Job.fromId(queues.scans, scanJob.id!))!,
      delivered,
      job: (await Job.fromId(queues.deliveries, job.id!))!,
    };
  }

  it('Graph: the scan queues one delivery; the sim receives the message with the report attached', async () => {
    config = configure(ws, () => undefined);
    queues = await openQueues(config);
    startWorkers();
    const { scan, delivered } = await scanAndDeliver();
    expect(delivered.status).toBe('sent');
    const [message, ...more] = sentMessages(ws, delivered.messageId!);
    expect(more).toHaveLength(0);
    expect(message!.subject).toMatch(/^Compliance report contoso \d{4}-\d{2}-\d{2}: score /);
    expect(message!.toRecipients.map((r) => r.address)).toEqual(RECIPIENTS.to);
    expect(message!.ccRecipients.map((r) => r.address)).toEqual(RECIPIENTS.cc);
    expect(message!.sender.address).toBe(ws.sim.ready.tenants[0]!.reportSender);
    const [attachment] = message!.attachments;
    expect(attachment!.name).toMatch(/^compliance-report-contoso-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(attachment!.bytes.equals(readFileSync(scan.workbookPath))).toBe(true);
    // The log names the report and the Message-ID, never the attachment's content.
    const line = ws.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.msg === 'report mailed');
    expect(line).toMatchObject({ messageId: delivered.messageId, workbookPath: scan.workbookPath });
  });

  it('Graph answer lost after the message went out: the retry finds it in Sent Items and sends nothing', async () => {
    config = configure(ws, () => undefined);
    queues = await openQueues(config);
    ws.sim.setFaults([
      { fault: 'drop-after-processing', target: 'graph', method: 'POST', path: '/sendMail$', once: true },
    ]);
    try {
      startWorkers();
      const { delivered, job } = await scanAndDeliver();
      expect(ws.sim.faults()[0]?.fired).toBe(1);
      expect(job.attemptsMade).toBe(2);
      expect(delivered.status).toBe('already-sent');
      expect(sentMessages(ws, delivered.messageId!)).toHaveLength(1);
    } finally {
      ws.sim.clearFaults();
    }
  });

  it('SMTP fails the first two attempts: the scan runs once, the message arrives once', async () => {
    const ca = await createCertificateAuthority('crw delivery test CA');
    const cert = await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
    const caFile = path.join(ws.dir, 'smtp-ca.pem');
    writeFileSync(caFile, ca.certificatePem);
    const password = ws.sim.keyVaultItemValue(ws.sim.ready.tenants[0]!.credential.name)!;
    let connections = 0;
    const server: TestServer = await startServer({
      key: cert.privateKeyPem,
      cert: cert.certificatePem,
      login: { user: SMTP_USER, password },
      onConnect(_session, callback) {
        connections++;
        if (connections <= 2)
          return callback(Object.assign(new Error('4.3.2 Try again later'), { responseCode: 421 }));
        callback();
      },
    });
    try {
      config = configure(ws, (document, mail) => {
        mail.via = 'smtp';
        mail.from = SMTP_USER;
        Object.assign(document, {
          delivery: {
            attempts: 4,
            backoffSeconds: 0,
            smtp: {
              host: '127.0.0.1',
              port: server.port,
              security: 'starttls',
              username: SMTP_USER,
              passwordSecret: ws.sim.ready.tenants[0]!.credential.name,
              caFile,
            },
          },
        });
      });
      queues = await openQueues(config);
      const retriedBefore = await deliveryCount(TENANT, 'retried');
      const runsBefore = listRuns(config.reports.dir, TENANT).runs.length;
      startWorkers();
      const { scan, scanJob, delivered, job } = await scanAndDeliver();

      expect(delivered.status).toBe('sent');
      expect(job.attemptsMade).toBe(3);
      expect(await deliveryCount(TENANT, 'retried')).toBe(retriedBefore + 2);
      // The scan ran once: one attempt, one more run in the store.
      expect(scanJob.attemptsMade).toBe(1);
      expect(listRuns(config.reports.dir, TENANT).runs.length).toBe(runsBefore + 1);

      expect(server.received).toHaveLength(1);
      const parsed = await simpleParser(server.received[0]!);
      expect(parsed.messageId).toBe(delivered.messageId);
      expect(parsed.subject).toMatch(/^Compliance report contoso /);
      const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to!];
      expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual(RECIPIENTS.to);
      const xlsx = parsed.attachments.find((a) => a.filename?.endsWith('.xlsx'));
      expect(xlsx!.content.equals(readFileSync(scan.workbookPath))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('a scheduled run whose worker dies while its mail goes out', () => {
  let ws: SimWorkspace;
  let queues: Queues;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ws = await openWorkspace('delivery-restart');
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await queues?.close();
    await ws.close();
  });

  it('is delivered exactly once: the next worker finds the message already sent', async () => {
    const config = configure(ws, () => undefined);
    queues = await openQueues(config);
    // The message is stored by the sim 3 s after sendMail arrives; the worker is killed in between.
    ws.sim.setFaults([
      { fault: 'slow', target: 'graph', method: 'POST', path: '/sendMail$', latencyMs: 3000 },
    ]);

    const first = startWorkerProcess(ws);
    workers.push(first);
    // A schedule firing every second; removed as soon as it has produced its first run.
    await applySchedules(
      queues.scans,
      [{ tenant: TENANT, name: 'often', cron: '* * * * * *', tz: 'UTC' }],
      config.worker,
    );
    let scheduled: Job | undefined;
    for (let i = 0; i < 100 && !scheduled; i++) {
      // Not 'delayed': that is the scheduler's next run, which goes with the scheduler.
      const jobs = await queues.scans.getJobs(['waiting', 'active', 'completed']);
      scheduled = jobs.find((j) => (j.data as { trigger?: string }).trigger === 'schedule');
      if (!scheduled) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await queues.scans.removeJobScheduler(schedulerId(TENANT, 'often'));
    expect(scheduled).toBeDefined();
    const scan = (await scheduled!.waitUntilFinished(queues.scanEvents, 60_000)) as ScanJobResult;

    // The sendMail is in flight (the fault holds it): kill the worker.
    for (let i = 0; i < 200 && (ws.sim.faults()[0]?.fired ?? 0) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(ws.sim.faults()[0]?.fired).toBe(1);
    first.child.kill('SIGKILL');
    await first.exited;
    ws.sim.clearFaults();

    const second = startWorkerProcess(ws);
    workers.push(second);
    const job = await deliveryJob(queues, scan.runId);
    const delivered = (await job.waitUntilFinished(queues.deliveryEvents, 60_000)) as DeliveryJobResult;

    expect(delivered.status).toBe('already-sent');
    expect(sentMessages(ws, delivered.messageId!)).toHaveLength(1);
    // Had the schedule fired again before its removal, that run has its own message: never a duplicate.
    const ids = allSent(ws).map((m) => m.internetMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    const finished = (await Job.fromId(queues.deliveries, job.id!))!;
    expect(finished.failedReason ?? null).toBeNull();
    expect(finished.queueName).toBe(DELIVERY_QUEUE);
  });
});
