// Mails a report through an SMTP server (delivery.smtp) with nodemailer. Whether a message already went out is
// known only from the sent marker recorded after the server's 250 to DATA: SMTP cannot be asked afterwards.

import nodemailer, { type SMTPSentMessageInfo, type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config/schema';
import type { Logger } from '../observability/logger';
import { scrubSecrets } from '../observability/scrub-secrets';
import type { SentMarkers } from './sent-markers';
import { DeliveryError, type DeliveryFailure, type MailTransport, type OutgoingMail } from './types';

export interface SmtpTransportOptions {
  smtp: SmtpConfig;
  /** Read from Key Vault (smtp.passwordSecret) by the caller; used only when smtp.username is set. */
  password: string | undefined;
  /** PEM of smtp.caFile, read by the caller. */
  ca?: string;
  markers: SentMarkers;
  logger?: Logger;
}

/** What nodemailer puts on its errors (SMTP reply, reply code, its own code, refused recipients). */
interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
}

// Connecting and the greeting are quick or never happen; the reply to DATA can take minutes while a server
// scans a large attachment, so the idle timeout is generous.
const CONNECTION_TIMEOUT_MS = 30_000;
const GREETING_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 5 * 60_000;

const CERTIFICATE_PROBLEM =
  /certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|ERR_TLS_CERT_ALTNAME_INVALID|unable to get local issuer/i;
const NETWORK_PROBLEM = /ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|closed unexpectedly/i;

export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly smtp: SmtpConfig;
  private readonly markers: SentMarkers;
  private readonly logger: Logger | undefined;
  private readonly transporter: Transporter<SMTPSentMessageInfo>;

  constructor(options: SmtpTransportOptions) {
    const { smtp, password, ca } = options;
    this.smtp = smtp;
    this.markers = options.markers;
    this.logger = options.logger;
    if (smtp.username !== undefined && !password)
      throw new DeliveryError(
        'authentication',
        `SMTP user "${smtp.username}" has no password: Key Vault secret "${smtp.passwordSecret ?? '?'}" gave none`,
      );
    if (smtp.security === 'none' && smtp.username !== undefined)
      this.logger?.warn(
        { smtpHost: smtp.host, smtpUser: smtp.username },
        'delivery.smtp.security is none: the SMTP password and the reports cross the network unencrypted',
      );
    this.transporter = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      // starttls: a plain connection that must be upgraded (nodemailer fails rather than send in clear text).
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      ignoreTLS: smtp.security === 'none',
      tls: { minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) },
      ...(smtp.username !== undefined ? { auth: { user: smtp.username, pass: password } } : {}),
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      // nodemailer's own logging stays off: its debug output would include the AUTH exchange and the message.
      logger: false,
      debug: false,
    });
  }

  alreadySent(mail: OutgoingMail): Promise<boolean> {
    return this.markers.has(mail.messageId);
  }

  async send(mail: OutgoingMail): Promise<void> {
    let info;
    try {
      info = await this.transporter.sendMail({
        from: mail.from,
        to: [...mail.to],
        cc: [...mail.cc],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // Exactly the given id, so that a resent message carries the same Message-ID and receivers can dedupe.
        messageId: mail.messageId,
        // `path`: nodemailer streams each file while it writes the message; no file is read into memory.
        attachments: mail.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          path: a.path,
        })),
      });
    } catch (err) {
      // No 250: nothing is recorded. If the server did get the whole message before the connection broke, a
      // retry sends it again with the same Message-ID (SMTP cannot tell; the receiving side can dedupe on it).
      throw this.deliveryError(err, mail);
    }
    // The server accepted the message (250 to DATA): from here on a retry must not send it again.
    await this.markers.record(mail.messageId);
    const refused = info.rejected;
    this.logger?.info(
      {
        messageId: mail.messageId,
        smtpHost: this.smtp.host,
        accepted: info.accepted.length,
        refused: refused.length,
      },
      'report mailed over SMTP',
    );
    if (refused.length > 0)
      // Went to the others; recorded, so that no retry mails them twice. Failing says who did not get it.
      throw new DeliveryError(
        'rejected',
        `SMTP server ${this.smtp.host}:${this.smtp.port} refused recipient(s) ${refused.join(', ')}; the ` +
          `others received the report (Message-ID ${mail.messageId}). Correct the tenant's mail.to/mail.cc.`,
      );
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }

  /** Classifies a nodemailer error into what the delivery job can act on, with words an operator can act on. */
  private deliveryError(err: unknown, mail: OutgoingMail): DeliveryError {
    // Not `instanceof Error`: errors from Node's own modules can come from another realm (jest's vm).
    const e = (typeof err === 'object' && err !== null ? err : new Error(String(err))) as SmtpError;
    const { host, port } = this.smtp;
    const code = e.code ?? '';
    const reply = e.responseCode;
    const said =
      scrubSecrets(e.response ?? e.message)
        .split('\n')[0]
        ?.slice(0, 300) ?? '';
    const server = `SMTP server ${host}:${port}`;
    const fail = (failure: DeliveryFailure, message: string) =>
      new DeliveryError(failure, `${message} (${said})`, { cause: err });
    const temporary = reply !== undefined && reply >= 400 && reply < 500;

    if (
      code === 'ETLS' ||
      code === 'EREQUIRETLS' ||
      CERTIFICATE_PROBLEM.test(`${e.originalCode} ${e.message}`)
    ) {
      if (temporary || (NETWORK_PROBLEM.test(e.message) && !CERTIFICATE_PROBLEM.test(e.message)))
        return fail('transient', `${server}: the TLS upgrade failed for now`);
      if (CERTIFICATE_PROBLEM.test(`${e.originalCode} ${e.message}`))
        return fail(
          'tls-required',
          `${server}: its TLS certificate is not trusted or does not name ${host}; if it comes from a ` +
            'private CA, set delivery.smtp.caFile to that CA certificate (PEM)',
        );
      return fail(
        'tls-required',
        `${server} did not offer or complete STARTTLS, which security "starttls" requires; use a port ` +
          'that offers STARTTLS (usually 587), or security "tls" for a TLS port (usually 465)',
      );
    }
    if (code === 'EAUTH' || code === 'ENOAUTH' || reply === 530 || reply === 535) {
      if (temporary) return fail('transient', `${server}: authentication is unavailable for now`);
      if (this.smtp.username === undefined)
        return fail(
          'authentication',
          `${server} requires authentication; set delivery.smtp.username and passwordSecret`,
        );
      return fail(
        'authentication',
        `${server} refused the login of "${this.smtp.username}"; check the password in Key Vault secret ` +
          `"${this.smtp.passwordSecret ?? '?'}" and that the account may send over SMTP`,
      );
    }
    const response = e.response ?? '';
    const tooLarge =
      (reply === 552 && e.command !== 'RCPT TO') ||
      /\b5\.3\.4\b|\b5\.2\.3\b/.test(response) ||
      (code === 'EMESSAGE' && reply === undefined && /size/i.test(e.message));
    if (tooLarge) return fail('too-large', `${server}: the message is too large (${describeSize(mail)})`);
    if (reply !== undefined && reply >= 500 && reply !== 503) {
      if (e.command === 'RCPT TO')
        return fail(
          'rejected',
          `${server} refused recipient(s) ${(e.rejected ?? []).join(', ') || 'all'}; correct the tenant's mail.to/mail.cc`,
        );
      if (e.command === 'MAIL FROM')
        return fail(
          'rejected',
          `${server} refused sender ${mail.from}; set the tenant's mail.from to an address the SMTP account may use`,
        );
      return fail('rejected', `${server} refused the message`);
    }
    // 4xx, 503, connection refused or broken, timeouts, unreadable attachment: worth another attempt.
    if (temporary) return fail('transient', `${server} deferred the message (reply ${reply})`);
    return fail('transient', `${server}: sending failed for now (${e.originalCode ?? (code || e.name)})`);
  }
}

/** The attachments' size and about what they weigh in the message (base64: 4 bytes for every 3). */
function describeSize(mail: OutgoingMail): string {
  const bytes = mail.attachments.reduce((sum, a) => sum + a.size, 0);
  const encoded = Math.ceil(bytes / 3) * 4 + Buffer.byteLength(mail.text) + Buffer.byteLength(mail.html);
  return `attachments ${formatBytes(bytes)}, about ${formatBytes(encoded)} as sent; the server's limit is lower`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
