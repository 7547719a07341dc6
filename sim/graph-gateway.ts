// Microsoft Graph's front door in the sim: /v1.0/* requests are counted, authenticated (audience Graph), throttled
// (when on), optionally delayed and handed to the tenant named by the token's tid. POST /v1.0/$batch is unpacked
// and each item takes the same path as a direct request. Other versions get Graph's error shape.
import { setTimeout as delay } from 'node:timers/promises';
import { handleBatch } from './batch/batch-handler';
import { graphError } from './graph-errors';
import type { SimHandler } from './http-server';
import { isSimResponse, type AccessTokenService } from './identity/access-tokens';
import { GRAPH_RESOURCE } from './identity/resources';
import { formatRetryAfter, type Admission, type GraphThrottle } from './throttle/graph-throttle';
import { classifyGraphRequest } from './throttle/graph-routes';
import type { TrafficStats } from './throttle/traffic-stats';
import type { MailStore } from './mail/store';
import { handleMailboxGraph } from './tenant/mailboxes-graph';
import type { AccessTokenClaims, SimRequest, SimResponse, SimTenant } from './types';

export interface GraphGatewayContext {
  tokens: AccessTokenService;
  tenantById(tenantId: string): SimTenant | undefined;
  /** Delay before every Graph response, $batch items included (makes scans slow on purpose). */
  latencyMs(): number;
  recordRequest(pathWithoutQuery: string): void;
  throttle: GraphThrottle;
  traffic: TrafficStats;
  /** Mailbox state (sent mail, drafts, upload sessions) shared by all tenants. */
  mail: MailStore;
  /** Observer of every request as the client sent it (batch envelopes included). */
  onRequest(method: string, url: URL, body: Buffer): void;
}

export function createGraphHandler(ctx: GraphGatewayContext): SimHandler {
  return (req) => {
    ctx.onRequest(req.method, req.url, req.body);
    if (req.url.pathname.toLowerCase() === '/v1.0/$batch') {
      ctx.recordRequest(req.url.pathname);
      ctx.traffic.recordRequest(classifyGraphRequest(req.method, req.url));
      const claims = ctx.tokens.verifyAccessToken(req.headers.authorization, GRAPH_RESOURCE);
      if (isSimResponse(claims)) return claims;
      // The items share the envelope's token: verified once, as Graph does, not once per item.
      return handleBatch(req, (item) => dispatchGraphRequest(ctx, item, claims));
    }
    return dispatchGraphRequest(ctx, req);
  };
}

/**
 * One Graph request, direct or a $batch item. Everything up to the throttling admission runs synchronously (no
 * await), so that the items of one batch are admitted together and count against each other's concurrency.
 */
function dispatchGraphRequest(
  ctx: GraphGatewayContext,
  req: SimRequest,
  batchClaims?: AccessTokenClaims,
): Promise<SimResponse> {
  ctx.recordRequest(req.url.pathname);
  if (!req.url.pathname.startsWith('/v1.0/')) {
    const version = req.url.pathname.split('/')[1] ?? '';
    return Promise.resolve(graphError(400, 'BadRequest', `Invalid version: ${version}`, req.headers));
  }
  const route = classifyGraphRequest(req.method, req.url);
  ctx.traffic.recordRequest(route);

  const claims = batchClaims ?? ctx.tokens.verifyAccessToken(req.headers.authorization, GRAPH_RESOURCE);
  if (isSimResponse(claims)) return Promise.resolve(claims);
  const tenant = ctx.tenantById(claims.tid);
  if (!tenant) {
    return Promise.resolve(
      graphError(
        403,
        'Authorization_RequestDenied',
        `Insufficient privileges to complete the operation. The sim serves Graph for scanned tenants only, ` +
          `not for tenant ${claims.tid}.`,
        req.headers,
      ),
    );
  }

  const admission = ctx.throttle.admit(route, {
    appId: claims.appid,
    tenantId: claims.tid,
    tenantUsers: tenant.options.users,
  });
  if (!admission.admitted) {
    ctx.traffic.recordThrottled(route);
    return Promise.resolve(tooManyRequests(req, admission));
  }
  return serveAdmitted(
    ctx,
    req,
    () => handleMailboxGraph(req, claims, tenant, ctx.mail) ?? tenant.handleGraph(req, claims),
    admission,
  );
}

async function serveAdmitted(
  ctx: GraphGatewayContext,
  req: SimRequest,
  handle: () => SimResponse | Promise<SimResponse>,
  admission: Extract<Admission, { admitted: true }>,
): Promise<SimResponse> {
  try {
    const latency = ctx.latencyMs();
    if (latency > 0) await delay(latency);
    const response = await handle();
    if (Object.keys(admission.headers).length === 0) return response;
    return { ...response, headers: { ...response.headers, ...admission.headers } };
  } finally {
    admission.release();
  }
}

/** 429 TooManyRequests with Retry-After (seconds, may be fractional) unless the service sends none. */
function tooManyRequests(req: SimRequest, refusal: Extract<Admission, { admitted: false }>): SimResponse {
  const headers: Record<string, string> = {
    'x-ms-throttle-scope': refusal.scope,
    'x-ms-throttle-information': refusal.information,
  };
  if (refusal.retryAfterMs !== undefined) headers['retry-after'] = formatRetryAfter(refusal.retryAfterMs);
  return graphError(429, 'TooManyRequests', refusal.message, req.headers, headers);
}
