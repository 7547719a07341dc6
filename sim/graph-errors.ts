// Microsoft Graph's error shape: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SimResponse } from './types';

/** A Graph error response; echoes the caller's client-request-id like Graph does. */
export function graphError(
  status: number,
  code: string,
  message: string,
  requestHeaders: IncomingHttpHeaders = {},
  extraHeaders: Record<string, string> = {},
): SimResponse {
  const requestId = randomUUID();
  const clientRequestIdHeader = requestHeaders['client-request-id'];
  const clientRequestId = typeof clientRequestIdHeader === 'string' ? clientRequestIdHeader : requestId;
  return {
    status,
    headers: { 'request-id': requestId, 'client-request-id': clientRequestId, ...extraHeaders },
    body: {
      error: {
        code,
        message,
        innerError: {
          // Graph sends UTC without fraction or zone, e.g. "2026-01-01T12:00:00".
          date: new Date().toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    },
  };
}
