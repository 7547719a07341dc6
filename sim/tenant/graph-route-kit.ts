// What the Graph route handlers of a generated tenant share: their context, Graph's success envelopes (entity,
// collection page with @odata.context and @odata.nextLink) and the common errors.
import type { AccessTokenClaims, SimRequest, SimResponse } from '../types';
import type { SimDirectory } from './directory';
import { GraphError } from './graph-errors';
import type { GraphResource } from './graph-entities';
import { encodeSkipToken, nextLink } from './graph-query';

export interface GraphHandlerContext {
  directory: SimDirectory;
  tenantId: string;
  /** The tenant's configured name (subscribedSkus accountName). */
  tenantName: string;
  seed: number;
  licences: { p1: boolean; p2: boolean };
}

export type RouteHandler = (
  context: GraphHandlerContext,
  req: SimRequest,
  params: string[],
  claims: AccessTokenClaims,
) => SimResponse;

export function ok(req: SimRequest, body: unknown): SimResponse {
  const clientRequestHeader = req.headers['client-request-id'];
  const headers: Record<string, string> = { 'OData-Version': '4.0' };
  const clientRequestId = Array.isArray(clientRequestHeader) ? clientRequestHeader[0] : clientRequestHeader;
  if (clientRequestId) headers['client-request-id'] = clientRequestId;
  return { status: 200, headers, body };
}

export function metadataContext(req: SimRequest, fragment: string): string {
  return `${req.url.origin}/v1.0/$metadata#${fragment}`;
}

/** One entity with its @odata.context first. */
export function entity(req: SimRequest, fragment: string, resource: GraphResource): SimResponse {
  return ok(req, { '@odata.context': metadataContext(req, fragment), ...resource });
}

export interface NextPage {
  collection: string;
  offset: number;
}

/** A collection page in Graph's key order: context, nextLink, value. */
export function collectionPage(
  req: SimRequest,
  context: string,
  value: GraphResource[],
  next: NextPage | undefined,
): SimResponse {
  const body: Record<string, unknown> = { '@odata.context': metadataContext(req, context) };
  if (next) body['@odata.nextLink'] = nextLink(req.url, encodeSkipToken(next.collection, next.offset));
  body.value = value;
  return ok(req, body);
}

/** Pages an in-memory list (role assignments and the like are small): the offset is the position in `items`. */
export function pageOfList<T>(
  items: readonly T[],
  offset: number,
  size: number,
  collection: string,
): { page: T[]; next: NextPage | undefined } {
  const end = Math.min(offset + size, items.length);
  return {
    page: items.slice(offset, end),
    next: end < items.length ? { collection, offset: end } : undefined,
  };
}

/** The key skip tokens are bound to: the path, so a token of another collection is refused. */
export function collectionKey(req: SimRequest): string {
  return req.url.pathname.toLowerCase();
}

export const resourceNotFound = (id: string): GraphError =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** Entra ID P1 or P2 (the registration report accepts either). */
export function requirePremium(context: GraphHandlerContext): void {
  if (!context.licences.p1 && !context.licences.p2) throw nonPremiumTenant();
}

export const nonPremiumTenant = (): GraphError =>
  new GraphError(
    403,
    'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    "Neither tenant is B2C or tenant doesn't have premium license",
  );

export function requireP2(context: GraphHandlerContext): void {
  if (!context.licences.p2) {
    throw new GraphError(
      400,
      'AadPremiumLicenseRequired',
      'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
    );
  }
}
