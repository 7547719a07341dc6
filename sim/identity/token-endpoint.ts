// POST /{tenant}/oauth2/v2.0/token: the client credentials grant as Entra ID answers it, with a client secret
// or a certificate-signed client assertion, for one `<resource>/.default` scope.
import type { SimRequest, SimResponse } from '../types';
import { requestedClaimsNbf, type AccessTokenService } from './access-tokens';
import type { AppRegistry } from './app-registrations';
import { checkClientAssertion } from './client-assertion';
import { entraError } from './entra-errors';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** OIDC scopes MSAL may add; they do not name a resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

export interface TokenEndpointContext {
  registry: AppRegistry;
  tokens: AccessTokenService;
  /** Resources (token audiences) the directory knows, e.g. "https://graph.microsoft.com". */
  knownResources: readonly string[];
  recordTokenRequest(clientId: string): void;
}

export function handleTokenRequest(
  req: SimRequest,
  tenantSegment: string,
  ctx: TokenEndpointContext,
): SimResponse {
  const tenantId = ctx.registry.resolveTenant(tenantSegment);
  if (!tenantId) return unknownTenant(tenantSegment, req);

  const form = new URLSearchParams(req.body.toString('utf8'));
  const clientId = form.get('client_id');
  if (!clientId) return missingParameter('client_id', req);
  ctx.recordTokenRequest(clientId);

  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return entraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType ?? ''}'. The sim supports client_credentials only.`,
      req.headers,
    );
  }

  const app = ctx.registry.find(tenantId, clientId);
  if (!app) {
    return entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'. This can happen ` +
        `if the application has not been installed by the administrator of the tenant or consented to by any user ` +
        `in the tenant. You may have sent your authentication request to the wrong tenant.`,
      req.headers,
    );
  }

  const scope = form.get('scope');
  if (!scope) return missingParameter('scope', req);
  const resourceScopes = scope.split(' ').filter((s) => s !== '' && !OIDC_SCOPES.has(s));
  const [resourceScope] = resourceScopes;
  if (resourceScopes.length !== 1 || !resourceScope?.endsWith('/.default')) {
    return entraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with ` +
        `/.default suffixed to the resource identifier (application ID URI).`,
      req.headers,
    );
  }
  const resource = resourceFromScope(resourceScope);
  if (!ctx.knownResources.includes(resource)) return unknownResource(resource, tenantSegment, req);

  const clientSecret = form.get('client_secret');
  const clientAssertion = form.get('client_assertion');
  if (clientSecret !== null) {
    if (!app.secrets.includes(clientSecret)) {
      return entraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, ` +
          `not the client secret ID, for a secret added to app '${clientId}'.`,
        req.headers,
      );
    }
  } else if (clientAssertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) {
      return entraError(
        401,
        'invalid_client',
        700027,
        `client_assertion_type must be '${JWT_BEARER_ASSERTION_TYPE}'.`,
        req.headers,
      );
    }
    const tokenEndpointUrl = `${req.url.origin}${req.url.pathname}`;
    const check = checkClientAssertion(clientAssertion, app, tokenEndpointUrl);
    if (!check.valid)
      return entraError(401, 'invalid_client', check.aadstsCode, check.description, req.headers);
  } else {
    return entraError(
      401,
      'invalid_client',
      7000218,
      `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.`,
      req.headers,
    );
  }

  // CAE: a client answering a claims challenge sends the decoded claims; the new token satisfies them.
  const claimsParameter = form.get('claims');
  const claimsNbf = claimsParameter === null ? undefined : requestedClaimsNbf(claimsParameter);
  if (claimsNbf === 'invalid') {
    return entraError(
      400,
      'invalid_request',
      90100,
      'The claims parameter is empty or not valid: it must be a JSON object.',
      req.headers,
    );
  }

  const issued = ctx.tokens.issue(
    {
      issuer: `${req.url.origin}/${tenantId}/`,
      tenantId,
      appId: app.clientId,
      objectId: app.servicePrincipalId,
      audience: resource,
      roles: [...(app.rolesByResource[resource] ?? [])],
    },
    Date.now(),
    claimsNbf,
  );
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    body: {
      token_type: 'Bearer',
      expires_in: issued.expiresInSeconds,
      ext_expires_in: issued.expiresInSeconds,
      access_token: issued.accessToken,
    },
  };
}

/** "https://vault.azure.net/.default" → "https://vault.azure.net" (also for a resource written with a trailing slash). */
export function resourceFromScope(scopeOrResource: string): string {
  return scopeOrResource.replace(/\/\.default$/, '').replace(/\/+$/, '');
}

export function unknownTenant(
  tenantSegment: string,
  req: SimRequest,
  error = 'invalid_request',
): SimResponse {
  return entraError(
    400,
    error,
    90002,
    `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into ` +
      `the correct cloud.`,
    req.headers,
  );
}

export function unknownResource(resource: string, tenant: string, req: SimRequest): SimResponse {
  return entraError(
    400,
    'invalid_resource',
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the ` +
      `application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    req.headers,
  );
}

function missingParameter(name: string, req: SimRequest): SimResponse {
  return entraError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
    req.headers,
  );
}
