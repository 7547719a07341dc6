// The corrupt-field fault: data off the documented shape in an answer the service gave. Each item of a successful
// JSON answer (a collection page's `value` array, else the entity itself) that matches the rule's `where` gets
// `field` dropped, nulled or replaced. Only members the item already has are changed, so a corrupted resource
// still names only properties Graph declares (the CSDL checks in sim/graph-metadata stay true). A $batch answer
// is corrupted item by item, each item matched by its own path as if it had been sent alone.
import type { SimRequest, SimResponse } from '../types';
import type { FaultEngine } from './fault-engine';
import type { FaultRule, FaultTarget } from './fault-rules';

type Json = Record<string, unknown>;

export function corruptAnswer(
  engine: FaultEngine,
  target: FaultTarget,
  req: SimRequest,
  response: SimResponse,
): SimResponse {
  const body = jsonObject(response);
  if (body === undefined) return response;
  if (target === 'graph' && req.url.pathname.toLowerCase().endsWith('/$batch')) {
    return { ...response, body: corruptBatch(engine, req, body) };
  }
  const rules = engine.fieldCorruptions(target, req);
  if (rules.length === 0) return response;
  return { ...response, body: corrupted(body, rules) };
}

function corruptBatch(engine: FaultEngine, req: SimRequest, body: Json): Json {
  const responses = body['responses'];
  if (!Array.isArray(responses)) return body;
  const urls = batchUrls(req);
  return {
    ...body,
    responses: responses.map((item: Json) => {
      const url = urls.get(String(item['id']));
      const status = Number(item['status']);
      const itemBody = item['body'];
      if (url === undefined || status < 200 || status > 299 || !isObject(itemBody)) return item;
      const itemReq: SimRequest = { method: 'GET', url, headers: {}, body: Buffer.alloc(0) };
      const rules = engine.fieldCorruptions('graph', itemReq);
      return rules.length === 0 ? item : { ...item, body: corrupted(itemBody, rules) };
    }),
  };
}

/** The absolute URL of each item of the $batch request, by item id. */
function batchUrls(req: SimRequest): Map<string, URL> {
  const urls = new Map<string, URL>();
  try {
    const parsed = JSON.parse(req.body.toString('utf8')) as {
      requests?: Array<{ id?: unknown; url?: unknown }>;
    };
    const version = req.url.pathname.split('/')[1] ?? 'v1.0';
    for (const item of parsed.requests ?? []) {
      if (typeof item.url !== 'string') continue;
      urls.set(String(item.id), new URL(`/${version}/${item.url.replace(/^\/+/, '')}`, req.url.origin));
    }
  } catch {
    // Not a batch the service could read: it answered 400 already.
  }
  return urls;
}

/** A copy of the body with every rule applied to every matching item (the service's own objects stay intact). */
function corrupted(body: Json, rules: readonly FaultRule[]): Json {
  const copy = structuredClone(body);
  const items: unknown[] = Array.isArray(copy['value']) ? (copy['value'] as unknown[]) : [copy];
  for (const rule of rules) {
    for (const item of items) if (isObject(item) && matchesWhere(item, rule)) corruptMember(item, rule);
  }
  return copy;
}

function matchesWhere(item: Json, rule: FaultRule): boolean {
  return Object.entries(rule.where ?? {}).every(([path, expected]) => {
    const { parent, key } = locate(item, path);
    return parent !== undefined && parent[key] === expected;
  });
}

function corruptMember(item: Json, rule: FaultRule): void {
  const { parent, key } = locate(item, rule.field ?? '');
  if (parent === undefined || !Object.hasOwn(parent, key)) return;
  if (rule.corruption === 'drop') delete parent[key];
  else if (rule.corruption === 'null') parent[key] = null;
  else parent[key] = structuredClone(rule.value);
}

/**
 * The object holding the last member of a dotted path, and that member's name. A segment starting with "@" is an
 * annotation name that holds the rest ("principal.@odata.type"); numeric segments index arrays.
 */
function locate(item: Json, path: string): { parent: Json | undefined; key: string } {
  const segments: string[] = [];
  for (const [i, segment] of path.split('.').entries()) {
    if (segment.startsWith('@')) {
      segments.push(path.split('.').slice(i).join('.'));
      break;
    }
    segments.push(segment);
  }
  const key = segments.pop() ?? '';
  let parent: unknown = item;
  for (const segment of segments) parent = isObject(parent) ? parent[segment] : undefined;
  return { parent: isObject(parent) ? parent : undefined, key };
}

function jsonObject(response: SimResponse): Json | undefined {
  if (response.status < 200 || response.status > 299) return undefined;
  const { body } = response;
  if (Buffer.isBuffer(body) || !isObject(body)) return undefined;
  return body;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}
