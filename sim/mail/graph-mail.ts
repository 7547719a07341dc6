// Graph v1.0 mail endpoints of one mailbox (the caller has resolved /users/{id|upn} to it and checked permissions):
// sendMail, drafts, small attachments, upload sessions for large ones, /send, and folder listings with the
// `$filter=internetMessageId eq '…'` that delivery uses to check a message went out exactly once.
import { randomBytes } from 'node:crypto';
import { GraphError, notSimulated } from '../tenant/graph-errors';
import type { SimRequest, SimResponse } from '../types';
import {
  checkInlineAttachments,
  checkRequestSize,
  INLINE_ATTACHMENTS_MAX_BYTES,
  noRecipients,
  parseFileAttachment,
  parseMessage,
  property,
  readJsonObject,
  type AttachmentInput,
  type MessageInput,
} from './message-input';
import {
  attachmentResource,
  MESSAGE_PROPERTIES,
  messageResource,
  newConversationId,
  newInternetMessageId,
  newItemId,
} from './message-resource';
import type {
  MailboxRef,
  MailStore,
  StoredAttachment,
  StoredMessage,
  UploadSession,
  WellKnownFolder,
} from './store';
import { uploadUrlOf } from './upload';

const MAIL_SEND = ['Mail.Send'];
const MAIL_WRITE = ['Mail.ReadWrite'];
const MAIL_READ = ['Mail.ReadBasic', 'Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite'];

/** Upload sessions for attachments between 3 MB and 150 MB (3 MB as INLINE_ATTACHMENTS_MAX_BYTES counts it). */
export const UPLOAD_SESSION_MIN_BYTES = INLINE_ATTACHMENTS_MAX_BYTES;
export const UPLOAD_SESSION_MAX_BYTES = 150 * 1024 * 1024;
const UPLOAD_SESSION_LIFETIME_MS = 60 * 60 * 1000;

const FOLDER_PAGE_DEFAULT = 10;
const FOLDER_PAGE_MAX = 1000;
/** Well-known folders the simulator keeps nothing in: listing them gives an empty page. */
const EMPTY_WELL_KNOWN_FOLDERS = ['inbox', 'deleteditems', 'junkemail', 'outbox', 'archive', 'msgfolderroot'];

export type MailRouteName =
  | 'sendMail'
  | 'createDraft'
  | 'getMessage'
  | 'deleteMessage'
  | 'addAttachment'
  | 'createUploadSession'
  | 'sendDraft'
  | 'listFolderMessages';

interface RouteDefinition {
  name: MailRouteName;
  method: string;
  /** Segments after /users/{id}; "{}" is a parameter; alternatives separated by "|". */
  path: string[];
  permissions: readonly string[];
}

const ROUTES: readonly RouteDefinition[] = [
  { name: 'sendMail', method: 'POST', path: ['sendMail|microsoft.graph.sendMail'], permissions: MAIL_SEND },
  { name: 'createDraft', method: 'POST', path: ['messages'], permissions: MAIL_WRITE },
  { name: 'getMessage', method: 'GET', path: ['messages', '{}'], permissions: MAIL_READ },
  { name: 'deleteMessage', method: 'DELETE', path: ['messages', '{}'], permissions: MAIL_WRITE },
  { name: 'addAttachment', method: 'POST', path: ['messages', '{}', 'attachments'], permissions: MAIL_WRITE },
  {
    name: 'createUploadSession',
    method: 'POST',
    path: ['messages', '{}', 'attachments', 'createUploadSession|microsoft.graph.createUploadSession'],
    permissions: MAIL_WRITE,
  },
  {
    name: 'sendDraft',
    method: 'POST',
    path: ['messages', '{}', 'send|microsoft.graph.send'],
    permissions: MAIL_SEND,
  },
  {
    name: 'listFolderMessages',
    method: 'GET',
    path: ['mailFolders', '{}', 'messages'],
    permissions: MAIL_READ,
  },
];

export interface MailRoute {
  name: MailRouteName;
  permissions: readonly string[];
  /** The "{}" segments in order (message id or folder). */
  params: string[];
}

function segmentMatches(pattern: string, segment: string): boolean {
  return pattern === '{}' || pattern.split('|').some((name) => name.toLowerCase() === segment.toLowerCase());
}

/** The mail route for the segments after /users/{id}: undefined if none, 'method-not-allowed' if only the method differs. */
export function matchMailRoute(
  rest: readonly string[],
  method: string,
): MailRoute | 'method-not-allowed' | undefined {
  let pathMatched = false;
  for (const route of ROUTES) {
    if (route.path.length !== rest.length) continue;
    if (!route.path.every((pattern, i) => segmentMatches(pattern, rest[i] ?? ''))) continue;
    pathMatched = true;
    if (route.method !== method.toUpperCase()) continue;
    const params = route.path.flatMap((pattern, i) => (pattern === '{}' ? [rest[i] ?? ''] : []));
    return { name: route.name, permissions: route.permissions, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

/** Everything a mail request needs besides the route: the request, the mailbox and how the URL named it. */
export interface MailRequestContext {
  req: SimRequest;
  mailbox: MailboxRef;
  /** The {id|upn} segment as the client wrote it (for @odata.context). */
  userSegment: string;
  store: MailStore;
}

export function handleMailRoute(route: MailRoute, ctx: MailRequestContext): SimResponse {
  const [param = ''] = route.params;
  switch (route.name) {
    case 'sendMail':
      return sendMail(ctx);
    case 'createDraft':
      return createDraft(ctx);
    case 'getMessage':
      return getMessage(ctx, param);
    case 'deleteMessage':
      return deleteMessage(ctx, param);
    case 'addAttachment':
      return addAttachment(ctx, param);
    case 'createUploadSession':
      return createUploadSession(ctx, param);
    case 'sendDraft':
      return sendDraft(ctx, param);
    case 'listFolderMessages':
      return listFolderMessages(ctx, param);
  }
}

/** Graph timestamps: UTC without fraction. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const itemNotFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

function contextUrl(ctx: MailRequestContext, fragment: string): string {
  return `${ctx.req.url.origin}/v1.0/$metadata#users('${encodeURIComponent(ctx.userSegment)}')/${fragment}`;
}

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'OData-Version': '4.0' }, body };
}

function toStoredAttachment(input: AttachmentInput, nowMs: number, uploaded: boolean): StoredAttachment {
  return {
    id: newItemId(),
    name: input.name,
    contentType: input.contentType,
    size: input.bytes.length,
    isInline: input.isInline,
    contentId: input.contentId,
    bytes: input.bytes,
    uploaded,
    lastModifiedDateTime: timestamp(nowMs),
  };
}

function newMessage(ctx: MailRequestContext, input: MessageInput, folder: WellKnownFolder): StoredMessage {
  const nowMs = ctx.store.now();
  return {
    id: newItemId(),
    mailbox: ctx.mailbox,
    folder,
    internetMessageId: input.internetMessageId ?? newInternetMessageId(),
    conversationId: newConversationId(),
    subject: input.subject,
    body: input.body,
    toRecipients: input.toRecipients,
    ccRecipients: input.ccRecipients,
    bccRecipients: input.bccRecipients,
    replyTo: input.replyTo,
    attachments: input.attachments.map((attachment) => toStoredAttachment(attachment, nowMs, false)),
    createdDateTime: timestamp(nowMs),
    lastModifiedDateTime: timestamp(nowMs),
    sentDateTime: null,
  };
}

/** Submits a message: records it, and keeps a copy in Sent Items unless asked not to. */
function deliver(
  ctx: MailRequestContext,
  message: StoredMessage,
  saveToSentItems: boolean,
  via: 'sendMail' | 'draft',
): void {
  if (message.toRecipients.length + message.ccRecipients.length + message.bccRecipients.length === 0)
    throw noRecipients();
  const sentAt = timestamp(ctx.store.now());
  const sent: StoredMessage = {
    ...message,
    id: newItemId(),
    folder: 'sentitems',
    sentDateTime: sentAt,
    lastModifiedDateTime: sentAt,
  };
  if (saveToSentItems) ctx.store.saveMessage(sent);
  ctx.store.recordSent({
    tenantId: ctx.mailbox.tenantId,
    sender: { id: ctx.mailbox.id, address: ctx.mailbox.address, name: ctx.mailbox.name },
    messageId: sent.id,
    internetMessageId: sent.internetMessageId,
    subject: sent.subject,
    body: sent.body,
    toRecipients: sent.toRecipients,
    ccRecipients: sent.ccRecipients,
    bccRecipients: sent.bccRecipients,
    attachments: sent.attachments.map((attachment) => ({
      name: attachment.name,
      contentType: attachment.contentType,
      size: attachment.size,
      isInline: attachment.isInline,
      bytes: attachment.bytes,
      uploaded: attachment.uploaded,
    })),
    savedToSentItems: saveToSentItems,
    sentDateTime: sentAt,
    via,
  });
}

function sendMail(ctx: MailRequestContext): SimResponse {
  checkRequestSize(ctx.req.body);
  const body = readJsonObject(ctx.req.body);
  const rawMessage = property(body, 'message');
  if (rawMessage === undefined)
    throw new GraphError(400, 'ErrorInvalidParameter', "The parameter 'Message' is required.");
  const save = property(body, 'saveToSentItems') ?? true;
  if (typeof save !== 'boolean') {
    throw new GraphError(400, 'BadRequest', "Parameter 'SaveToSentItems' must be true or false.");
  }
  deliver(ctx, newMessage(ctx, parseMessage(rawMessage), 'sentitems'), save, 'sendMail');
  return { status: 202 };
}

function createDraft(ctx: MailRequestContext): SimResponse {
  checkRequestSize(ctx.req.body);
  const draft = newMessage(ctx, parseMessage(readJsonObject(ctx.req.body)), 'drafts');
  ctx.store.saveMessage(draft);
  return json(201, { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...messageResource(draft) });
}

function draftOf(ctx: MailRequestContext, messageId: string): StoredMessage {
  const message = ctx.store.message(ctx.mailbox, messageId);
  if (!message || message.folder !== 'drafts') throw itemNotFound();
  return message;
}

function getMessage(ctx: MailRequestContext, messageId: string): SimResponse {
  const message = ctx.store.message(ctx.mailbox, messageId);
  if (!message) throw itemNotFound();
  const select = queryOptions(ctx.req.url, ['select']);
  return json(200, {
    '@odata.context': contextUrl(ctx, 'messages/$entity'),
    ...project(messageResource(message), select.select),
  });
}

function deleteMessage(ctx: MailRequestContext, messageId: string): SimResponse {
  if (!ctx.store.deleteMessage(ctx.mailbox, messageId)) throw itemNotFound();
  return { status: 204 };
}

function addAttachment(ctx: MailRequestContext, messageId: string): SimResponse {
  checkRequestSize(ctx.req.body);
  const draft = draftOf(ctx, messageId);
  const input = parseFileAttachment(readJsonObject(ctx.req.body));
  checkInlineAttachments([input]);
  const attachment = toStoredAttachment(input, ctx.store.now(), false);
  draft.attachments.push(attachment);
  draft.lastModifiedDateTime = attachment.lastModifiedDateTime;
  return json(201, {
    '@odata.context': contextUrl(ctx, `messages('${encodeURIComponent(messageId)}')/attachments/$entity`),
    ...attachmentResource(attachment, false),
  });
}

function createUploadSession(ctx: MailRequestContext, messageId: string): SimResponse {
  draftOf(ctx, messageId);
  const item = property(readJsonObject(ctx.req.body), 'AttachmentItem');
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new GraphError(400, 'ErrorInvalidParameter', "The parameter 'AttachmentItem' is required.");
  }
  const fields = item as Record<string, unknown>;
  const attachmentType = property(fields, 'attachmentType') ?? 'file';
  if (attachmentType === 'item' || attachmentType === 'reference')
    throw notSimulated(`upload sessions for attachmentType '${attachmentType}'`);
  if (attachmentType !== 'file') {
    throw new GraphError(
      400,
      'BadRequest',
      `Requested value '${String(attachmentType)}' was not found in attachmentType.`,
    );
  }
  const name = property(fields, 'name');
  const size = property(fields, 'size');
  if (typeof name !== 'string' || name === '')
    throw new GraphError(400, 'ErrorInvalidParameter', "AttachmentItem 'name' is required.");
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      "AttachmentItem 'size' must be the file's size in bytes.",
    );
  if (size < UPLOAD_SESSION_MIN_BYTES) {
    throw new GraphError(
      400,
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
      'Attachment size must be greater than the minimum size. Attach files under 3 MB with a POST to attachments.',
    );
  }
  if (size > UPLOAD_SESSION_MAX_BYTES)
    throw new GraphError(400, 'ErrorMessageSizeExceeded', 'The message exceeds the maximum supported size.');
  const contentType = property(fields, 'contentType');
  const contentId = property(fields, 'contentId');
  const session: UploadSession = {
    id: newItemId(),
    token: randomBytes(32).toString('base64url'),
    mailbox: ctx.mailbox,
    messageId,
    name,
    contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
    size,
    isInline: property(fields, 'isInline') === true,
    contentId: typeof contentId === 'string' ? contentId : null,
    chunks: [],
    received: 0,
    expiresAtMs: ctx.store.now() + UPLOAD_SESSION_LIFETIME_MS,
  };
  ctx.store.addSession(session);
  return json(201, {
    '@odata.context': `${ctx.req.url.origin}/v1.0/$metadata#microsoft.graph.uploadSession`,
    uploadUrl: uploadUrlOf(ctx.req.url.origin, session),
    expirationDateTime: new Date(session.expiresAtMs).toISOString(),
    nextExpectedRanges: ['0-'],
  });
}

function sendDraft(ctx: MailRequestContext, messageId: string): SimResponse {
  const draft = draftOf(ctx, messageId);
  deliver(ctx, draft, true, 'draft');
  // A sent draft moves to Sent Items under a new id: the draft id no longer resolves.
  ctx.store.deleteMessage(ctx.mailbox, messageId);
  return { status: 202 };
}

type FolderQueryName = 'select' | 'filter' | 'top' | 'skip';

/** Reads $-options (with or without "$"); options outside `supported` are a loud 501. */
function queryOptions(
  url: URL,
  supported: readonly FolderQueryName[],
): Partial<Record<FolderQueryName, string>> {
  const options: Partial<Record<FolderQueryName, string>> = {};
  for (const [rawName, value] of url.searchParams) {
    const name = rawName.replace(/^\$/, '').toLowerCase();
    if (!(supported as readonly string[]).includes(name))
      throw notSimulated(`query option '${rawName}' on mail`);
    options[name as FolderQueryName] = value;
  }
  return options;
}

function project(resource: Record<string, unknown>, select: string | undefined): Record<string, unknown> {
  if (select === undefined) return resource;
  const result: Record<string, unknown> = { id: resource.id };
  for (const raw of select.split(',')) {
    const name = MESSAGE_PROPERTIES.find((candidate) => candidate.toLowerCase() === raw.trim().toLowerCase());
    if (!name) {
      throw new GraphError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${raw.trim()}' on type 'microsoft.graph.message'.`,
      );
    }
    result[name] = resource[name];
  }
  return result;
}

/** `internetMessageId eq '<…>'` (quotes doubled inside), the one filter the simulator implements. */
function internetMessageIdFilter(filter: string | undefined): string | undefined {
  if (filter === undefined) return undefined;
  const match = /^\s*internetMessageId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
  if (!match || match[1] === undefined) throw notSimulated(`$filter '${filter}' on messages`);
  return match[1].replace(/''/g, "'");
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new GraphError(400, 'BadRequest', `Invalid value '${value}' for query option '$${name}'.`);
  }
  return number;
}

function listFolderMessages(ctx: MailRequestContext, folder: string): SimResponse {
  const folderName = folder.toLowerCase();
  let messages: StoredMessage[];
  if (folderName === 'sentitems' || folderName === 'drafts') {
    messages = ctx.store.messagesIn(ctx.mailbox, folderName);
  } else if (EMPTY_WELL_KNOWN_FOLDERS.includes(folderName)) {
    messages = [];
  } else {
    throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  }
  const options = queryOptions(ctx.req.url, ['select', 'filter', 'top', 'skip']);
  const wanted = internetMessageIdFilter(options.filter);
  const top = Math.min(wholeNumber(options.top, 'top', FOLDER_PAGE_DEFAULT), FOLDER_PAGE_MAX);
  const skip = wholeNumber(options.skip, 'skip', 0);
  const matching = messages
    .filter((message) => wanted === undefined || message.internetMessageId === wanted)
    // Newest first, as Outlook lists a folder.
    .sort((a, b) =>
      (b.sentDateTime ?? b.lastModifiedDateTime).localeCompare(a.sentDateTime ?? a.lastModifiedDateTime),
    );
  const page = matching.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(ctx, `mailFolders('${folder}')/messages`),
    value: page.map((message) => project(messageResource(message), options.select)),
  };
  if (skip + top < matching.length) {
    const next = new URL(ctx.req.url.href);
    for (const name of ['top', 'skip']) next.searchParams.delete(name);
    next.searchParams.set('$top', String(top));
    next.searchParams.set('$skip', String(skip + top));
    body['@odata.nextLink'] = next.href;
  }
  return json(200, body);
}
