// The Key Vault secrets data plane (what @azure/keyvault-secrets 4.x sends), served at the root of the sim origin:
// GET /secrets, GET /secrets/{name}/versions, GET /secrets/{name}/[{version}], PUT /secrets/{name}.
// Authentication first, as Key Vault does: a request without a bearer token (the SDK's first, body-less request)
// gets the 401 challenge naming the operator tenant's authority, before anything else is looked at.
import { randomUUID } from 'node:crypto';
import { Router, type SimHandler } from '../http-server';
import type { AccessTokenService } from '../identity/access-tokens';
import { KEY_VAULT_RESOURCE } from '../identity/resources';
import type { SimRequest, SimResponse } from '../types';
import { PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE, pkcs12Base64ToPem } from './certificate-secrets';
import {
  isValidSecretName,
  type NewSecretVersion,
  type SecretStore,
  type SecretVersion,
} from './secret-store';

const MAX_PAGE_SIZE = 25;

export interface KeyVaultContext {
  store: SecretStore;
  tokens: AccessTokenService;
  /** https authority host of the sim, named in the challenge. */
  authorityHost: string;
  operatorTenantId: string;
  /** Client ids of the operator tenant's identities allowed to use the vault (RBAC "Key Vault Secrets User"). */
  allowedAppIds: ReadonlySet<string>;
}

export function createKeyVaultHandler(ctx: KeyVaultContext): SimHandler {
  const router = new Router()
    .add('GET', /^\/secrets\/?$/, (req) => listSecrets(req, ctx))
    .add('GET', /^\/secrets\/([^/]+)\/versions\/?$/, (req, [name = '']) => listVersions(req, name, ctx))
    .add('GET', /^\/secrets\/([^/]+)(?:\/([^/]*))?$/, (req, [name = '', version = '']) =>
      getSecret(req, name, version, ctx),
    )
    .add('PUT', /^\/secrets\/([^/]+)\/?$/, (req, [name = '']) => setSecret(req, name, ctx));

  return (req) => {
    const denied = authorize(req, ctx);
    if (denied) return denied;
    if (!new URLSearchParams(req.url.search).get('api-version')) {
      return vaultError(400, 'BadParameter', 'The api-version query parameter is required.');
    }
    const route = router.match(req);
    if (route === undefined)
      return vaultError(404, 'NotFound', `No Key Vault operation at ${req.url.pathname}`);
    if (route === 'method-not-allowed') {
      return vaultError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${req.url.pathname}`);
    }
    return route.handler(req, route.params);
  };
}

/** A 401/403 response when the caller may not use the vault, undefined when it may. */
function authorize(req: SimRequest, ctx: KeyVaultContext): SimResponse | undefined {
  const challenge = {
    'www-authenticate': `Bearer authorization="${ctx.authorityHost}/${ctx.operatorTenantId}", resource="${KEY_VAULT_RESOURCE}"`,
  };
  const authorization = req.headers.authorization;
  if (!authorization) {
    return vaultError(401, 'Unauthorized', 'Request is missing a Bearer or PoP token.', undefined, challenge);
  }
  const check = ctx.tokens.check(authorization, KEY_VAULT_RESOURCE);
  if (!check.valid) {
    const message =
      check.failure === 'wrong-audience'
        ? `AKV10022: Invalid audience. Expected ${KEY_VAULT_RESOURCE}.`
        : `AKV10000: The access token is not valid: ${check.message}`;
    return vaultError(401, 'Unauthorized', message, undefined, challenge);
  }
  const { tid, appid, oid, iss } = check.claims;
  if (tid !== ctx.operatorTenantId) {
    return vaultError(
      401,
      'Unauthorized',
      `AKV10032: Invalid issuer. Expected one of ${ctx.authorityHost}/${ctx.operatorTenantId}/, found ${iss}.`,
      undefined,
      challenge,
    );
  }
  if (!ctx.allowedAppIds.has(appid)) {
    return vaultError(
      403,
      'Forbidden',
      `Caller is not authorized to perform action on resource.\r\nCaller: appid=${appid};oid=${oid};iss=${iss}\r\n` +
        `Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nAssignment: (not found)`,
      'ForbiddenByRbac',
    );
  }
  return undefined;
}

function getSecret(req: SimRequest, name: string, version: string, ctx: KeyVaultContext): SimResponse {
  if (!isValidSecretName(name)) return invalidName(name);
  ctx.store.recordRead(name);
  const secret = version ? ctx.store.version(name, version) : ctx.store.latest(name);
  if (!secret) return secretNotFound(version ? `${name}/${version}` : name);
  if (!secret.enabled) {
    return vaultError(
      403,
      'Forbidden',
      'Operation get is not allowed on a disabled secret.',
      'SecretDisabled',
    );
  }
  const outContentType = new URLSearchParams(req.url.search).get('outContentType');
  if (
    outContentType !== null &&
    outContentType !== PEM_CONTENT_TYPE &&
    outContentType !== PKCS12_CONTENT_TYPE
  ) {
    return vaultError(
      400,
      'BadParameter',
      `outContentType must be ${PEM_CONTENT_TYPE} or ${PKCS12_CONTENT_TYPE}.`,
    );
  }
  // outContentType converts certificate-backed secrets only; other secrets come back as stored.
  if (secret.managed && outContentType === PEM_CONTENT_TYPE) {
    return ok(
      secretBundle(secret, req.url.origin, {
        value: pkcs12Base64ToPem(secret.value),
        contentType: PEM_CONTENT_TYPE,
      }),
    );
  }
  return ok(secretBundle(secret, req.url.origin));
}

function setSecret(req: SimRequest, name: string, ctx: KeyVaultContext): SimResponse {
  if (!isValidSecretName(name)) return invalidName(name);
  if (ctx.store.latest(name)?.managed) {
    return vaultError(
      403,
      'Forbidden',
      `Secret ${name} is backed by a certificate; change it through the certificates API.`,
    );
  }
  const parsed = parseSetSecretBody(req.body);
  if (typeof parsed === 'string') return vaultError(400, 'BadParameter', parsed);
  return ok(secretBundle(ctx.store.set(name, parsed), req.url.origin));
}

function listSecrets(req: SimRequest, ctx: KeyVaultContext): SimResponse {
  const latest = ctx.store.names().flatMap((name) => ctx.store.latest(name) ?? []);
  return page(req, latest, (secret) => secretItem(secret, `${req.url.origin}/secrets/${secret.name}`));
}

function listVersions(req: SimRequest, name: string, ctx: KeyVaultContext): SimResponse {
  if (!isValidSecretName(name)) return invalidName(name);
  const versions = ctx.store.versions(name);
  if (versions.length === 0) return secretNotFound(name);
  return page(req, versions, (secret) => secretItem(secret, secretId(secret, req.url.origin)));
}

/** One page of a list; `nextLink` is absolute and keeps api-version, as Key Vault's. */
function page(req: SimRequest, all: SecretVersion[], toItem: (secret: SecretVersion) => object): SimResponse {
  const query = new URLSearchParams(req.url.search);
  const maxResultsParameter = query.get('maxresults');
  const maxResults = maxResultsParameter === null ? MAX_PAGE_SIZE : Number(maxResultsParameter);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
    return vaultError(400, 'BadParameter', `maxresults must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const skipToken = query.get('$skiptoken');
  const offset = skipToken === null ? 0 : Number(Buffer.from(skipToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return vaultError(400, 'BadParameter', 'Invalid $skiptoken.');
  const end = offset + maxResults;
  let nextLink: string | null = null;
  if (end < all.length) {
    const next = new URLSearchParams({
      'api-version': query.get('api-version') ?? '',
      $skiptoken: Buffer.from(String(end)).toString('base64url'),
      maxresults: String(maxResults),
    });
    nextLink = `${req.url.origin}${req.url.pathname}?${next.toString()}`;
  }
  return ok({ value: all.slice(offset, end).map(toItem), nextLink });
}

function secretBundle(
  secret: SecretVersion,
  origin: string,
  override: { value: string; contentType: string } | undefined = undefined,
): object {
  return {
    value: override?.value ?? secret.value,
    id: secretId(secret, origin),
    ...optional('contentType', override?.contentType ?? secret.contentType),
    attributes: attributes(secret),
    ...optional('tags', secret.tags),
    ...(secret.managed && { kid: `${origin}/keys/${secret.name}/${secret.version}`, managed: true }),
  };
}

function secretItem(secret: SecretVersion, id: string): object {
  return {
    id,
    attributes: attributes(secret),
    ...optional('tags', secret.tags),
    ...optional('contentType', secret.contentType),
    ...(secret.managed && { managed: true }),
  };
}

function attributes(secret: SecretVersion): object {
  return {
    enabled: secret.enabled,
    ...optional('nbf', secret.notBefore),
    ...optional('exp', secret.expires),
    created: secret.created,
    updated: secret.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

function secretId(secret: SecretVersion, origin: string): string {
  return `${origin}/secrets/${secret.name}/${secret.version}`;
}

/** The PUT body {value, contentType, tags, attributes:{enabled,nbf,exp}}, or why it is not acceptable. */
function parseSetSecretBody(body: Buffer): NewSecretVersion | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'The request body must be a JSON object.';
  const { value, contentType, tags, attributes: attrs } = parsed as Record<string, unknown>;
  if (typeof value !== 'string') return 'Secret value is required and must be a string.';
  if (contentType !== undefined && contentType !== null && typeof contentType !== 'string') {
    return 'contentType must be a string.';
  }
  const input: NewSecretVersion = { value };
  if (typeof contentType === 'string') input.contentType = contentType;
  if (tags !== undefined && tags !== null) {
    if (typeof tags !== 'object' || Object.values(tags).some((v) => typeof v !== 'string')) {
      return 'tags must be an object of strings.';
    }
    input.tags = tags as Record<string, string>;
  }
  if (attrs !== undefined && attrs !== null) {
    if (typeof attrs !== 'object') return 'attributes must be an object.';
    const { enabled, nbf, exp } = attrs as Record<string, unknown>;
    if (typeof enabled === 'boolean') input.enabled = enabled;
    if (typeof nbf === 'number') input.notBefore = nbf;
    if (typeof exp === 'number') input.expires = exp;
  }
  return input;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function ok(body: object): SimResponse {
  return { status: 200, headers: { 'x-ms-request-id': randomUUID() }, body };
}

function invalidName(name: string): SimResponse {
  return vaultError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
}

function secretNotFound(nameOrId: string): SimResponse {
  return vaultError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${nameOrId} was not found in this key vault. If you recently deleted this secret you ` +
      `may be able to recover it using the correct recovery command.`,
  );
}

/** Key Vault's error shape {"error":{"code","message","innererror"?:{"code"}}}. */
function vaultError(
  status: number,
  code: string,
  message: string,
  innerCode?: string,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { 'x-ms-request-id': randomUUID(), ...headers },
    body: { error: { code, message, ...(innerCode && { innererror: { code: innerCode } }) } },
  };
}
