// The Exchange Online admin API of the sim: POST /adminapi/beta/{tenantId}/InvokeCommand with
// {"CmdletInput":{"CmdletName","Parameters"}}, a bearer token for https://outlook.office365.com whose roles hold
// Exchange.ManageAsApp, paged by `Prefer: odata.maxpagesize` and a nextLink the client re-POSTs the same body to.
import { randomUUID } from 'node:crypto';
import type { AccessTokenCheck } from '../identity/access-tokens';
import { EXCHANGE_RESOURCE } from '../identity/resources';
import { EXCHANGE_MANAGE_AS_APP } from '../identity/scanning-apps';
import { mailboxDirectoryOf } from '../tenant/mailboxes';
import type { SimRequest, SimResponse, SimTenant } from '../types';
import { canonicalParameters, findCmdlet, type CmdletParameters } from './cmdlets';
import {
  badRequestBody,
  CmdletError,
  cmdletErrorResponse,
  exchangeForbidden,
  exchangeUnauthorized,
  unknownCmdlet,
} from './errors';
import {
  bodyFingerprint,
  DEFAULT_PAGE_SIZE,
  decodeSkipToken,
  encodeSkipToken,
  preferredPageSize,
} from './paging';

export interface ExchangeHandlerContext {
  /** The access-token service's check (e.g. `(header, audience) => tokens.check(header, audience)`). */
  verify(authorizationHeader: string | undefined, expectedAudience: string): AccessTokenCheck;
  tenantById(tenantId: string): SimTenant | undefined;
  /** Called once per authenticated InvokeCommand, e.g. for the sim's stats. */
  recordRequest?(tenantId: string, cmdletName: string): void;
  /** Clock for $skiptoken expiry; default Date.now. */
  now?(): number;
}

export type ExchangeHandler = (req: SimRequest) => SimResponse;

const PATH = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand\/?$/i;

interface CmdletInput {
  CmdletName: string;
  Parameters: Record<string, unknown>;
}

export function createExchangeHandler(ctx: ExchangeHandlerContext): ExchangeHandler {
  const now = ctx.now ?? Date.now;
  return (req) => {
    const match = PATH.exec(req.url.pathname);
    if (!match?.[1])
      return plainError(404, 'NotFound', `No such Exchange admin API resource: ${req.url.pathname}`);
    if (req.method !== 'POST') {
      return plainError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${req.method}'.`,
      );
    }
    const pathTenant = decodeURIComponent(match[1]);

    const check = ctx.verify(req.headers.authorization, EXCHANGE_RESOURCE);
    if (!check.valid) return exchangeUnauthorized(2000001, check.message, 'invalid_token');
    const { claims } = check;
    const tenant = ctx.tenantById(claims.tid);
    if (!tenant) {
      return exchangeUnauthorized(
        2000001,
        `Tenant ${claims.tid} has no Exchange Online organization.`,
        'invalid_token',
      );
    }
    const wanted = pathTenant.toLowerCase();
    if (wanted !== tenant.tenantId.toLowerCase() && wanted !== tenant.domain.toLowerCase()) {
      return exchangeUnauthorized(
        2000001,
        `The token's tenant ${claims.tid} does not match the organization '${pathTenant}' of the request URL.`,
        'invalid_token',
      );
    }
    if (claims.roles.length === 0) {
      return exchangeUnauthorized(
        2000008,
        'The token contains no permissions, or permissions can not be understood.',
        'invalid_grant',
      );
    }

    try {
      const input = readCmdletInput(req.body);
      if (!claims.roles.includes(EXCHANGE_MANAGE_AS_APP))
        return exchangeForbidden(input.CmdletName, claims.appid);
      ctx.recordRequest?.(tenant.tenantId, input.CmdletName);
      return invoke(req, tenant, pathTenant, input, now());
    } catch (error) {
      if (error instanceof CmdletError) return cmdletErrorResponse(error.failure);
      throw error;
    }
  };
}

function invoke(
  req: SimRequest,
  tenant: SimTenant,
  pathTenant: string,
  input: CmdletInput,
  nowMs: number,
): SimResponse {
  const cmdlet = findCmdlet(input.CmdletName);
  if (!cmdlet) throw unknownCmdlet(input.CmdletName);
  const parameters: CmdletParameters = canonicalParameters(cmdlet, input.Parameters);

  const fingerprint = bodyFingerprint({ CmdletInput: input });
  const skipToken = req.url.searchParams.get('$skiptoken');
  const cursor =
    skipToken === null ? { offset: 0, returned: 0 } : decodeSkipToken(skipToken, fingerprint, nowMs);
  const preferred = preferredPageSize(req.headers);
  const page = cmdlet.run(mailboxDirectoryOf(tenant), parameters, cursor, preferred ?? DEFAULT_PAGE_SIZE);

  const base = `${req.url.origin}/adminapi/beta/${encodeURIComponent(pathTenant)}`;
  const body: Record<string, unknown> = {
    '@odata.context': `${base}/$metadata#Collection(Exchange.GenericHashTable)`,
    'adminapi.warnings@odata.type': '#Collection(String)',
    '@adminapi.warnings': page.warnings,
    value: page.items,
  };
  if (page.next) {
    const token = encodeSkipToken(page.next, fingerprint, nowMs);
    body['@odata.nextLink'] = `${base}/InvokeCommand?$skiptoken=${encodeURIComponent(token)}`;
  }
  const headers: Record<string, string> = { 'request-id': randomUUID(), 'OData-Version': '4.0' };
  if (preferred !== undefined) headers['Preference-Applied'] = `odata.maxpagesize=${preferred}`;
  return { status: 200, headers, body };
}

function readCmdletInput(raw: Buffer): CmdletInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequestBody('The request body is not valid JSON.');
  }
  const cmdletInput = isObject(parsed) ? parsed['CmdletInput'] : undefined;
  if (
    !isObject(cmdletInput) ||
    typeof cmdletInput['CmdletName'] !== 'string' ||
    cmdletInput['CmdletName'] === ''
  ) {
    throw badRequestBody('The request body must be {"CmdletInput":{"CmdletName":"…","Parameters":{…}}}.');
  }
  const parameters = cmdletInput['Parameters'];
  if (parameters !== undefined && parameters !== null && !isObject(parameters)) {
    throw badRequestBody('CmdletInput.Parameters must be an object of parameter names and values.');
  }
  return { CmdletName: cmdletInput['CmdletName'], Parameters: parameters ?? {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plainError(status: number, code: string, message: string): SimResponse {
  return { status, headers: { 'request-id': randomUUID() }, body: { error: { code, message } } };
}
