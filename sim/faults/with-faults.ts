// Fault injection in front of the sim's services: decides the faults of each request (FaultEngine), applies the
// side effects (token revocation, CAE challenge), delays, answers in place of the service (500, 503, dropped
// connection) or drops the connection after the service processed the request, and after the service answered
// may corrupt fields of its items and turn a page's @odata.nextLink into a loop.
import { DROP_CONNECTION, type SimHandler } from '../http-server';
import type { SimRequest, SimResponse } from '../types';
import { corruptAnswer } from './corrupt-field';
import type { FaultEngine } from './fault-engine';
import type { FaultTarget } from './fault-rules';
import { faultResponse } from './fault-responses';
import { NextLinkMemory } from './next-link-memory';

export interface FaultEffects {
  revokeTokens(): Promise<void>;
  /** Starts a CAE claims challenge for Graph tokens. */
  challengeClaims(): void;
  sleep(ms: number): Promise<void>;
}

const NEXT_LINK = '@odata.nextLink';

export function withFaults(
  handler: SimHandler,
  engine: FaultEngine,
  targetOf: (req: SimRequest) => FaultTarget | undefined,
  effects: FaultEffects,
): SimHandler {
  const servedLinks = new NextLinkMemory();
  return async (req) => {
    const target = targetOf(req);
    if (target === undefined || engine.isEmpty) return handler(req);

    const plan = engine.before(target, req);
    if (plan.revokeTokens) await effects.revokeTokens();
    if (plan.claimsChallenge) effects.challengeClaims();
    if (plan.latencyMs > 0) await effects.sleep(plan.latencyMs);
    if (plan.outcome?.fault === 'drop-connection') return DROP_CONNECTION;
    if (plan.outcome?.fault === 'drop-after-processing') {
      // The service's work is done (whatever it answered); only the answer is lost.
      await handler(req);
      return DROP_CONNECTION;
    }
    if (plan.outcome) return faultResponse(target, plan.outcome.fault, req, plan.outcome.retryAfterSeconds);

    const response = corruptAnswer(engine, target, req, await handler(req));
    const nextLink = nextLinkOf(response);
    if (nextLink === undefined) return response;
    // A page reached through a link the sim served may name that same link again: a loop.
    const reachedThrough = servedLinks.served(req.url);
    if (reachedThrough !== undefined && engine.loopsNextLink(target, req)) {
      return { ...response, body: { ...(response.body as object), [NEXT_LINK]: reachedThrough } };
    }
    servedLinks.remember(nextLink);
    return response;
  };
}

function nextLinkOf(response: SimResponse): string | undefined {
  if (response.status !== 200 || typeof response.body !== 'object' || response.body === null)
    return undefined;
  if (Buffer.isBuffer(response.body)) return undefined;
  const link = (response.body as Record<string, unknown>)[NEXT_LINK];
  return typeof link === 'string' ? link : undefined;
}
