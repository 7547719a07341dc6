// Microsoft Graph's front door in the sim: /v1.0/* requests are counted, optionally delayed, authenticated
// (audience Graph) and handed to the tenant named by the token's tid. Other paths get Graph's error shape.
import { setTimeout as delay } from 'node:timers/promises';
import { graphError } from './graph-errors';
import type { SimHandler } from './http-server';
import { isSimResponse, type AccessTokenService } from './identity/access-tokens';
import { GRAPH_RESOURCE } from './identity/resources';
import type { SimTenant } from './types';

export interface GraphGatewayContext {
  tokens: AccessTokenService;
  tenantById(tenantId: string): SimTenant | undefined;
  /** Delay before every Graph response (makes scans slow on purpose). */
  latencyMs(): number;
  recordRequest(pathWithoutQuery: string): void;
}

export function createGraphHandler(ctx: GraphGatewayContext): SimHandler {
  return async (req) => {
    ctx.recordRequest(req.url.pathname);
    const latency = ctx.latencyMs();
    if (latency > 0) await delay(latency);

    if (!req.url.pathname.startsWith('/v1.0/')) {
      const version = req.url.pathname.split('/')[1] ?? '';
      return graphError(400, 'BadRequest', `Invalid version: ${version}`, req.headers);
    }
    const claims = ctx.tokens.verifyAccessToken(req.headers.authorization, GRAPH_RESOURCE);
    if (isSimResponse(claims)) return claims;
    const tenant = ctx.tenantById(claims.tid);
    if (!tenant) {
      return graphError(
        403,
        'Authorization_RequestDenied',
        `Insufficient privileges to complete the operation. The sim serves Graph for scanned tenants only, ` +
          `not for tenant ${claims.tid}.`,
        req.headers,
      );
    }
    return tenant.handleGraph(req, claims);
  };
}
