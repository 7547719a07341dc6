// Reading Graph message JSON (sendMail's message, a draft, a fileAttachment) the way Outlook checks it: recipients,
// body type, base64 attachments, and the size limits of a single request (4 MB) and of inline attachments (3 MB).
import { GraphError, notSimulated } from '../tenant/graph-errors';
import type { MailAddress, MailBody } from './store';

/** Graph refuses requests above 4 MB (413). */
export const REQUEST_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Inline (JSON) attachments must stay under 3 MB in total (else 400 ErrorMessageSizeExceeded, as observed). Counted
 * as 3,000,000 bytes, the stricter reading, and the same bound where upload sessions start (no gap between the two).
 */
export const INLINE_ATTACHMENTS_MAX_BYTES = 3_000_000;

export interface AttachmentInput {
  name: string;
  contentType: string;
  isInline: boolean;
  contentId: string | null;
  bytes: Buffer;
}

export interface MessageInput {
  subject: string;
  body: MailBody;
  toRecipients: MailAddress[];
  ccRecipients: MailAddress[];
  bccRecipients: MailAddress[];
  replyTo: MailAddress[];
  /** Set by the client (RFC 2822 "<id@domain>"), else Exchange assigns one. */
  internetMessageId: string | undefined;
  attachments: AttachmentInput[];
}

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property by name, case-insensitively (Graph accepts "Message" and "message" for action parameters). */
export function property(object: JsonObject, name: string): unknown {
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

export function checkRequestSize(body: Buffer): void {
  if (body.length > REQUEST_MAX_BYTES) {
    throw new GraphError(
      413,
      'RequestEntityTooLarge',
      `The request of ${body.length} bytes exceeds the maximum request size of 4 MB. Attach files of 3 MB or more ` +
        'with an upload session (attachments/createUploadSession).',
    );
  }
}

/** The request body as a JSON object, or Graph's 400 for an empty or unreadable payload. */
export function readJsonObject(body: Buffer): JsonObject {
  if (body.length === 0) throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  if (!isObject(parsed))
    throw new GraphError(400, 'BadRequest', 'The request payload must be a JSON object.');
  return parsed;
}

function invalidRecipient(address: string): GraphError {
  return new GraphError(
    400,
    'ErrorInvalidRecipients',
    `At least one recipient isn't valid., Recipient '${address}' isn't resolved. All recipients must be ` +
      'resolved before a message can be submitted.',
  );
}

export function noRecipients(): GraphError {
  return new GraphError(
    400,
    'ErrorInvalidRecipients',
    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
  );
}

function recipients(value: unknown, field: string): MailAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new GraphError(400, 'BadRequest', `Property '${field}' must be a collection.`);
  return value.map((entry): MailAddress => {
    const emailAddress = isObject(entry) ? property(entry, 'emailAddress') : undefined;
    const address = isObject(emailAddress) ? property(emailAddress, 'address') : undefined;
    const name = isObject(emailAddress) ? property(emailAddress, 'name') : undefined;
    if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address))
      throw invalidRecipient(typeof address === 'string' ? address : '');
    return typeof name === 'string' ? { name, address } : { address };
  });
}

function body(value: unknown): MailBody {
  if (value === undefined || value === null) return { contentType: 'text', content: '' };
  if (!isObject(value))
    throw new GraphError(400, 'BadRequest', "Property 'body' must be an itemBody object.");
  const rawType = property(value, 'contentType') ?? 'text';
  const contentType = typeof rawType === 'string' ? rawType.toLowerCase() : '';
  if (contentType !== 'text' && contentType !== 'html') {
    throw new GraphError(
      400,
      'BadRequest',
      `Requested value '${String(rawType)}' was not found in bodyType.`,
    );
  }
  const content = property(value, 'content') ?? '';
  if (typeof content !== 'string')
    throw new GraphError(400, 'BadRequest', "Property 'content' must be a string.");
  return { contentType, content };
}

function decodeBase64(value: unknown): Buffer {
  if (typeof value !== 'string')
    throw new GraphError(400, 'BadRequest', "Property 'contentBytes' is required.");
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new GraphError(400, 'BadRequest', "Property 'contentBytes' is not valid base64.");
  }
  return Buffer.from(compact, 'base64');
}

export function parseFileAttachment(value: unknown): AttachmentInput {
  if (!isObject(value)) throw new GraphError(400, 'BadRequest', 'An attachment must be a JSON object.');
  const type = property(value, '@odata.type');
  if (typeof type !== 'string') throw new GraphError(400, 'BadRequest', 'Cannot create an abstract class.');
  const normalizedType = type.replace(/^#/, '').toLowerCase();
  if (
    normalizedType === 'microsoft.graph.itemattachment' ||
    normalizedType === 'microsoft.graph.referenceattachment'
  )
    throw notSimulated(`attachments of type ${type}`);
  if (normalizedType !== 'microsoft.graph.fileattachment') {
    throw new GraphError(400, 'BadRequest', `The type '${type}' is not a known attachment type.`);
  }
  const name = property(value, 'name');
  const contentType = property(value, 'contentType');
  const isInline = property(value, 'isInline');
  const contentId = property(value, 'contentId');
  return {
    name: typeof name === 'string' ? name : 'attachment',
    contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
    isInline: isInline === true,
    contentId: typeof contentId === 'string' ? contentId : null,
    bytes: decodeBase64(property(value, 'contentBytes')),
  };
}

/** Inline attachments of one request together must stay under 3 MB. */
export function checkInlineAttachments(attachments: readonly AttachmentInput[]): void {
  const total = attachments.reduce((sum, attachment) => sum + attachment.bytes.length, 0);
  if (total >= INLINE_ATTACHMENTS_MAX_BYTES) {
    throw new GraphError(
      400,
      'ErrorMessageSizeExceeded',
      'The message exceeds the maximum supported size. Attachments of 3 MB or more must be added with an upload ' +
        'session (attachments/createUploadSession).',
    );
  }
}

function internetMessageId(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^<[^<>\s@]+@[^<>\s@]+>$/.test(value)) {
    throw new GraphError(
      400,
      'ErrorInvalidInternetMessageId',
      `The internetMessageId '${String(value)}' is not valid: it must look like <local@domain>.`,
    );
  }
  return value;
}

export function parseMessage(value: unknown): MessageInput {
  if (!isObject(value))
    throw new GraphError(400, 'BadRequest', "Parameter 'Message' must be a message object.");
  const subject = property(value, 'subject') ?? '';
  if (typeof subject !== 'string')
    throw new GraphError(400, 'BadRequest', "Property 'subject' must be a string.");
  const rawAttachments = property(value, 'attachments') ?? [];
  if (!Array.isArray(rawAttachments))
    throw new GraphError(400, 'BadRequest', "Property 'attachments' must be a collection.");
  const attachments = rawAttachments.map(parseFileAttachment);
  checkInlineAttachments(attachments);
  return {
    subject,
    body: body(property(value, 'body')),
    toRecipients: recipients(property(value, 'toRecipients'), 'toRecipients'),
    ccRecipients: recipients(property(value, 'ccRecipients'), 'ccRecipients'),
    bccRecipients: recipients(property(value, 'bccRecipients'), 'bccRecipients'),
    replyTo: recipients(property(value, 'replyTo'), 'replyTo'),
    internetMessageId: internetMessageId(property(value, 'internetMessageId')),
    attachments,
  };
}
