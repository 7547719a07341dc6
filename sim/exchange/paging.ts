// Paging of InvokeCommand results: `Prefer: odata.maxpagesize=N` sets the page size (default and maximum 1000);
// @odata.nextLink carries an opaque $skiptoken bound to the request body, valid 30 minutes, and the client
// re-POSTs the same body to it.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { invalidPagination } from './errors';

export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 1000;
const TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/** The page size the Prefer header asks for, clamped to [1, MAX_PAGE_SIZE]; undefined when absent. */
export function preferredPageSize(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['prefer'];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  for (const preference of values.flatMap((value) => value.split(','))) {
    const match = /^\s*odata\.maxpagesize\s*=\s*"?(\d+)"?\s*$/i.exec(preference);
    if (match?.[1]) return Math.min(Math.max(Number(match[1]), 1), MAX_PAGE_SIZE);
  }
  return undefined;
}

/** Where the next page starts: an offset in the cmdlet's own order and how many rows came before it. */
export interface PageCursor {
  offset: number;
  returned: number;
}

interface TokenContent {
  /** offset */
  o: number;
  /** returned so far */
  n: number;
  /** fingerprint of the request body */
  f: string;
  /** issued at (epoch ms) */
  t: number;
}

/** Binds a token to the cmdlet input it pages, so a different body cannot continue it. */
export function bodyFingerprint(cmdletInput: unknown): string {
  return createHash('sha256').update(JSON.stringify(cmdletInput)).digest('base64url').slice(0, 16);
}

export function encodeSkipToken(cursor: PageCursor, fingerprint: string, nowMs: number): string {
  const content: TokenContent = { o: cursor.offset, n: cursor.returned, f: fingerprint, t: nowMs };
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

/** The cursor of a $skiptoken; throws the service's pagination error for a foreign, altered or expired token. */
export function decodeSkipToken(token: string, fingerprint: string, nowMs: number): PageCursor {
  let content: Partial<TokenContent>;
  try {
    content = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenContent>;
  } catch {
    throw invalidPagination();
  }
  const { o, n, f, t } = content;
  if (
    typeof o !== 'number' ||
    typeof n !== 'number' ||
    typeof t !== 'number' ||
    f !== fingerprint ||
    nowMs - t > TOKEN_LIFETIME_MS
  ) {
    throw invalidPagination();
  }
  return { offset: o, returned: n };
}
