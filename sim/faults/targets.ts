// Which service of the sim's https origin a request addresses, as fault rules name them.
import type { SimRequest } from '../types';
import type { FaultTarget } from './fault-rules';

/** undefined: not faultable (OpenID discovery, JWKS, the control API, unknown paths). */
export function faultTargetOf(req: SimRequest): FaultTarget | undefined {
  const path = req.url.pathname;
  if (path === '/secrets' || path.startsWith('/secrets/')) return 'keyvault';
  if (path.startsWith('/v1.0/') || path.startsWith('/beta/')) return 'graph';
  if (path.startsWith('/adminapi/')) return 'exchange';
  if (req.method.toUpperCase() === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) return 'token';
  return undefined;
}
