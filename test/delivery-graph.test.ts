// Acceptance (issue 7, Graph mail transport): report mail through Graph against sim/ over HTTPS with the tenant's
// real credential (Key Vault → @azure/identity): sendMail for small attachments, draft + upload session + /send
// for large ones, errors a caller can act on, and a send whose answer was lost (the new drop-after-processing
// fault) found in Sent Items so that it is never sent twice.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { GraphClient } from '../src/cloud/graph-client';
import { HttpClient, type HttpRequest, type HttpResponse } from '../src/cloud/http-client';
import { GraphMailTransport, UPLOAD_CHUNK_BYTES } from '../src/delivery/graph-mail-transport';
import { DeliveryError, type MailAttachment, type OutgoingMail } from '../src/delivery/types';
import { createScanServices } from '../src/jobs/scan-services';
import { buildRunResults } from '../src/reports/results-json';
import { writeRunReport } from '../src/reports/write-run-report';
import type { TenantCredential } from '../src/secrets/types';
import { FaultRuleError, parseFaultRule } from '../sim/faults/fault-rules';
import type { SentMail } from '../sim/mail/store';
import { DEFAULT_GRANTED_PERMISSIONS } from '../sim/tenant';
import { mailboxDirectoryOf, userHasMailbox } from '../sim/tenant/mailboxes';
import { forwardingControl, sampleRunResults } from './helpers/report-fixtures';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAIL_PERMISSIONS = ['Mail.Send', 'Mail.ReadWrite'];

/** The real HttpClient, remembering what each request sent (not the bytes). */
class RecordingHttp extends HttpClient {
  readonly sent: Array<{ method: string; url: string; headers: Record<string, string>; bytes: number }> = [];
  override request(req: HttpRequest): Promise<HttpResponse> {
    this.sent.push({
      method: req.method,
      url: req.url,
      headers: req.headers ?? {},
      bytes: req.body === undefined ? 0 : Buffer.byteLength(req.body),
    });
    return super.request(req);
  }
}

let ws: SimWorkspace;
let http: RecordingHttp;
let files: string;
const credentials = new Map<string, TenantCredential>();
let smallReport: MailAttachment;
let largeFile: MailAttachment;

beforeAll(async () => {
  ws = await openSimWorkspace('delivery-graph', {
    tenants: [
      {
        name: 'contoso',
        seed: 1,
        users: 30,
        credential: 'secret',
        grantedPermissions: [...DEFAULT_GRANTED_PERMISSIONS, ...MAIL_PERMISSIONS],
      },
      // Can read and write mail (drafts, Sent Items) but not send it.
      {
        name: 'nosend',
        seed: 2,
        users: 20,
        credential: 'secret',
        grantedPermissions: [...DEFAULT_GRANTED_PERMISSIONS, 'Mail.ReadWrite'],
      },
      // The scan's permissions only: no Mail.* at all.
      { name: 'nomail', seed: 3, users: 20, credential: 'secret' },
    ],
  });
  http = new RecordingHttp({ ca: [readFileSync(ws.sim.ready.caFile, 'utf8')] });
  const services = createScanServices(ws.config);
  for (const tenant of ws.config.tenants) {
    credentials.set(
      tenant.name,
      await services.secrets.getTenantCredential({
        tenantName: tenant.name,
        tenantId: tenant.tenantId,
        clientId: tenant.clientId,
        credential: tenant.credential,
      }),
    );
  }
  services.http.close();

  files = mkdtempSync(path.join(tmpdir(), 'crw-delivery-graph-'));
  const { workbookPath } = await writeRunReport(path.join(files, 'reports'), runResults());
  smallReport = attachmentOf(workbookPath, 'contoso-report.xlsx', XLSX_TYPE);
  const largePath = path.join(files, 'large.bin');
  writeFileSync(largePath, randomBytes(5 * 1024 * 1024));
  largeFile = attachmentOf(largePath, 'large.bin', 'application/octet-stream');
});

afterAll(async () => {
  http?.close();
  if (files) rmSync(files, { recursive: true, force: true });
  await ws?.close();
});

beforeEach(() => {
  ws.sim.clearFaults();
  ws.sim.clearMail();
  http.sent.length = 0;
});

function runResults() {
  return sampleRunResults('run-7', '2026-11-26T01:00:00Z');
}

function attachmentOf(filePath: string, filename: string, contentType: string): MailAttachment {
  return { filename, contentType, path: filePath, size: statSync(filePath).size };
}

/** A user mailbox of the tenant (the sender), or a user without one. */
function senderOf(tenant: string): string {
  for (const mailbox of mailboxDirectoryOf(ws.sim.tenant(tenant)).all())
    if (mailbox.recipientTypeDetails === 'UserMailbox') return mailbox.primarySmtpAddress;
  throw new Error(`no user mailbox in ${tenant}`);
}

function userWithoutMailbox(tenant: string): string {
  const directory = mailboxDirectoryOf(ws.sim.tenant(tenant));
  for (let index = 0; index < ws.sim.tenant(tenant).options.users; index++) {
    const user = directory.users.user(index);
    if (!userHasMailbox(user)) return user.userPrincipalName;
  }
  throw new Error(`every user of ${tenant} has a mailbox`);
}

function transport(tenant: string, sender = senderOf(tenant)): GraphMailTransport {
  return new GraphMailTransport({
    graphUrl: ws.config.cloud.graphUrl,
    resource: ws.config.cloud.graphResource,
    credential: credentials.get(tenant)!.tokenCredential,
    http,
    sender,
  });
}

function graphOf(tenant: string): GraphClient {
  return new GraphClient({
    baseUrl: ws.config.cloud.graphUrl,
    resource: ws.config.cloud.graphResource,
    credential: credentials.get(tenant)!.tokenCredential,
    http,
  });
}

function mailWith(attachments: MailAttachment[], subject = 'Compliance report contoso'): OutgoingMail {
  const sender = senderOf('contoso');
  return {
    messageId: `<crw.contoso.2026-11-26-${randomBytes(4).toString('hex')}.o'brien@compliance-report-worker>`,
    from: sender,
    to: ['secops@contoso.example', 'ciso@contoso.example'],
    cc: ['audit@contoso.example'],
    subject,
    text: 'The report is attached.',
    html: '<p>The report is attached.</p>',
    attachments,
  };
}

const sentMail = (): SentMail[] => ws.sim.mail() as SentMail[];
const addresses = (list: ReadonlyArray<{ address: string }>) => list.map((entry) => entry.address);

async function draftsOf(tenant: string, sender: string): Promise<unknown[]> {
  const page = await graphOf(tenant).get<{ value: unknown[] }>(
    `/users/${encodeURIComponent(sender)}/mailFolders/drafts/messages?$select=id`,
  );
  return page.value;
}

async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  const delivery = error as DeliveryError;
  // Whatever went wrong: no token, no upload URL credential, no attachment bytes in the error or its causes.
  const shown = inspect(delivery, { depth: 10 });
  expect(shown).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}|authtoken/i);
  expect(shown).not.toContain(readFileSync(smallReport.path).toString('base64').slice(0, 40));
  return delivery;
}

describe('GraphMailTransport against sim/', () => {
  it('small attachment: one sendMail with the real report.xlsx; alreadySent false before, true after', async () => {
    expect(smallReport.size).toBeLessThan(1_000_000);
    const mail = mailWith([smallReport]);
    const graph = transport('contoso');
    await expect(graph.alreadySent(mail)).resolves.toBe(false);

    await graph.send(mail);

    const sent = sentMail();
    expect(sent).toHaveLength(1);
    const [message] = sent;
    expect(message).toMatchObject({
      via: 'sendMail',
      subject: mail.subject,
      internetMessageId: mail.messageId,
      savedToSentItems: true,
      sender: { address: senderOf('contoso') },
      body: { contentType: 'html', content: mail.html },
    });
    expect(addresses(message!.toRecipients)).toEqual(mail.to);
    expect(addresses(message!.ccRecipients)).toEqual(mail.cc);
    expect(message!.attachments).toHaveLength(1);
    expect(message!.attachments[0]).toMatchObject({
      name: 'contoso-report.xlsx',
      contentType: XLSX_TYPE,
      uploaded: false,
    });
    expect(message!.attachments[0]!.bytes.equals(readFileSync(smallReport.path))).toBe(true);
    await expect(graph.alreadySent(mail)).resolves.toBe(true);
    // The Sent Items query as the wire facts spell it: quote doubled in the OData literal, URL-encoded.
    const query = http.sent.find((request) => request.url.includes('/mailFolders/sentitems/messages'))!;
    expect(new URL(query.url).searchParams.get('$filter')).toBe(
      `internetMessageId eq '${mail.messageId.replace(/'/g, "''")}'`,
    );
    expect(new URL(query.url).searchParams.get('$select')).toBe('id,internetMessageId');
  });

  it('a 5 MB attachment goes through a draft and an upload session in 320 KiB-multiple chunks; no draft left', async () => {
    const sender = senderOf('contoso');
    const mail = mailWith([smallReport, largeFile]);
    const graph = transport('contoso');
    await expect(graph.alreadySent(mail)).resolves.toBe(false);

    await graph.send(mail);

    const sent = sentMail();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ via: 'draft', internetMessageId: mail.messageId, subject: mail.subject });
    expect(addresses(sent[0]!.toRecipients)).toEqual(mail.to);
    const [report, large] = sent[0]!.attachments;
    expect(report).toMatchObject({ name: 'contoso-report.xlsx', uploaded: false });
    expect(report!.bytes.equals(readFileSync(smallReport.path))).toBe(true);
    expect(large).toMatchObject({ name: 'large.bin', uploaded: true, size: largeFile.size });
    expect(large!.bytes.equals(readFileSync(largeFile.path))).toBe(true);
    await expect(draftsOf('contoso', sender)).resolves.toEqual([]);
    await expect(graph.alreadySent(mail)).resolves.toBe(true);

    // The PUTs: pre-authenticated (no Authorization), in order, each a multiple of 320 KiB (but the last) < 4 MB.
    const puts = http.sent.filter((request) => request.method === 'PUT');
    expect(puts.length).toBe(Math.ceil(largeFile.size / UPLOAD_CHUNK_BYTES));
    let next = 0;
    for (const [i, put] of puts.entries()) {
      expect(Object.keys(put.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
      expect(put.bytes).toBeLessThan(4_000_000);
      if (i < puts.length - 1) expect(put.bytes % (320 * 1024)).toBe(0);
      expect(put.headers['content-range']).toBe(`bytes ${next}-${next + put.bytes - 1}/${largeFile.size}`);
      next += put.bytes;
    }
    expect(next).toBe(largeFile.size);
    // No request body carried the large file whole (it is read chunk by chunk).
    expect(Math.max(...http.sent.map((request) => request.bytes))).toBeLessThanOrEqual(UPLOAD_CHUNK_BYTES);
  });

  it('small files over 3 MB together: a draft with each file attached inline, no upload session', async () => {
    const parts = [1, 2].map((n) => {
      const filePath = path.join(files, `part-${n}.bin`);
      writeFileSync(filePath, randomBytes(1_600_000));
      return attachmentOf(filePath, `part-${n}.bin`, 'application/octet-stream');
    });
    await transport('contoso').send(mailWith(parts));

    const [message] = sentMail();
    expect(message).toMatchObject({ via: 'draft' });
    expect(message!.attachments.map((a) => [a.name, a.uploaded])).toEqual([
      ['part-1.bin', false],
      ['part-2.bin', false],
    ]);
    for (const [i, part] of parts.entries())
      expect(message!.attachments[i]!.bytes.equals(readFileSync(part.path))).toBe(true);
    expect(http.sent.some((request) => request.method === 'PUT')).toBe(false);
  });

  it('a real workbook over 3 MB goes through the upload session too', async () => {
    const { workbookPath } = await writeRunReport(path.join(files, 'large-reports'), largeRunResults());
    const workbook = attachmentOf(workbookPath, 'contoso-report.xlsx', XLSX_TYPE);
    expect(workbook.size).toBeGreaterThan(3_000_000);
    const mail = mailWith([workbook]);

    await transport('contoso').send(mail);

    const [message] = sentMail();
    expect(message).toMatchObject({ via: 'draft', internetMessageId: mail.messageId });
    expect(message!.attachments[0]).toMatchObject({ uploaded: true, size: workbook.size });
    expect(message!.attachments[0]!.bytes.equals(readFileSync(workbookPath))).toBe(true);
  });

  it('unknown sender or a user without a mailbox: sender-unknown, permanent, naming the address', async () => {
    const unknown = 'nobody@contoso-nowhere.example';
    const error = await deliveryError(transport('contoso', unknown).send(mailWith([smallReport])));
    expect(error).toMatchObject({ failure: 'sender-unknown', permanent: true });
    expect(error.message).toContain(unknown);
    expect(error.message).toMatch(/ErrorInvalidUser/);
    expect(error.message).toMatch(/mail\.from/);
    await expect(transport('contoso', unknown).alreadySent(mailWith([]))).rejects.toMatchObject({
      failure: 'sender-unknown',
    });

    const noMailbox = userWithoutMailbox('contoso');
    const large = await deliveryError(transport('contoso', noMailbox).send(mailWith([largeFile])));
    expect(large).toMatchObject({ failure: 'sender-unknown', permanent: true });
    expect(large.message).toContain(noMailbox);
    expect(large.message).toMatch(/no Exchange Online mailbox/);
    expect(sentMail()).toEqual([]);
  });

  it('app without Mail.Send: permission naming Mail.Send and the access policy; the draft is deleted', async () => {
    const sender = senderOf('nosend');
    const graph = transport('nosend');
    const mail = { ...mailWith([smallReport]), from: sender };
    // Reading Sent Items needs only Mail.ReadWrite (or a Mail.Read* permission).
    await expect(graph.alreadySent(mail)).resolves.toBe(false);

    const small = await deliveryError(graph.send(mail));
    expect(small).toMatchObject({ failure: 'permission', permanent: true });
    expect(small.message).toMatch(/application permission Mail\.Send/);
    expect(small.message).toMatch(/application access policy/);
    expect(small.message).toContain(sender);

    // Draft and upload (Mail.ReadWrite) work, /send is refused: nothing is sent and no draft is left.
    const large = await deliveryError(graph.send({ ...mail, attachments: [largeFile] }));
    expect(large).toMatchObject({ failure: 'permission' });
    expect(large.message).toMatch(/\/send.*Mail\.Send/);
    expect(http.sent.some((request) => request.method === 'PUT')).toBe(true);
    await expect(draftsOf('nosend', sender)).resolves.toEqual([]);
    expect(sentMail()).toEqual([]);
  });

  it('app without any Mail.* permission: the Sent Items check names the read permission', async () => {
    const error = await deliveryError(transport('nomail').alreadySent(mailWith([])));
    expect(error).toMatchObject({ failure: 'permission', permanent: true });
    expect(error.message).toMatch(/Mail\.ReadBasic\.All/);
    expect(error.message).toContain(senderOf('nomail'));
  });
});

describe('ambiguous sends (fault drop-after-processing): sent once, found by alreadySent', () => {
  it.each([
    ['sendMail', '/sendMail$', () => [smallReport]],
    ["a draft's /send", '/messages/[^/]+/send$', () => [largeFile]],
  ])(
    '%s: processed, answer lost → transient; the caller finds it in Sent Items',
    async (_, pathRe, attachments) => {
      ws.sim.addFault({ fault: 'drop-after-processing', method: 'POST', path: pathRe, once: true });
      const sender = senderOf('contoso');
      const graph = transport('contoso');
      const mail = mailWith(attachments());

      const error = await deliveryError(graph.send(mail));
      expect(error).toMatchObject({ failure: 'transient', permanent: false });
      expect(error.message).toMatch(/may or may not have gone out/);
      // Not repeated by the client (the fault matched one request), stored exactly once.
      expect(ws.sim.faults()).toEqual([expect.objectContaining({ matched: 1, fired: 1 })]);
      expect(sentMail()).toHaveLength(1);
      expect(sentMail()[0]!.internetMessageId).toBe(mail.messageId);
      // What the delivery job asks before its next attempt: it went out, do not send again.
      await expect(graph.alreadySent(mail)).resolves.toBe(true);
      await expect(draftsOf('contoso', sender)).resolves.toEqual([]);
      expect(sentMail()).toHaveLength(1);
    },
  );

  it('a connection dropped before processing: transient, nothing sent, the next attempt sends once', async () => {
    ws.sim.addFault({ fault: 'drop-connection', method: 'POST', path: '/sendMail$', once: true });
    const graph = transport('contoso');
    const mail = mailWith([smallReport]);
    expect(await deliveryError(graph.send(mail))).toMatchObject({ failure: 'transient' });
    expect(sentMail()).toEqual([]);
    await expect(graph.alreadySent(mail)).resolves.toBe(false);
    await graph.send(mail);
    expect(sentMail()).toHaveLength(1);
  });

  it('503 on sendMail (certainly not processed) is retried by the client: sent once', async () => {
    ws.sim.addFault({ fault: 'http-503', path: '/sendMail$', once: true, retryAfterSeconds: 0 });
    await transport('contoso').send(mailWith([smallReport]));
    expect(ws.sim.faults()).toEqual([expect.objectContaining({ matched: 2, fired: 1 })]);
    expect(sentMail()).toHaveLength(1);
  });

  it('the fault rule as written: method matcher checked, drop-after-processing accepted', () => {
    expect(
      parseFaultRule({ fault: 'drop-after-processing', method: 'post', path: '/sendMail$', once: true }),
    ).toEqual({ fault: 'drop-after-processing', method: 'post', path: '/sendMail$', once: true });
    expect(() => parseFaultRule({ fault: 'drop-connection', method: 5 })).toThrow(FaultRuleError);
    expect(() => parseFaultRule({ fault: 'drop-connection', method: 'PO ST' })).toThrow(/method/);
  });
});

/** Enough findings with random (incompressible) detail for a workbook of more than 3 MB. */
function largeRunResults() {
  const results = runResults();
  const findings = Array.from({ length: 40_000 }, (_, i) => ({
    assetType: 'mailbox' as const,
    assetId: `mbx-${i}`,
    assetName: `user${i}@contoso.com`,
    detail: randomBytes(96).toString('base64'),
  }));
  return buildRunResults({
    tenant: results.tenant,
    runId: 'run-8',
    startedAt: new Date('2026-11-26T02:00:00Z'),
    finishedAt: new Date('2026-11-26T02:05:00Z'),
    controls: [forwardingControl(findings)],
  });
}
