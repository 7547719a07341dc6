// The sim's control API: JSON over HTTP under /_sim/ on the sim's https origin (a prefix no Microsoft service
// uses). No authentication: it exists only in the simulator.
//   GET  /_sim                               list of routes
//   GET  /_sim/stats                         SimStats            POST /_sim/stats/reset
//   GET  /_sim/throttling                    {enabled}           PUT  /_sim/throttling {enabled}
//   GET  /_sim/faults                        {rules}             PUT  /_sim/faults [rules] | {seed, rules}
//   POST /_sim/faults  rule (adds one)                           DELETE /_sim/faults
//   GET  /_sim/tokens/lifetime               {seconds}           PUT  /_sim/tokens/lifetime {seconds}
//   POST /_sim/tokens/revoke {afterGraphRequests?}
//   POST /_sim/tenants/{name}/rotate-credential {keepOld?}      → {itemName, version}
//   PUT  /_sim/keyvault/secrets/{name} {enabled}
//   GET  /_sim/mail                          {messages}          DELETE /_sim/mail
import { FaultRuleError, parseFaultRule, parseFaultsDocument } from '../faults/fault-rules';
import { Router, type SimHandler } from '../http-server';
import type { SimRequest, SimResponse } from '../types';
import { CONTROL_API_PREFIX, SimControlNotFoundError, type SimControls } from './controls';

class BadRequestError extends Error {}

const ROUTES = [
  'GET /_sim/stats',
  'POST /_sim/stats/reset',
  'GET|PUT /_sim/throttling',
  'GET|PUT|POST|DELETE /_sim/faults',
  'GET|PUT /_sim/tokens/lifetime',
  'POST /_sim/tokens/revoke',
  'POST /_sim/tenants/{name}/rotate-credential',
  'PUT /_sim/keyvault/secrets/{name}',
  'GET|DELETE /_sim/mail',
];

export function isControlApiPath(pathname: string): boolean {
  return pathname === CONTROL_API_PREFIX || pathname.startsWith(`${CONTROL_API_PREFIX}/`);
}

export function createControlApiHandler(controls: SimControls): SimHandler {
  const router = new Router()
    .add('GET', /^\/_sim\/?$/, () => json(200, { routes: ROUTES }))
    .add('GET', /^\/_sim\/stats$/, () => json(200, controls.stats()))
    .add('POST', /^\/_sim\/stats\/reset$/, () => {
      controls.resetStats();
      return noContent();
    })
    .add('GET', /^\/_sim\/throttling$/, () => json(200, { enabled: controls.throttlingEnabled() }))
    .add('PUT', /^\/_sim\/throttling$/, (req) => {
      controls.setThrottling(booleanField(body(req), 'enabled'));
      return json(200, { enabled: controls.throttlingEnabled() });
    })
    .add('GET', /^\/_sim\/faults$/, () => json(200, { rules: controls.faults() }))
    .add('PUT', /^\/_sim\/faults$/, (req) => {
      controls.setFaults(parseFaultsDocument(jsonBody(req), 'body'));
      return json(200, { rules: controls.faults() });
    })
    .add('POST', /^\/_sim\/faults$/, (req) => {
      controls.addFault(parseFaultRule(jsonBody(req), 'body'));
      return json(200, { rules: controls.faults() });
    })
    .add('DELETE', /^\/_sim\/faults$/, () => {
      controls.clearFaults();
      return noContent();
    })
    .add('GET', /^\/_sim\/tokens\/lifetime$/, () => json(200, { seconds: controls.tokenLifetime() }))
    .add('PUT', /^\/_sim\/tokens\/lifetime$/, (req) => {
      const seconds = body(req)['seconds'];
      if (typeof seconds !== 'number')
        throw new BadRequestError('body.seconds: expected a whole number >= 1');
      controls.setTokenLifetime(seconds);
      return json(200, { seconds: controls.tokenLifetime() });
    })
    .add('POST', /^\/_sim\/tokens\/revoke$/, async (req) => {
      const after = body(req, {})['afterGraphRequests'];
      if (after !== undefined && (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)) {
        throw new BadRequestError('body.afterGraphRequests: expected a whole number >= 0');
      }
      await controls.revokeTokens(after === undefined ? {} : { afterGraphRequests: after });
      return noContent();
    })
    .add('POST', /^\/_sim\/tenants\/([^/]+)\/rotate-credential$/, async (req, [name = '']) => {
      const keepOld = body(req, {})['keepOld'];
      if (keepOld !== undefined && typeof keepOld !== 'boolean') {
        throw new BadRequestError('body.keepOld: expected true or false');
      }
      return json(200, await controls.rotateTenantCredential(name, { keepOld: keepOld ?? false }));
    })
    .add('PUT', /^\/_sim\/keyvault\/secrets\/([^/]+)$/, (req, [name = '']) => {
      const enabled = booleanField(body(req), 'enabled');
      controls.setKeyVaultItemEnabled(name, enabled);
      return json(200, { name, enabled });
    })
    .add('GET', /^\/_sim\/mail$/, () => json(200, { messages: controls.mail() }))
    .add('DELETE', /^\/_sim\/mail$/, () => {
      controls.clearMail();
      return noContent();
    });

  return async (req) => {
    const route = router.match(req);
    if (route === undefined)
      return error(404, 'NotFound', `No control at ${req.url.pathname}; see GET /_sim`);
    if (route === 'method-not-allowed') {
      return error(405, 'MethodNotAllowed', `${req.method} is not allowed on ${req.url.pathname}`);
    }
    try {
      return await route.handler(req, route.params);
    } catch (caught) {
      if (caught instanceof SimControlNotFoundError) return error(404, 'NotFound', caught.message);
      if (
        caught instanceof BadRequestError ||
        caught instanceof FaultRuleError ||
        caught instanceof RangeError
      ) {
        return error(400, 'BadRequest', caught.message);
      }
      throw caught;
    }
  };
}

/** The parsed JSON body. */
function jsonBody(req: SimRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new BadRequestError('The body must be JSON.');
  }
}

/** The JSON object body; `fallback` when the body is empty. */
function body(req: SimRequest, fallback?: Record<string, unknown>): Record<string, unknown> {
  if (fallback && req.body.toString('utf8').trim() === '') return fallback;
  const parsed = jsonBody(req);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError('The body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function booleanField(input: Record<string, unknown>, name: string): boolean {
  const value = input[name];
  if (typeof value !== 'boolean') throw new BadRequestError(`body.${name}: expected true or false`);
  return value;
}

function json(status: number, payload: unknown): SimResponse {
  return { status, body: payload };
}

function noContent(): SimResponse {
  return { status: 204 };
}

function error(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { code, message } } };
}
