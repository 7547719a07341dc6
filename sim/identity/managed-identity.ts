// The managed identity endpoint (plain http, as on Azure), in the two shapes msal-node 5 uses:
//  - App Service: GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=R with header X-IDENTITY-HEADER;
//  - IMDS: GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R with header Metadata: true
//    (AZURE_POD_IDENTITY_AUTHORITY_HOST points here). @azure/identity may probe IMDS without Metadata: any answer
//    means "available".
// User-assigned selection (client_id, object_id, mi_res_id / msi_res_id) must name the one configured identity.
import type { SimRequest, SimResponse } from '../types';
import type { AccessTokenService } from './access-tokens';
import { resourceFromScope } from './token-endpoint';

export const APP_SERVICE_IDENTITY_PATH = '/msi/token';
export const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';

const APP_SERVICE_API_VERSION = '2019-08-01';
const IMDS_API_VERSION = '2018-02-01';

export interface ManagedIdentityContext {
  tokens: AccessTokenService;
  /** https authority host of the sim: the tokens' issuer lives there. */
  authorityHost: string;
  operatorTenantId: string;
  identity: { clientId: string; principalId: string };
  /** Value clients must send in X-IDENTITY-HEADER (App Service style). */
  identityHeader: string;
  knownResources: readonly string[];
  recordRequest(): void;
}

export function handleManagedIdentityRequest(req: SimRequest, ctx: ManagedIdentityContext): SimResponse {
  const path = req.url.pathname.replace(/\/+$/, '');
  const isAppService = path === APP_SERVICE_IDENTITY_PATH;
  if (!isAppService && path !== IMDS_TOKEN_PATH) {
    return miError(404, 'not_found', `No managed identity endpoint at ${req.url.pathname}`);
  }
  if (req.method !== 'GET')
    return miError(405, 'invalid_request', 'The managed identity endpoint accepts GET only.');
  ctx.recordRequest();

  const query = new URLSearchParams(req.url.search);
  if (isAppService) {
    if (req.headers['x-identity-header'] !== ctx.identityHeader) {
      return miError(
        401,
        'unauthorized_client',
        'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.',
      );
    }
  } else if (String(req.headers['metadata']).toLowerCase() !== 'true') {
    return miError(400, 'invalid_request', 'Required metadata header not specified');
  }

  const expectedApiVersion = isAppService ? APP_SERVICE_API_VERSION : IMDS_API_VERSION;
  if (query.get('api-version') !== expectedApiVersion) {
    return miError(
      400,
      'invalid_request',
      `api-version '${query.get('api-version') ?? ''}' is not supported here; send api-version=${expectedApiVersion}.`,
    );
  }
  const resourceParameter = query.get('resource');
  if (!resourceParameter)
    return miError(400, 'invalid_request', 'Required query variable resource is missing');
  const resource = resourceFromScope(resourceParameter);
  if (!ctx.knownResources.includes(resource)) {
    return miError(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${resource} was not found.`,
    );
  }
  const identityMismatch = userAssignedIdentityMismatch(query, ctx.identity);
  if (identityMismatch) return miError(400, 'invalid_request', `Identity not found (${identityMismatch})`);

  const issued = ctx.tokens.issue({
    issuer: `${ctx.authorityHost}/${ctx.operatorTenantId}/`,
    tenantId: ctx.operatorTenantId,
    appId: ctx.identity.clientId,
    objectId: ctx.identity.principalId,
    audience: resource,
    roles: [],
  });
  const common = {
    access_token: issued.accessToken,
    expires_on: String(issued.expiresOn),
    resource,
    token_type: 'Bearer',
    client_id: ctx.identity.clientId,
  };
  const body = isAppService
    ? common
    : {
        ...common,
        expires_in: String(issued.expiresInSeconds),
        ext_expires_in: String(issued.expiresInSeconds),
        not_before: String(issued.claims.nbf),
      };
  return { status: 200, body };
}

/** Why the requested user-assigned identity is not the configured one, or undefined when it is (or none asked). */
function userAssignedIdentityMismatch(
  query: URLSearchParams,
  identity: { clientId: string; principalId: string },
): string | undefined {
  const clientId = query.get('client_id') ?? query.get('clientid');
  if (clientId !== null && clientId.toLowerCase() !== identity.clientId) return `client_id ${clientId}`;
  const objectId = query.get('object_id');
  if (objectId !== null && objectId.toLowerCase() !== identity.principalId) return `object_id ${objectId}`;
  const resourceId = query.get('mi_res_id') ?? query.get('msi_res_id');
  if (resourceId !== null)
    return `resource id ${resourceId}: the sim has no identity selectable by resource id`;
  return undefined;
}

function miError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description } };
}
