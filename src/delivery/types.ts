// What a mail transport sends and how it fails. A delivery is one message per run (report.xlsx, optionally
// results.json) to the tenant's recipients; its Message-ID is deterministic, so a retry can ask whether it already
// went out instead of sending it twice.

export interface MailAttachment {
  /** File name the recipient sees (report names are built from the tenant and the run, sanitised). */
  filename: string;
  contentType: string;
  /** The file in the report store: transports read it (stream or chunk), never keep it. */
  path: string;
  size: number;
}

export interface OutgoingMail {
  /** RFC 5322 Message-ID with angle brackets, e.g. `<crw.contoso.2026-11-26-ab12.5f0c…@compliance-report-worker>`. */
  messageId: string;
  from: string;
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  text: string;
  html: string;
  attachments: readonly MailAttachment[];
}

export interface MailTransport {
  /** Which transport, for logs and metrics ("graph", "smtp"). */
  readonly kind: string;
  /**
   * Whether a message with `mail.messageId` already went out (Graph: the sender's Sent Items filtered on
   * internetMessageId; SMTP: the sent marker recorded after the server's 250). Asked before every send.
   */
  alreadySent(mail: OutgoingMail): Promise<boolean>;
  /** Sends once; throws DeliveryError. */
  send(mail: OutgoingMail): Promise<void>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/**
 * Why a delivery failed. `permanent`: retrying cannot help (unknown sender mailbox, permission refused, message
 * too large, recipient refused): the delivery job fails at once with this reason; the report stays in the store.
 * Otherwise the queue retries it (its own attempts and backoff).
 */
export type DeliveryFailure =
  | 'sender-unknown'
  | 'permission'
  | 'too-large'
  | 'rejected'
  | 'authentication'
  | 'tls-required'
  | 'transient';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly failure: DeliveryFailure;
  readonly permanent: boolean;

  constructor(failure: DeliveryFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
    this.permanent = failure !== 'transient';
  }
}
