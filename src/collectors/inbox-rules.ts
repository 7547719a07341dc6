import type { GraphBatchRequest, GraphBatchResponse, GraphClient } from '../cloud/graph-client';
import { GraphError } from '../cloud/graph-error';
import { RETRIABLE_STATUS } from '../cloud/send-with-retries';
import { retryDelayMs, sleep } from '../cloud/retry-delay';
import type { InboxRule } from './exchange-types';
import { noteUnexpected, unexpectedPart } from './shape';

/** Graph's JSON batch holds at most 20 requests. */
const BATCH_SIZE = 20;

/**
 * Batches in flight at once: the worker judges one answer while the service works on the next. Each batch holds
 * twenty different mailboxes, so Outlook's limit of four concurrent requests per mailbox is never approached.
 */
const BATCHES_IN_FLIGHT = 4;

export interface InboxRulesOptions {
  maxRetries?: number;
  sleepMs?: (ms: number) => Promise<void>;
  /** Batches sent concurrently (default 4). */
  concurrency?: number;
}

/**
 * Inbox rules of the given users (Entra object ids), 20 per $batch, a few batches at a time. Items that fail
 * transiently (429, 5xx) go into a new batch after the longest Retry-After among them; a mailbox Outlook cannot
 * serve over REST (404 MailboxNotEnabledForRESTAPI, or a user that vanished since Get-Mailbox) has no rules. Any
 * other item failure is a GraphError, like a direct request's (403: the app lacks MailboxSettings.Read).
 */
export async function collectInboxRules(
  graph: GraphClient,
  userIds: readonly string[],
  options: InboxRulesOptions = {},
): Promise<Map<string, InboxRule[]>> {
  const maxRetries = options.maxRetries ?? 6;
  const sleepMs = options.sleepMs ?? sleep;
  const rules = new Map<string, InboxRule[]>();
  const chunks: string[][] = [];
  for (let start = 0; start < userIds.length; start += BATCH_SIZE) {
    chunks.push(userIds.slice(start, start + BATCH_SIZE));
  }
  let next = 0;
  const lane = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++] ?? [];
      await collectBatch(graph, chunk, rules, maxRetries, sleepMs);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? BATCHES_IN_FLIGHT, chunks.length));
  // The first failure fails the page; the other lanes stop at their next batch boundary.
  await Promise.all(Array.from({ length: lanes }, lane)).catch((err: unknown) => {
    next = chunks.length;
    throw err;
  });
  return rules;
}

/** One batch of up to twenty mailboxes, re-sending transient item failures until they succeed or run out. */
async function collectBatch(
  graph: GraphClient,
  userIds: readonly string[],
  rules: Map<string, InboxRule[]>,
  maxRetries: number,
  sleepMs: (ms: number) => Promise<void>,
): Promise<void> {
  let pending = [...userIds];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const requests: GraphBatchRequest[] = pending.map((id, i) => ({
      id: String(i),
      method: 'GET',
      url: rulesPath(id),
    }));
    const responses = await graph.postBatch(requests);
    const retry: string[] = [];
    let waitMs = 0;
    for (const [i, userId] of pending.entries()) {
      const response = responses.find((r) => String(r.id) === String(i));
      const path = rulesPath(userId);
      if (!response) throw new GraphError(200, 'UnexpectedShape', path, 'the $batch answer lacks this item');
      if (response.status >= 200 && response.status < 300) {
        rules.set(userId, parseRules(path, response.body));
      } else if (response.status === 404) {
        rules.set(userId, []);
      } else if (RETRIABLE_STATUS.has(response.status) && attempt < maxRetries) {
        retry.push(userId);
        waitMs = Math.max(waitMs, retryDelayMs(attempt, headerOf(response, 'retry-after')));
      } else {
        throw itemError(path, response);
      }
    }
    if (retry.length > 0) await sleepMs(waitMs);
    pending = retry;
  }
}

function rulesPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}/mailFolders/inbox/messageRules`;
}

/** Item headers are JSON keys in Graph's spelling; HTTP header names compare case-insensitively. */
function headerOf(response: GraphBatchResponse, name: string): string | undefined {
  const key = Object.keys(response.headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : response.headers?.[key];
}

function itemError(path: string, response: GraphBatchResponse): GraphError {
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : 'the $batch item failed';
  return new GraphError(response.status, code, path, message);
}

/**
 * The rules of one mailbox. A body without its "value" array is UnexpectedShape. Per rule, id and displayName
 * name it in findings (absent: "(no id)" / "", as before); isEnabled and recipients without an address are noted
 * for EXO-05, which reports `error` if such a rule could forward outside.
 */
function parseRules(path: string, body: unknown): InboxRule[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(value))
    throw new GraphError(200, 'UnexpectedShape', path, 'the response has no "value" array');
  return value.map((raw: unknown) => {
    const rule = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const actions = (typeof rule.actions === 'object' && rule.actions !== null ? rule.actions : {}) as Record<
      string,
      unknown
    >;
    const notes: Record<string, string> = {};
    return {
      id: typeof rule.id === 'string' ? rule.id : '(no id)',
      displayName: typeof rule.displayName === 'string' ? rule.displayName : '',
      isEnabled:
        typeof rule.isEnabled === 'boolean'
          ? rule.isEnabled
          : noteUnexpected(notes, 'isEnabled', rule.isEnabled),
      forwardTo: addresses(notes, 'actions.forwardTo', actions.forwardTo),
      redirectTo: addresses(notes, 'actions.redirectTo', actions.redirectTo),
      forwardAsAttachmentTo: addresses(notes, 'actions.forwardAsAttachmentTo', actions.forwardAsAttachmentTo),
      ...unexpectedPart(notes),
    };
  });
}

/** An action's recipient addresses; absent or null means the rule has no such action (Graph omits unset ones). */
function addresses(notes: Record<string, string>, path: string, recipients: unknown): string[] {
  if (recipients === null || recipients === undefined) return [];
  if (!Array.isArray(recipients)) {
    noteUnexpected(notes, path, recipients);
    return [];
  }
  const found: string[] = [];
  for (const [i, recipient] of recipients.entries()) {
    const address = (recipient as { emailAddress?: { address?: unknown } } | null)?.emailAddress?.address;
    if (typeof address === 'string' && address !== '') found.push(address);
    else noteUnexpected(notes, `${path}[${i}].emailAddress.address`, address);
  }
  return found;
}
