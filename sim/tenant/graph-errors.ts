// Graph's error responses: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../types';

/** Thrown by Graph request handling; turned into Graph's error body by graphErrorResponse. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export function graphErrorResponse(req: SimRequest, error: GraphError): SimResponse {
  const requestId = randomUUID();
  const clientRequestHeader = req.headers['client-request-id'];
  const clientRequestId =
    (Array.isArray(clientRequestHeader) ? clientRequestHeader[0] : clientRequestHeader) ?? requestId;
  return {
    status: error.status,
    headers: { 'request-id': requestId, 'client-request-id': clientRequestId },
    body: {
      error: {
        code: error.code,
        message: error.message,
        innerError: {
          // Graph sends the UTC time without fraction or zone, e.g. "2026-01-01T12:00:00".
          date: new Date().toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    },
  };
}

export const insufficientPrivileges = (): GraphError =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

export const badRequest = (message: string): GraphError => new GraphError(400, 'BadRequest', message);

/** For what real Graph supports but the simulator does not (yet): loud, never a silent wrong answer. */
export const notSimulated = (message: string): GraphError =>
  new GraphError(501, 'NotImplemented', `The simulator does not support this: ${message}`);
