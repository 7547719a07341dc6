// validateBatchBody: a JSON $batch request body as Graph v1.0 accepts it (at most 20 requests, unique ids,
// dependsOn naming other requests, Content-Type with every body), each inner request checked like a direct one.
import type { CsdlModel } from './csdl-model';
import { graphMetadata } from './csdl-loader';
import { validateGraphRequest } from './request-validator';

export const MAX_BATCH_REQUESTS = 20;

/** Problems with a $batch body (parsed JSON, or its text/bytes); an empty list means it is valid. */
export function validateBatchBody(body: unknown, model: CsdlModel = graphMetadata()): string[] {
  let document = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      document = JSON.parse(body.toString()) as unknown;
    } catch {
      return ['$batch body is not JSON'];
    }
  }
  if (!isRecord(document) || !Array.isArray(document.requests))
    return ['$batch body needs a "requests" array'];
  const requests: unknown[] = document.requests;
  const problems: string[] = [];
  if (requests.length === 0) problems.push('$batch holds no requests');
  if (requests.length > MAX_BATCH_REQUESTS)
    problems.push(`$batch holds ${requests.length} requests; Graph accepts at most ${MAX_BATCH_REQUESTS}`);

  const ids = new Set<string>();
  for (const request of requests)
    if (isRecord(request) && typeof request.id === 'string') ids.add(request.id);
  const seen = new Set<string>();
  requests.forEach((request, index) => {
    const where = `$batch requests[${index}]`;
    if (!isRecord(request)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const { id, method, url, headers, dependsOn } = request;
    if (typeof id !== 'string' || id === '') problems.push(`${where}: "id" must be a non-empty string`);
    else if (seen.has(id)) problems.push(`${where}: id '${id}' is used twice`);
    else seen.add(id);
    if (dependsOn !== undefined) {
      if (!Array.isArray(dependsOn) || !dependsOn.every((item) => typeof item === 'string' && ids.has(item)))
        problems.push(`${where}: "dependsOn" must list ids of requests in the batch`);
    }
    if (
      headers !== undefined &&
      (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string'))
    )
      problems.push(`${where}: "headers" must map names to strings`);
    if (request.body !== undefined && !hasContentType(headers))
      problems.push(`${where}: a request with a body needs a Content-Type header`);
    if (typeof method !== 'string' || typeof url !== 'string') {
      problems.push(`${where}: "method" and "url" must be strings`);
      return;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || /^\/?v1\.0(\/|$)/i.test(url) || /^\/?beta(\/|$)/i.test(url)) {
      problems.push(`${where}: url '${url}' must be relative to /v1.0 (e.g. "/users/{id}")`);
      return;
    }
    const absolute = `/v1.0${url.startsWith('/') ? '' : '/'}${url}`;
    if (/^\/v1\.0\/\$batch(\/|\?|$)/.test(absolute)) {
      problems.push(`${where}: a $batch cannot contain a $batch`);
      return;
    }
    for (const problem of validateGraphRequest(method, absolute, model))
      problems.push(`${where} ${method} ${url}: ${problem}`);
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasContentType(headers: unknown): boolean {
  return isRecord(headers) && Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
}
