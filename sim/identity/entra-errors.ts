// Entra ID's OAuth error shape: {"error","error_description":"AADSTSnnn: … Trace ID … Correlation ID … Timestamp …",
// "error_codes":[n],"timestamp","trace_id","correlation_id","error_uri"}.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SimResponse } from '../types';

export function entraError(
  status: number,
  error: string,
  aadstsCode: number,
  description: string,
  requestHeaders: IncomingHttpHeaders = {},
): SimResponse {
  const traceId = randomUUID();
  const requestCorrelation = requestHeaders['client-request-id'];
  const correlationId = typeof requestCorrelation === 'string' ? requestCorrelation : randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    headers: { 'x-ms-request-id': traceId, 'client-request-id': correlationId },
    body: {
      error,
      error_description:
        `AADSTS${aadstsCode}: ${description}\r\nTrace ID: ${traceId}\r\n` +
        `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [aadstsCode],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadstsCode}`,
    },
  };
}
