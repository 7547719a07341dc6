// OData query options as Graph v1.0 reads them: $select, $top, $filter (the few forms the simulator supports),
// $expand, and paging with an opaque $skiptoken in an absolute @odata.nextLink.
import { badRequest, GraphError, notSimulated } from './graph-errors';
import type { EntityTypeCatalogue, GraphResource } from './graph-entities';
import { hashString } from './ids';

/** System query options Graph knows; a request may write them with or without "$". */
const SYSTEM_QUERY_OPTIONS = [
  'select',
  'top',
  'filter',
  'expand',
  'skiptoken',
  'count',
  'orderby',
  'search',
  'skip',
  'format',
];

export type QueryOptionName = 'select' | 'top' | 'filter' | 'expand' | 'skiptoken';

export type QueryOptions = Partial<Record<QueryOptionName, string>>;

/**
 * Reads the query string; `supported` are the options this route implements. Unknown options are a 400 as on
 * Graph; options Graph knows but this route of the simulator does not implement are a loud 501.
 */
export function readQueryOptions(
  url: URL,
  route: string,
  supported: readonly QueryOptionName[],
): QueryOptions {
  const options: QueryOptions = {};
  for (const [rawName, value] of url.searchParams) {
    const name = rawName.startsWith('$') ? rawName.slice(1).toLowerCase() : rawName.toLowerCase();
    if (!SYSTEM_QUERY_OPTIONS.includes(name)) {
      throw badRequest(`Query option '${rawName}' is not supported.`);
    }
    if (!(supported as readonly string[]).includes(name)) {
      throw notSimulated(`$${name} on ${route}.`);
    }
    if (options[name as QueryOptionName] !== undefined) {
      throw badRequest(
        `Query option '$${name}' was specified more than once, but it must be specified at most once.`,
      );
    }
    options[name as QueryOptionName] = value;
  }
  return options;
}

/** The properties to return: canonical CSDL names, in request order; the type's default set without $select. */
export function selectedProperties(select: string | undefined, type: EntityTypeCatalogue): readonly string[] {
  if (select === undefined) return type.defaultProperties;
  // Every page of a listing repeats the same $select: resolve each (type, $select) once.
  const cache = selectionCache(type);
  const cached = cache.resolved.get(select);
  if (cached) return cached;
  const result: string[] = [];
  for (const name of select.split(',').map((part) => part.trim())) {
    // Graph matches property names case-insensitively and answers with the declared spelling.
    const declared = cache.declaredByLowerCase.get(name.toLowerCase());
    if (!declared) throw badRequest(`Could not find a property named '${name}' on type '${type.name}'.`);
    if (!type.modelledProperties.includes(declared)) {
      throw notSimulated(`property '${declared}' of ${type.name} is not modelled yet.`);
    }
    if (!result.includes(declared)) result.push(declared);
  }
  if (cache.resolved.size < 256) cache.resolved.set(select, result);
  return result;
}

interface SelectionCache {
  declaredByLowerCase: Map<string, string>;
  resolved: Map<string, readonly string[]>;
}

const selectionCaches = new WeakMap<EntityTypeCatalogue, SelectionCache>();

function selectionCache(type: EntityTypeCatalogue): SelectionCache {
  let cache = selectionCaches.get(type);
  if (!cache) {
    cache = {
      declaredByLowerCase: new Map(type.csdlProperties.map((property) => [property.toLowerCase(), property])),
      resolved: new Map(),
    };
    selectionCaches.set(type, cache);
  }
  return cache;
}

export function project(resource: GraphResource, properties: readonly string[]): GraphResource {
  const projected: GraphResource = {};
  for (const property of properties) projected[property] = resource[property];
  return projected;
}

/** "(a,b)" for @odata.context when $select was given, else "". */
export function contextSelection(select: string | undefined, properties: readonly string[]): string {
  return select === undefined ? '' : `(${properties.join(',')})`;
}

export interface PageLimits {
  defaultSize: number;
  maxTop: number;
}

export function pageSize(top: string | undefined, limits: PageLimits): number {
  if (top === undefined) return limits.defaultSize;
  if (!/^-?\d+$/.test(top.trim())) throw badRequest(`Invalid value '${top}' for $top query option found.`);
  const size = Number(top);
  if (size < 1 || size > limits.maxTop) {
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${top}'. Must be between 1 and ${limits.maxTop} inclusive.`,
    );
  }
  return size;
}

const SKIP_TOKEN_PREFIX = 'crwsim1';

/** An opaque token for "continue `collection` at `offset`" (the meaning of offset is the collection's own). */
export function encodeSkipToken(collection: string, offset: number): string {
  return Buffer.from(`${SKIP_TOKEN_PREFIX}|${collectionTag(collection)}|${offset}`, 'utf8').toString(
    'base64url',
  );
}

function collectionTag(collection: string): string {
  return hashString(collection).toString(36);
}

/** The offset a $skiptoken carries, 0 without one; a token of another collection or a forged one is a 400. */
export function decodeSkipToken(token: string | undefined, collection: string): number {
  if (token === undefined) return 0;
  const [prefix, tokenCollection, offsetText, ...rest] = Buffer.from(token, 'base64url')
    .toString('utf8')
    .split('|');
  const offset = Number(offsetText);
  if (
    prefix !== SKIP_TOKEN_PREFIX ||
    tokenCollection !== collectionTag(collection) ||
    rest.length > 0 ||
    !Number.isSafeInteger(offset) ||
    offset < 0
  ) {
    throw badRequest(`The $skiptoken value '${token}' is not valid for this request.`);
  }
  return offset;
}

/**
 * The absolute next page URL: the request URL (scheme, host and port as the client addressed it) with its query
 * string kept as sent, except that $skiptoken is replaced.
 */
export function nextLink(url: URL, skipToken: string): string {
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part !== '')
    .filter((part) => {
      const name = decodeURIComponent(part.split('=')[0] ?? '').toLowerCase();
      return name !== '$skiptoken' && name !== 'skiptoken';
    });
  kept.push(`$skiptoken=${skipToken}`);
  return `${url.origin}${url.pathname}?${kept.join('&')}`;
}

export interface EqualityFilter {
  property: string;
  value: string | boolean;
}

/**
 * The one $filter form the simulator supports: `<property> eq '<string>'` or `<property> eq true|false`, with
 * `property` one of `filterable` (matched case-insensitively, returned with the declared spelling).
 */
export function equalityFilter(
  filter: string | undefined,
  filterable: readonly string[],
): EqualityFilter | undefined {
  if (filter === undefined) return undefined;
  const match = /^\s*([A-Za-z]+)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false))\s*$/.exec(filter);
  if (!match?.[1]) {
    throw notSimulated(
      `$filter '${filter}' (supported: <property> eq '<value>' or <property> eq true|false).`,
    );
  }
  const name = match[1];
  const property = filterable.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (!property) throw notSimulated(`$filter on '${name}' (supported: ${filterable.join(', ')}).`);
  const value = match[3] !== undefined ? match[3] === 'true' : (match[2] ?? '').replace(/''/g, "'");
  return { property, value };
}

/** $expand: only the listed navigation properties, without nested options. */
export function expandedProperties(expand: string | undefined, navigable: readonly string[]): string[] {
  if (expand === undefined) return [];
  return expand.split(',').map((raw) => {
    const name = raw.trim();
    const property = navigable.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!property) throw notSimulated(`$expand=${name} (supported: ${navigable.join(', ')}).`);
    return property;
  });
}
