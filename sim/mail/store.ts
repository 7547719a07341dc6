// Everything the simulated Outlook keeps: drafts and sent items per mailbox, open upload sessions, and a record of
// every message sent (for tests and the sim's control API: list(), clear()).

export interface MailAddress {
  name?: string;
  address: string;
}

export interface MailBody {
  contentType: 'text' | 'html';
  content: string;
}

/** The mailbox a message belongs to (the sender). */
export interface MailboxRef {
  tenantId: string;
  /** ExternalDirectoryObjectId (the Graph user id). */
  id: string;
  /** PrimarySmtpAddress. */
  address: string;
  name: string;
}

export interface StoredAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  bytes: Buffer;
  /** Arrived through an upload session rather than inline in JSON. */
  uploaded: boolean;
  lastModifiedDateTime: string;
}

export type WellKnownFolder = 'drafts' | 'sentitems';

export interface StoredMessage {
  id: string;
  mailbox: MailboxRef;
  folder: WellKnownFolder;
  internetMessageId: string;
  conversationId: string;
  subject: string;
  body: MailBody;
  toRecipients: MailAddress[];
  ccRecipients: MailAddress[];
  bccRecipients: MailAddress[];
  replyTo: MailAddress[];
  attachments: StoredAttachment[];
  createdDateTime: string;
  lastModifiedDateTime: string;
  sentDateTime: string | null;
}

/** What a test or the control API sees of a sent message. */
export interface SentMail {
  tenantId: string;
  sender: { id: string; address: string; name: string };
  /** Graph id of the message in Sent Items (the draft's id for a sent draft is gone). */
  messageId: string;
  internetMessageId: string;
  subject: string;
  body: MailBody;
  toRecipients: MailAddress[];
  ccRecipients: MailAddress[];
  bccRecipients: MailAddress[];
  attachments: Array<{
    name: string;
    contentType: string;
    size: number;
    isInline: boolean;
    bytes: Buffer;
    uploaded: boolean;
  }>;
  savedToSentItems: boolean;
  sentDateTime: string;
  /** sendMail in one request, or a draft sent with /send. */
  via: 'sendMail' | 'draft';
}

export interface UploadSession {
  id: string;
  /** The secret in the upload URL (?authtoken=…); the PUTs carry no Authorization header. */
  token: string;
  mailbox: MailboxRef;
  messageId: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  chunks: Buffer[];
  received: number;
  expiresAtMs: number;
}

const mailboxKey = (mailbox: Pick<MailboxRef, 'tenantId' | 'id'>): string =>
  `${mailbox.tenantId}|${mailbox.id.toLowerCase()}`;

export class MailStore {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly sessions = new Map<string, UploadSession>();
  private sent: SentMail[] = [];

  constructor(readonly now: () => number = Date.now) {}

  /** Every message sent so far, oldest first. */
  list(): SentMail[] {
    return [...this.sent];
  }

  /** Forgets all mail state: sent records, drafts, sent items and upload sessions. */
  clear(): void {
    this.sent = [];
    this.messages.clear();
    this.sessions.clear();
  }

  recordSent(mail: SentMail): void {
    this.sent.push(mail);
  }

  saveMessage(message: StoredMessage): void {
    this.messages.set(`${mailboxKey(message.mailbox)}|${message.id}`, message);
  }

  message(mailbox: MailboxRef, id: string): StoredMessage | undefined {
    return this.messages.get(`${mailboxKey(mailbox)}|${id}`);
  }

  deleteMessage(mailbox: MailboxRef, id: string): boolean {
    return this.messages.delete(`${mailboxKey(mailbox)}|${id}`);
  }

  messagesIn(mailbox: MailboxRef, folder: WellKnownFolder): StoredMessage[] {
    const key = mailboxKey(mailbox);
    return [...this.messages.values()].filter(
      (message) => message.folder === folder && mailboxKey(message.mailbox) === key,
    );
  }

  addSession(session: UploadSession): void {
    this.sessions.set(session.id, session);
  }

  session(id: string): UploadSession | undefined {
    return this.sessions.get(id);
  }

  deleteSession(id: string): void {
    this.sessions.delete(id);
  }
}
