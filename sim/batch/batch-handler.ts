// POST /v1.0/$batch: JSON batching as Graph does it. At most 20 requests with unique ids and relative urls; each
// item becomes a SimRequest (the outer request's headers, Authorization included, plus the item's own) and goes
// through the same dispatch as a direct request, so items are authenticated and throttled one by one. The outer
// answer is 200 whatever the items' statuses; a throttled item carries its own Retry-After in `headers`.
import { graphError } from '../graph-errors';
import type { SimRequest, SimResponse } from '../types';

export const MAX_BATCH_REQUESTS = 20;

/**
 * Serves one Graph request. It must admit the request (authentication, throttling, concurrency slots) before its
 * first await: the batch calls it for every item before awaiting any, so items are concurrent like on Graph.
 */
export type BatchDispatch = (req: SimRequest) => Promise<SimResponse>;

interface BatchItem {
  id: string;
  req: SimRequest;
}

/** Headers of the outer request that describe its own body, not the items'. */
const ENVELOPE_HEADERS = new Set(['content-length', 'content-type', 'transfer-encoding', 'content-encoding']);

export async function handleBatch(req: SimRequest, dispatch: BatchDispatch): Promise<SimResponse> {
  if (req.method.toUpperCase() !== 'POST') {
    return graphError(
      405,
      'Request_BadRequest',
      'Specified HTTP method is not allowed for the request target.',
    );
  }
  const parsed = parseBatch(req);
  if (typeof parsed === 'string') return graphError(400, 'BadRequest', parsed, req.headers);

  const pending = parsed.map((item) => dispatch(item.req));
  const responses = await Promise.all(
    pending.map((response, i) =>
      response.catch((error: unknown) => {
        console.error(`sim: $batch item ${parsed[i]?.id ?? i} failed:`, error);
        return graphError(500, 'InternalServerError', 'The simulated service failed; see the sim log.');
      }),
    ),
  );
  return {
    status: 200,
    headers: { 'OData-Version': '4.0' },
    body: { responses: responses.map((response, i) => batchResponse(parsed[i]?.id ?? '', response)) },
  };
}

/** The items, or why the batch is refused as a whole (Graph answers 400 for these). */
function parseBatch(req: SimRequest): BatchItem[] | string {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    return 'Invalid batch payload: the body must be JSON.';
  }
  const requests =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['requests'] : undefined;
  if (!Array.isArray(requests)) return 'Invalid batch payload: "requests" must be an array.';
  if (requests.length === 0) return 'Invalid batch payload: "requests" must not be empty.';
  if (requests.length > MAX_BATCH_REQUESTS) {
    return `Invalid batch payload: a batch can hold at most ${MAX_BATCH_REQUESTS} requests (got ${requests.length}).`;
  }
  const version = req.url.pathname.split('/')[1] ?? 'v1.0';
  const items: BatchItem[] = [];
  const ids = new Set<string>();
  for (const [index, raw] of requests.entries()) {
    const item = parseItem(raw, index, req, version);
    if (typeof item === 'string') return item;
    if (ids.has(item.id)) return `Invalid batch payload: request id '${item.id}' is used more than once.`;
    ids.add(item.id);
    items.push(item);
  }
  return items;
}

function parseItem(raw: unknown, index: number, outer: SimRequest, version: string): BatchItem | string {
  if (typeof raw !== 'object' || raw === null)
    return `Invalid batch payload: requests[${index}] is not an object.`;
  const { id, method, url, headers, body, dependsOn } = raw as Record<string, unknown>;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') {
    return `Invalid batch payload: requests[${index}].id is required.`;
  }
  if (typeof method !== 'string' || method === '')
    return `Invalid batch payload: requests[${index}].method is required.`;
  if (typeof url !== 'string' || url === '')
    return `Invalid batch payload: requests[${index}].url is required.`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
    return `Invalid batch payload: requests[${index}].url must be relative (e.g. "/users"), not ${url}.`;
  }
  if (dependsOn !== undefined) return 'Invalid batch payload: dependsOn is not supported by the simulator.';
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
    return `Invalid batch payload: requests[${index}].headers must be an object.`;
  }

  const itemHeaders: SimRequest['headers'] = {};
  for (const [name, value] of Object.entries(outer.headers)) {
    if (!ENVELOPE_HEADERS.has(name)) itemHeaders[name] = value;
  }
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    itemHeaders[name.toLowerCase()] = String(value);
  }
  let itemBody = Buffer.alloc(0);
  if (body !== undefined && body !== null) {
    itemBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    itemHeaders['content-type'] ??= 'application/json';
  }
  const relative = url.replace(/^\/+/, '');
  return {
    id: String(id),
    req: {
      method: method.toUpperCase(),
      url: new URL(`/${version}/${relative}`, outer.url.origin),
      headers: itemHeaders,
      body: itemBody,
    },
  };
}

/** Item headers are JSON keys (case-sensitive): the standard ones are spelled as Graph spells them. */
const HEADER_SPELLING: Record<string, string> = {
  'retry-after': 'Retry-After',
  'content-type': 'Content-Type',
  'cache-control': 'Cache-Control',
  location: 'Location',
  'odata-version': 'OData-Version',
};

function batchResponse(id: string, response: SimResponse): object {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    headers[HEADER_SPELLING[name.toLowerCase()] ?? name] = value;
  }
  let body: unknown = response.body;
  if (Buffer.isBuffer(body)) {
    // Graph base64-encodes non-JSON item bodies.
    body = body.toString('base64');
  } else if (body !== undefined && typeof body !== 'string' && !hasHeader(headers, 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  return { id, status: response.status, headers, ...(body !== undefined && { body }) };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
