// Report mail through Microsoft Graph from the tenant's own sender mailbox, with the tenant's app credential.
// Attachments under 3 MB go inline in one sendMail; larger ones go through a draft, an upload session per large
// attachment (chunks read from disk, PUT without Authorization) and the draft's /send. The message carries the
// deterministic internetMessageId, so alreadySent() can find it in Sent Items after an ambiguous failure.
import { open, readFile } from 'node:fs/promises';
import { GraphClient, type GraphTokenCredential } from '../cloud/graph-client';
import { GraphError, parseGraphError } from '../cloud/graph-error';
import { HttpTransportError, type HttpClient } from '../cloud/http-client';
import type { ThrottleGovernor } from '../cloud/throttle-governor';
import { CredentialRejectedError, SecretUnavailableError } from '../secrets/errors';
import { DeliveryError, type MailAttachment, type MailTransport, type OutgoingMail } from './types';

export interface GraphMailTransportOptions {
  /** Graph origin, e.g. https://graph.microsoft.com. */
  graphUrl: string;
  /** Token audience, e.g. https://graph.microsoft.com. */
  resource: string;
  /** The tenant's app credential (from its Key Vault item, as for scans). */
  credential: GraphTokenCredential;
  http: HttpClient;
  /** Address (or object id) of the mailbox the report is sent from. */
  sender: string;
  signal?: AbortSignal;
  /** The tenant's Graph throttle governor, shared with its scans (Outlook: 4 concurrent requests per mailbox). */
  throttle?: ThrottleGovernor;
}

/**
 * Inline attachments must stay under 3 MB together (wire facts: "inline attachments < 3 MB"), counted as 3,000,000
 * bytes, the stricter reading (as the sim does); from there on an attachment needs an upload session.
 */
export const INLINE_ATTACHMENTS_MAX_BYTES = 3_000_000;
/** A Graph request body may not exceed 4 MB; inline attachments travel base64 (4/3 larger) inside it. */
export const REQUEST_MAX_BYTES = 4_000_000;
/** Upload chunks must be multiples of 320 KiB and under 4 MB: 12 × 320 KiB = 3,932,160 bytes. */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;

/**
 * The application permissions this transport uses: sendMail and /send (Mail.Send), drafts and upload sessions for
 * attachments of 3 MB or more (Mail.ReadWrite), the Sent Items check before each send (Mail.ReadBasic.All).
 */
export const GRAPH_MAIL_PERMISSIONS = ['Mail.Send', 'Mail.ReadWrite', 'Mail.ReadBasic.All'] as const;

/** Graph's codes for a /users/{sender} that names no usable mailbox. */
const UNKNOWN_SENDER_CODES: ReadonlySet<string> = new Set([
  'ErrorInvalidUser',
  'MailboxNotFound',
  'ResourceNotFound',
  'Request_ResourceNotFound',
  'MailboxNotEnabledForRESTAPI',
]);

/** One Graph step of a delivery: what it does (for messages) and the application permission it needs. */
interface Step {
  doing: string;
  permission: string;
  /** The step may have taken effect although no answer came (a send). */
  mayHaveSent?: boolean;
  /** Addresses the upload URL (Outlook's own endpoint), not /users/{sender}. */
  uploadUrl?: boolean;
}

const STEPS = {
  sentItems: {
    doing: "searching the sender's Sent Items",
    // The sim (sim/mail/graph-mail.ts) accepts any of Mail.ReadBasic(.All), Mail.Read, Mail.ReadWrite.
    permission: 'Mail.ReadBasic.All (or Mail.Read / Mail.ReadWrite)',
  },
  sendMail: { doing: 'sendMail', permission: 'Mail.Send', mayHaveSent: true },
  draft: { doing: 'creating the draft', permission: 'Mail.ReadWrite' },
  attach: { doing: 'attaching a file to the draft', permission: 'Mail.ReadWrite' },
  uploadSession: { doing: 'creating an upload session', permission: 'Mail.ReadWrite' },
  uploadChunk: { doing: 'uploading an attachment', permission: 'Mail.ReadWrite', uploadUrl: true },
  sendDraft: { doing: 'sending the draft (/send)', permission: 'Mail.Send', mayHaveSent: true },
} satisfies Record<string, Step>;

interface Recipient {
  emailAddress: { address: string };
}

const recipients = (addresses: readonly string[]): Recipient[] =>
  addresses.map((address) => ({ emailAddress: { address } }));

/** A `'…'` literal for OData $filter: single quotes doubled. */
const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export class GraphMailTransport implements MailTransport {
  readonly kind = 'graph';
  private readonly graph: GraphClient;
  /** Without the signal: deleting a half-built draft should still happen when the job is being stopped. */
  private readonly cleanupGraph: GraphClient;
  private readonly user: string;

  constructor(private readonly options: GraphMailTransportOptions) {
    const { graphUrl, resource, credential, http, signal, throttle } = options;
    const base = { baseUrl: graphUrl, resource, credential, http, ...(throttle ? { throttle } : {}) };
    this.graph = new GraphClient({ ...base, ...(signal ? { signal } : {}) });
    this.cleanupGraph = new GraphClient({ ...base, maxRetries: 2 });
    this.user = `/users/${encodeURIComponent(options.sender)}`;
  }

  async alreadySent(mail: OutgoingMail): Promise<boolean> {
    const filter = encodeURIComponent(`internetMessageId eq ${odataString(mail.messageId)}`);
    const path = `${this.user}/mailFolders/sentitems/messages?$filter=${filter}&$select=id,internetMessageId`;
    const page = await this.step(STEPS.sentItems, mail, () =>
      this.graph.get<{ value?: Array<{ internetMessageId?: string }> }>(path),
    );
    return (page.value ?? []).some((message) => message.internetMessageId === mail.messageId);
  }

  async send(mail: OutgoingMail): Promise<void> {
    // A large HTML body can push the base64 attachments over the request limit: then the draft route too.
    if (totalSize(mail) < INLINE_ATTACHMENTS_MAX_BYTES && sendMailBytes(mail) <= REQUEST_MAX_BYTES) {
      const message = {
        ...messageParts(mail),
        attachments: await Promise.all(mail.attachments.map(fileAttachment)),
      };
      await this.step(STEPS.sendMail, mail, () =>
        this.graph.post(`${this.user}/sendMail`, { message, saveToSentItems: true }, { repeatable: false }),
      );
      return;
    }
    await this.sendThroughDraft(mail);
  }

  /** Draft, attachments (small ones inline, large ones by upload session), then /send; no draft left on failure. */
  private async sendThroughDraft(mail: OutgoingMail): Promise<void> {
    const draft = await this.step(STEPS.draft, mail, () =>
      // Not repeated on an ambiguous failure: a second draft would be left behind unseen.
      this.graph.post<{ id?: string }>(`${this.user}/messages`, messageParts(mail), { repeatable: false }),
    );
    const id = draft?.id;
    if (typeof id !== 'string')
      throw new DeliveryError('transient', 'Graph created the draft but returned no id');
    const messagePath = `${this.user}/messages/${encodeURIComponent(id)}`;
    try {
      for (const attachment of mail.attachments) {
        if (attachment.size < INLINE_ATTACHMENTS_MAX_BYTES) {
          const body = await fileAttachment(attachment);
          await this.step(STEPS.attach, mail, () =>
            this.graph.post(`${messagePath}/attachments`, body, { repeatable: false }),
          );
        } else {
          await this.upload(mail, messagePath, attachment);
        }
      }
      await this.step(STEPS.sendDraft, mail, () =>
        this.graph.post(`${messagePath}/send`, undefined, { repeatable: false }),
      );
    } catch (err) {
      // So that a retry starts clean. After a /send that went through, the draft's id no longer resolves (a
      // sent item gets a new id; this client never asks for immutable ids): the DELETE then finds nothing.
      await this.cleanupGraph.delete(messagePath).catch(() => undefined);
      throw err;
    }
  }

  private async upload(mail: OutgoingMail, messagePath: string, attachment: MailAttachment): Promise<void> {
    const file = await open(attachment.path, 'r');
    try {
      const { size } = await file.stat();
      const session = await this.step(STEPS.uploadSession, mail, () =>
        this.graph.post<{ uploadUrl?: string }>(`${messagePath}/attachments/createUploadSession`, {
          AttachmentItem: {
            attachmentType: 'file',
            name: attachment.filename,
            size,
            contentType: attachment.contentType,
          },
        }),
      );
      const uploadUrl = session?.uploadUrl;
      if (typeof uploadUrl !== 'string' || !/^https:\/\//i.test(uploadUrl))
        throw new DeliveryError('transient', 'Graph created an upload session without an https uploadUrl');
      // The URL's query is its credential: messages and causes name only the path.
      const where = new URL(uploadUrl);
      const shownUrl = `${where.origin}${where.pathname}`;
      const chunk = Buffer.alloc(Math.min(UPLOAD_CHUNK_BYTES, Math.max(size, 1)));
      for (let start = 0; start < size;) {
        const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, size - start), start);
        if (bytesRead === 0)
          throw new DeliveryError('transient', `${attachment.filename} shrank while uploading`);
        const end = start + bytesRead - 1;
        const res = await this.step(STEPS.uploadChunk, mail, async () => {
          try {
            return await this.options.http.request({
              method: 'PUT',
              url: uploadUrl,
              // Pre-authenticated URL: an Authorization header would be refused.
              headers: {
                'content-type': 'application/octet-stream',
                'content-length': String(bytesRead),
                'content-range': `bytes ${start}-${end}/${size}`,
              },
              body: chunk.subarray(0, bytesRead),
              ...(this.options.signal ? { signal: this.options.signal } : {}),
            });
          } catch (err) {
            if (err instanceof HttpTransportError)
              throw new HttpTransportError(shownUrl, err.code, err.message);
            throw err;
          }
        });
        if (res.status !== 200 && res.status !== 201) {
          throw this.deliveryError(
            parseGraphError(res.status, `upload session of ${attachment.filename}`, res.body),
            STEPS.uploadChunk,
            mail,
          );
        }
        start = end + 1;
      }
    } finally {
      await file.close();
    }
  }

  /** Runs one Graph step; its failure becomes a DeliveryError that says what to do. */
  private async step<T>(step: Step, mail: OutgoingMail, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.deliveryError(err, step, mail);
    }
  }

  private deliveryError(err: unknown, step: Step, mail: OutgoingMail): unknown {
    // Already classified, or the job is being stopped (the worker hands it back as is).
    if (err instanceof DeliveryError || this.options.signal?.aborted) return err;
    const sender = this.options.sender;
    const cause = { cause: err };
    if (err instanceof GraphError) {
      const graphSays = `Graph ${err.status} ${err.code}`;
      if (err.status === 404 && !step.uploadUrl && UNKNOWN_SENDER_CODES.has(err.code)) {
        const problem =
          err.code === 'MailboxNotEnabledForRESTAPI'
            ? 'has no Exchange Online mailbox'
            : 'does not exist in the tenant';
        return new DeliveryError(
          'sender-unknown',
          `sender mailbox "${sender}" ${problem} (${graphSays} while ${step.doing}): set the tenant's mail.from ` +
            'to the address of an existing Exchange Online mailbox (a shared mailbox works)',
          cause,
        );
      }
      if (err.status === 403) {
        return new DeliveryError(
          'permission',
          `Graph refused ${step.doing} for sender mailbox "${sender}" (${graphSays}): the tenant's app needs the ` +
            `application permission ${step.permission} with admin consent; if an Exchange Online application ` +
            `access policy restricts the app, "${sender}" must be a member of its scope group ` +
            `(check with Test-ApplicationAccessPolicy -Identity ${sender} -AppId <app id>)`,
          cause,
        );
      }
      if (err.status === 413 || err.code === 'ErrorMessageSizeExceeded') {
        const megabytes = (totalSize(mail) / 1_000_000).toFixed(1);
        return new DeliveryError(
          'too-large',
          `the report mail with ${megabytes} MB of attachments is too large for Exchange Online (${graphSays} while ${step.doing}): ` +
            "raise the sender mailbox's MaxSendSize or mail through SMTP",
          cause,
        );
      }
      if (err.status === 401)
        return new DeliveryError('authentication', `${graphSays} while ${step.doing}: ${err.message}`, cause);
      if (err.status === 429 || err.status >= 500 || err.status === 404 || err.status === 416)
        // 404/416: the draft or upload session went away mid-delivery; a new attempt starts with a new draft.
        return new DeliveryError('transient', `${transientPrefix(step)}${err.message}`, cause);
      return new DeliveryError(
        'rejected',
        `Graph rejected the report mail while ${step.doing}: ${err.message}`,
        cause,
      );
    }
    if (err instanceof CredentialRejectedError)
      return new DeliveryError('authentication', err.message, cause);
    if (err instanceof SecretUnavailableError)
      return new DeliveryError(err.transient ? 'transient' : 'authentication', err.message, cause);
    const message = err instanceof Error ? err.message : String(err);
    return new DeliveryError('transient', `${transientPrefix(step)}${message}`, cause);
  }
}

/** Transient failures of a send say that the message may be out, and that the next attempt checks first. */
function transientPrefix(step: Step): string {
  return step.mayHaveSent
    ? `no answer to ${step.doing}, the mail may or may not have gone out (the next attempt checks Sent Items first): `
    : `${step.doing} failed: `;
}

/** The message without attachments, as sendMail and a draft take it. */
function messageParts(mail: OutgoingMail): Record<string, unknown> {
  return {
    subject: mail.subject,
    body: { contentType: 'HTML', content: mail.html },
    toRecipients: recipients(mail.to),
    ccRecipients: recipients(mail.cc),
    internetMessageId: mail.messageId,
  };
}

/** The size of the sendMail request, from the attachments' sizes (base64: 4 bytes per 3) without reading them. */
function sendMailBytes(mail: OutgoingMail): number {
  const attachments = mail.attachments.reduce(
    (sum, a) =>
      sum + 4 * Math.ceil(a.size / 3) + Buffer.byteLength(JSON.stringify([a.filename, a.contentType])) + 100,
    0,
  );
  return (
    Buffer.byteLength(JSON.stringify({ message: messageParts(mail), saveToSentItems: true })) + attachments
  );
}

function totalSize(mail: OutgoingMail): number {
  return mail.attachments.reduce((sum, attachment) => sum + attachment.size, 0);
}

/** An inline #microsoft.graph.fileAttachment; only for files under 3 MB (read whole, base64). */
async function fileAttachment(attachment: MailAttachment): Promise<Record<string, unknown>> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: attachment.filename,
    contentType: attachment.contentType,
    contentBytes: (await readFile(attachment.path)).toString('base64'),
  };
}
