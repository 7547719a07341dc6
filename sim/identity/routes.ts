// Entra ID on the sim's https origin: /{tenant}/v2.0/.well-known/openid-configuration,
// /{tenant}/discovery/v2.0/keys and /{tenant}/oauth2/v2.0/token.
import { Router } from '../http-server';
import { openIdConfiguration } from './oidc';
import { handleTokenRequest, unknownTenant, type TokenEndpointContext } from './token-endpoint';

export function createIdentityRouter(ctx: TokenEndpointContext): Router {
  return new Router()
    .add('GET', /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/, (req, [tenant = '']) => {
      const tenantId = ctx.registry.resolveTenant(tenant);
      if (!tenantId) return unknownTenant(tenant, req, 'invalid_tenant');
      return { status: 200, body: openIdConfiguration(req.url.origin, tenantId) };
    })
    .add('GET', /^\/([^/]+)\/discovery\/v2\.0\/keys$/, (req, [tenant = '']) => {
      if (!ctx.registry.resolveTenant(tenant)) return unknownTenant(tenant, req, 'invalid_tenant');
      return { status: 200, body: ctx.tokens.jwks() };
    })
    .add('POST', /^\/([^/]+)\/oauth2\/v2\.0\/token$/, (req, [tenant = '']) =>
      handleTokenRequest(req, tenant, ctx),
    );
}
