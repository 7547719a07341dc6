// The 500 / 503 a faulted request gets, in the error shape of the service it addressed.
import { randomUUID } from 'node:crypto';
import { graphError } from '../graph-errors';
import { entraError } from '../identity/entra-errors';
import type { SimRequest, SimResponse } from '../types';
import type { FaultTarget } from './fault-rules';

export function faultResponse(
  target: FaultTarget,
  fault: 'http-500' | 'http-503',
  req: SimRequest,
  retryAfterSeconds: number | undefined,
): SimResponse {
  const status = fault === 'http-500' ? 500 : 503;
  const retryAfter: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  switch (target) {
    case 'graph':
    case 'exchange':
      return status === 500
        ? graphError(500, 'generalException', 'General exception while processing.', req.headers, retryAfter)
        : graphError(503, 'serviceNotAvailable', 'Service Unavailable', req.headers, retryAfter);
    case 'keyvault':
      return {
        status,
        headers: { 'x-ms-request-id': randomUUID(), ...retryAfter },
        body: {
          error:
            status === 500
              ? { code: 'InternalServerError', message: 'The server encountered an internal error.' }
              : { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' },
        },
      };
    case 'token':
    case 'managed-identity': {
      const response = entraError(
        status,
        status === 500 ? 'server_error' : 'temporarily_unavailable',
        90033,
        'A transient error has occurred. Please try again.',
        req.headers,
      );
      return { ...response, headers: { ...response.headers, ...retryAfter } };
    }
  }
}
