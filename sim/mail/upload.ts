// The pre-authenticated upload URL of an attachment upload session, on the sim's own origin:
//   {origin}/api/v2.0/Users('{userId}@{tenantId}')/Messages('{messageId}')/AttachmentSessions('{sessionId}')?authtoken=…
// PUT byte ranges in order (Content-Range: bytes a-b/total, at most 4 MB each, NO Authorization header): 200 with
// nextExpectedRanges until the last byte, then 201 with a Location header. GET reports progress, DELETE cancels.
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../types';
import { newItemId } from './message-resource';
import type { MailStore, UploadSession } from './store';

export const UPLOAD_PATH_PREFIX = '/api/v2.0/';
/** Each PUT may carry at most 4 MB. */
export const UPLOAD_CHUNK_MAX_BYTES = 4 * 1024 * 1024;

const PATH = /^\/api\/v2\.0\/Users\('([^']+)'\)\/Messages\('([^']+)'\)\/AttachmentSessions\('([^']+)'\)$/i;

export function isMailUploadPath(pathname: string): boolean {
  return pathname.toLowerCase().startsWith(UPLOAD_PATH_PREFIX);
}

function userKey(session: Pick<UploadSession, 'mailbox'>): string {
  return `${session.mailbox.id}@${session.mailbox.tenantId}`;
}

function sessionPath(session: Pick<UploadSession, 'mailbox' | 'messageId'>): string {
  return `/api/v2.0/Users('${userKey(session)}')/Messages('${session.messageId}')`;
}

export function uploadUrlOf(
  origin: string,
  session: Pick<UploadSession, 'mailbox' | 'messageId' | 'id' | 'token'>,
): string {
  return `${origin}${sessionPath(session)}/AttachmentSessions('${session.id}')?authtoken=${session.token}`;
}

function outlookError(status: number, code: string, message: string): SimResponse {
  return { status, headers: { 'request-id': randomUUID() }, body: { error: { code, message } } };
}

function progress(req: SimRequest, session: UploadSession): SimResponse {
  const context =
    `${req.url.origin}/api/v2.0/$metadata#Users('${encodeURIComponent(userKey(session))}')` +
    `/Messages('${encodeURIComponent(session.messageId)}')/AttachmentSessions/$entity`;
  return {
    status: 200,
    body: {
      '@odata.context': context,
      ExpirationDateTime: new Date(session.expiresAtMs).toISOString(),
      nextExpectedRanges: [String(session.received)],
    },
  };
}

export function handleMailUpload(req: SimRequest, store: MailStore): SimResponse {
  let pathname: string;
  try {
    pathname = decodeURIComponent(req.url.pathname);
  } catch {
    pathname = req.url.pathname;
  }
  const match = PATH.exec(pathname);
  if (!match) return outlookError(404, 'ResourceNotFound', `No upload session at ${req.url.pathname}.`);
  const [, , messageId, sessionId = ''] = match;
  const session = store.session(sessionId);
  if (
    !session ||
    session.messageId !== messageId ||
    req.url.searchParams.get('authtoken') !== session.token
  ) {
    return outlookError(
      404,
      'ErrorItemNotFound',
      'The upload session does not exist, was completed or was cancelled.',
    );
  }
  if (req.headers.authorization !== undefined) {
    // The real service refuses the Graph token it is sent (wrong audience); the URL alone authorizes.
    return outlookError(
      401,
      'InvalidAuthenticationToken',
      'The upload URL is pre-authenticated: send the PUT without an Authorization header.',
    );
  }
  if (store.now() > session.expiresAtMs) {
    store.deleteSession(session.id);
    return outlookError(404, 'ErrorItemNotFound', 'The upload session has expired.');
  }
  switch (req.method) {
    case 'GET':
      return progress(req, session);
    case 'DELETE':
      store.deleteSession(session.id);
      return { status: 204 };
    case 'PUT':
      return putChunk(req, store, session);
    default:
      return outlookError(
        405,
        'ErrorInvalidRequest',
        `The method ${req.method} is not allowed on an upload URL.`,
      );
  }
}

function putChunk(req: SimRequest, store: MailStore, session: UploadSession): SimResponse {
  const header = req.headers['content-range'];
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(typeof header === 'string' ? header.trim() : '');
  if (!range) {
    return outlookError(400, 'ErrorInvalidRequest', "Content-Range must be 'bytes {start}-{end}/{total}'.");
  }
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (total !== session.size) {
    return outlookError(
      400,
      'ErrorInvalidRequest',
      `Content-Range total ${total} differs from the size ${session.size} given to createUploadSession.`,
    );
  }
  if (start !== session.received) {
    return outlookError(
      416,
      'ErrorInvalidRange',
      `Upload bytes in order: the next expected byte is ${session.received}, this range starts at ${start}.`,
    );
  }
  if (end < start || end >= total || req.body.length !== end - start + 1) {
    return outlookError(
      400,
      'ErrorInvalidRequest',
      `Content-Range bytes ${start}-${end} does not match the ${req.body.length} bytes in the body.`,
    );
  }
  if (req.body.length > UPLOAD_CHUNK_MAX_BYTES) {
    return outlookError(413, 'RequestEntityTooLarge', 'Upload at most 4 MB per request.');
  }
  session.chunks.push(Buffer.from(req.body));
  session.received += req.body.length;
  if (session.received < session.size) return progress(req, session);

  store.deleteSession(session.id);
  const draft = store.message(session.mailbox, session.messageId);
  if (!draft || draft.folder !== 'drafts') {
    return outlookError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }
  const attachmentId = newItemId();
  const now = new Date(store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  draft.attachments.push({
    id: attachmentId,
    name: session.name,
    contentType: session.contentType,
    size: session.size,
    isInline: session.isInline,
    contentId: session.contentId,
    bytes: Buffer.concat(session.chunks),
    uploaded: true,
    lastModifiedDateTime: now,
  });
  draft.lastModifiedDateTime = now;
  return {
    status: 201,
    headers: { location: `${req.url.origin}${sessionPath(session)}/Attachments('${attachmentId}')` },
  };
}
