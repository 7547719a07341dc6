// The SMTP transport against real SMTP servers (smtp-server) on 127.0.0.1, with sent markers in real Redis.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import IORedis from 'ioredis';
import { simpleParser, type AddressObject } from 'mailparser';

import type { SmtpConfig } from '../src/config/schema';
import { RedisSentMarkers } from '../src/delivery/sent-markers';
import { SmtpTransport } from '../src/delivery/smtp-transport';
import { DeliveryError, type OutgoingMail } from '../src/delivery/types';
import { createLogger } from '../src/observability/logger';
import { writeRunReport } from '../src/reports/write-run-report';
import { createScanServices } from '../src/jobs/scan-services';
import { SecretUnavailableError } from '../src/secrets/errors';
import { createCertificateAuthority, issueServerCertificate, type CertificateWithKey } from '../sim/ca';
import { deleteKeys, REDIS_URL, uniquePrefix } from './helpers/redis-keys';
import { sampleRunResults } from './helpers/report-fixtures';
import { openSimWorkspace, type SimWorkspace } from './helpers/sim-workspace';
import {
  startServer as startSmtpServer,
  type ServerOptions,
  type TestServer,
} from './helpers/smtp-test-server';

/** A test server that accepts the one test login. */
const startServer = (options: ServerOptions = {}) =>
  startSmtpServer({ login: { user: USER, password: PASSWORD }, ...options });

const USER = 'reports@contoso.example';
const PASSWORD = 'Smtp-Pa55word-never-logged';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let tmp: string;
let ca: CertificateWithKey;
let serverCert: CertificateWithKey;
let reportPaths: { workbookPath: string; resultsPath: string };
let redis: IORedis;
const prefix = uniquePrefix('smtp');
const transports: SmtpTransport[] = [];
const servers: TestServer[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crw-smtp-'));
  ca = await createCertificateAuthority('crw smtp test CA');
  serverCert = await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const results = sampleRunResults('run-7', '2026-11-26T02:00:00Z');
  reportPaths = await writeRunReport(tmp, results);
  redis = new IORedis(REDIS_URL);
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await deleteKeys(prefix);
  redis.disconnect();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let mailCount = 0;
/** A report mail with a Message-ID of its own (markers are per Message-ID). */
function reportMail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  mailCount += 1;
  return {
    messageId: `<crw.contoso.2026-11-26-run-7.${process.pid}-${mailCount}@compliance-report-worker>`,
    from: 'crw@contoso.example',
    to: ['ciso@contoso.example', 'it@contoso.example'],
    cc: ['audit@contoso.example'],
    subject: 'Compliance report contoso 2026-11-26: 1 control failed',
    text: 'The compliance report is attached.',
    html: '<p>The compliance report is attached.</p>',
    attachments: [
      {
        filename: 'contoso-2026-11-26-report.xlsx',
        contentType: XLSX_TYPE,
        path: reportPaths.workbookPath,
        size: fs.statSync(reportPaths.workbookPath).size,
      },
      {
        filename: 'contoso-2026-11-26-results.json',
        contentType: 'application/json',
        path: reportPaths.resultsPath,
        size: fs.statSync(reportPaths.resultsPath).size,
      },
    ],
    ...overrides,
  };
}

function smtpConfig(server: TestServer, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return {
    host: '127.0.0.1',
    port: server.port,
    security: 'starttls',
    username: USER,
    passwordSecret: 'smtp-password',
    ...overrides,
  };
}

function transport(
  smtp: SmtpConfig,
  options: { password?: string; ca?: string | null; logger?: ReturnType<typeof createLogger> } = {},
) {
  const caPem = options.ca === null ? undefined : (options.ca ?? ca.certificatePem);
  const t = new SmtpTransport({
    smtp,
    password: smtp.username === undefined ? undefined : (options.password ?? PASSWORD),
    ...(caPem ? { ca: caPem } : {}),
    markers: new RedisSentMarkers(redis, prefix),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  transports.push(t);
  return t;
}

/** What the delivery job does on each attempt: ask first, send only if it did not go out yet. */
async function deliverOnce(t: SmtpTransport, mail: OutgoingMail): Promise<'sent' | 'skipped'> {
  if (await t.alreadySent(mail)) return 'skipped';
  await t.send(mail);
  return 'sent';
}

async function sendError(t: SmtpTransport, mail: OutgoingMail): Promise<DeliveryError> {
  const err = await t.send(mail).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

const tlsServer = (options: ServerOptions = {}) =>
  startServer({ key: serverCert.privateKeyPem, cert: serverCert.certificatePem, ...options });

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address));

describe('SmtpTransport', () => {
  it('sends the report over STARTTLS with AUTH, records the marker, and reports it as sent afterwards', async () => {
    const server = await tlsServer({ authMethods: ['PLAIN', 'LOGIN'] });
    servers.push(server);
    const lines: string[] = [];
    const logger = createLogger(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const t = transport(smtpConfig(server), { logger });
    const mail = reportMail();

    expect(await t.alreadySent(mail)).toBe(false);
    await t.send(mail);

    expect(server.received).toHaveLength(1);
    expect(server.sessions).toEqual([{ secure: true, user: USER }]);
    expect(server.authMethods).toEqual(['PLAIN']);
    const parsed = await simpleParser(server.received[0]!);
    expect(parsed.subject).toBe(mail.subject);
    expect(addresses(parsed.from)).toEqual([mail.from]);
    expect(addresses(parsed.to)).toEqual(mail.to);
    expect(addresses(parsed.cc)).toEqual(mail.cc);
    expect(parsed.messageId).toBe(mail.messageId);
    expect(server.received[0]!.toString('latin1')).toMatch(
      new RegExp(`^Message-ID: ${mail.messageId.replace(/[.+]/g, '\\$&')}\\r$`, 'mi'),
    );
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['contoso-2026-11-26-report.xlsx', XLSX_TYPE],
      ['contoso-2026-11-26-results.json', 'application/json'],
    ]);
    expect(parsed.attachments[0]!.content.equals(fs.readFileSync(reportPaths.workbookPath))).toBe(true);
    expect(parsed.attachments[1]!.content.equals(fs.readFileSync(reportPaths.resultsPath))).toBe(true);

    const markers = new RedisSentMarkers(redis, prefix);
    expect(await redis.ttl(markers.key(mail.messageId))).toBeGreaterThan(29 * 86_400);
    expect(await t.alreadySent(mail)).toBe(true);
    const logged = lines.join('');
    expect(logged).toContain('report mailed over SMTP');
    expect(logged).not.toContain(PASSWORD);
  });

  it('logs in with AUTH LOGIN when the server offers only that', async () => {
    const server = await tlsServer({ authMethods: ['LOGIN'] });
    servers.push(server);
    await transport(smtpConfig(server)).send(reportMail({ attachments: [] }));
    expect(server.authMethods).toEqual(['LOGIN']);
    expect(server.received).toHaveLength(1);
  });

  it('sends over TLS from the start with security "tls"', async () => {
    const server = await tlsServer({ secure: true });
    servers.push(server);
    await transport(smtpConfig(server, { security: 'tls' })).send(reportMail({ attachments: [] }));
    expect(server.sessions).toEqual([{ secure: true, user: USER }]);
  });

  it('fails with tls-required when the server does not offer STARTTLS, sending nothing', async () => {
    const server = await startServer({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    servers.push(server);
    const t = transport(smtpConfig(server));
    const mail = reportMail();
    const err = await sendError(t, mail);
    expect(err.failure).toBe('tls-required');
    expect(err.permanent).toBe(true);
    expect(err.message).toContain('STARTTLS');
    expect(err.message).toMatch(/security "tls"/);
    expect(server.authMethods).toEqual([]); // the password never crossed the plain connection
    expect(server.received).toHaveLength(0);
    expect(await t.alreadySent(mail)).toBe(false);
  });

  it('fails with tls-required naming caFile when the server certificate is not trusted', async () => {
    const server = await tlsServer();
    servers.push(server);
    const err = await sendError(transport(smtpConfig(server), { ca: null }), reportMail());
    expect(err.failure).toBe('tls-required');
    expect(err.message).toContain('delivery.smtp.caFile');
    expect(server.received).toHaveLength(0);
  });

  it('fails with authentication naming the user and the Key Vault secret when the password is wrong', async () => {
    const server = await tlsServer();
    servers.push(server);
    const err = await sendError(transport(smtpConfig(server), { password: 'wrong' }), reportMail());
    expect(err.failure).toBe('authentication');
    expect(err.permanent).toBe(true);
    expect(err.message).toContain(`"${USER}"`);
    expect(err.message).toContain('Key Vault secret "smtp-password"');
    expect(err.message).not.toContain('wrong');
    expect(server.received).toHaveLength(0);
  });

  it('fails with too-large, giving the size, when the server refuses the DATA for its size', async () => {
    const server = await tlsServer({ size: 4096, rejectOversized: true });
    servers.push(server);
    const mail = reportMail();
    const t = transport(smtpConfig(server));
    const err = await sendError(t, mail);
    expect(err.failure).toBe('too-large');
    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(/too large \(attachments \d+ KB, about \d+ KB as sent/);
    expect(err.message).toContain('552');
    expect(await t.alreadySent(mail)).toBe(false);
  });

  it('fails with rejected naming the recipient the server refuses', async () => {
    const refuse = (address: string) => address === 'it@contoso.example';
    const server = await tlsServer({
      onRcptTo(address, _session, callback) {
        if (refuse(address.address))
          return callback(Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 }));
        callback();
      },
    });
    servers.push(server);
    const t = transport(smtpConfig(server));

    const all = await sendError(t, reportMail({ to: ['it@contoso.example'], cc: [] }));
    expect(all.failure).toBe('rejected');
    expect(all.message).toContain('it@contoso.example');
    expect(server.received).toHaveLength(0);

    // The others got it: recorded, so that no retry mails them twice, and still a failure naming the refused.
    const some = reportMail();
    const partial = await sendError(t, some);
    expect(partial.failure).toBe('rejected');
    expect(partial.message).toContain('refused recipient(s) it@contoso.example; the others received');
    expect(server.received).toHaveLength(1);
    expect(await t.alreadySent(some)).toBe(true);
  });

  it('records nothing when the server reads the whole message and drops the connection before its reply', async () => {
    const server = await tlsServer({
      afterData: (s) => {
        for (const socket of s.sockets) socket.destroy(); // never answers the DATA
      },
    });
    servers.push(server);
    const t = transport(smtpConfig(server));
    const mail = reportMail();
    const err = await sendError(t, mail);
    expect(err.failure).toBe('transient');
    expect(err.permanent).toBe(false);
    // The server did get it all; SMTP cannot tell the client, so the retry sends it again (same Message-ID).
    expect(server.received).toHaveLength(1);
    expect(await t.alreadySent(mail)).toBe(false);
  });

  it('does not send again when the 250 arrived but the job did not complete', async () => {
    const server = await tlsServer();
    servers.push(server);
    const mail = reportMail();
    expect(await deliverOnce(transport(smtpConfig(server)), mail)).toBe('sent');
    // The worker died before completing the job; the queue runs it again in a new process.
    const otherProcess = new IORedis(REDIS_URL);
    try {
      const retry = new SmtpTransport({
        smtp: smtpConfig(server),
        password: PASSWORD,
        ca: ca.certificatePem,
        markers: new RedisSentMarkers(otherProcess, prefix),
      });
      transports.push(retry);
      expect(await deliverOnce(retry, mail)).toBe('skipped');
    } finally {
      otherProcess.disconnect();
    }
    expect(server.received).toHaveLength(1);
  });

  it('fails with transient on a 421 greeting and on a 451 reply to DATA', async () => {
    const busy = await tlsServer({
      onConnect: (_session, callback) =>
        callback(Object.assign(new Error('4.3.2 Too busy, try later'), { responseCode: 421 })),
    });
    const deferring = await tlsServer({
      afterData: (_s, callback) =>
        callback(Object.assign(new Error('4.3.0 Temporary local problem'), { responseCode: 451 })),
    });
    servers.push(busy, deferring);

    const greeting = await sendError(transport(smtpConfig(busy)), reportMail());
    expect(greeting.failure).toBe('transient');
    expect(greeting.permanent).toBe(false);
    expect(greeting.message).toContain('421');

    const mail = reportMail();
    const t = transport(smtpConfig(deferring));
    const data = await sendError(t, mail);
    expect(data.failure).toBe('transient');
    expect(data.message).toContain('451');
    expect(await t.alreadySent(mail)).toBe(false);
  });

  it('fails with transient when nothing listens', async () => {
    const server = await startServer();
    await server.close();
    const err = await sendError(transport(smtpConfig(server)), reportMail());
    expect(err.failure).toBe('transient');
  });
});

describe('SecretProvider.getSecretValue (the SMTP password) against sim/ Key Vault', () => {
  const ITEM = 'crw-contoso-secret'; // any plain secret in the vault will do
  let ws: SimWorkspace;
  const sleeps: number[] = [];

  beforeAll(async () => {
    ws = await openSimWorkspace('smtp-kv', {
      tenants: [{ name: 'contoso', seed: 1, users: 10, credential: 'secret' }],
    });
  });
  afterAll(() => ws.close());

  const provider = () =>
    createScanServices(ws.config, process.env, {
      keyVaultSleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });

  it('reads the value once, retrying a throttled vault, and serves it from memory afterwards', async () => {
    const services = provider();
    try {
      ws.sim.addFault({ fault: 'http-503', target: 'keyvault', times: 2 });
      sleeps.length = 0;
      const before = ws.sim.stats().keyVaultReads[ITEM] ?? 0;
      const [a, b] = await Promise.all([
        services.secrets.getSecretValue(ITEM),
        services.secrets.getSecretValue(ITEM),
      ]);
      expect(a).toBe(ws.sim.keyVaultItemValue(ITEM));
      expect(b).toBe(a);
      expect(await services.secrets.getSecretValue(ITEM)).toBe(a);
      expect(sleeps).toEqual([1000, 2000]);
      expect((ws.sim.stats().keyVaultReads[ITEM] ?? 0) - before).toBe(1);
    } finally {
      ws.sim.clearFaults();
      services.http.close();
    }
  });

  it('fails with SecretUnavailableError naming vault and item, and does not cache the failure', async () => {
    const services = provider();
    try {
      const missing = await services.secrets.getSecretValue('smtp-password-missing').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(SecretUnavailableError);
      expect((missing as Error).message).toBe(
        `cannot read Key Vault secret "smtp-password-missing" from ${ws.config.keyVault.url}: the secret does ` +
          'not exist (404 SecretNotFound); check the secret name in the configuration',
      );
      ws.sim.setKeyVaultItemEnabled(ITEM, false);
      const disabled = await services.secrets.getSecretValue(ITEM).catch((e: unknown) => e);
      expect((disabled as SecretUnavailableError).itemName).toBe(ITEM);
      expect((disabled as Error).message).toContain('disabled');
      ws.sim.setKeyVaultItemEnabled(ITEM, true);
      expect(await services.secrets.getSecretValue(ITEM)).toBe(ws.sim.keyVaultItemValue(ITEM));
    } finally {
      ws.sim.setKeyVaultItemEnabled(ITEM, true);
      services.http.close();
    }
  });
});
