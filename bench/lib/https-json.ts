// One JSON request over a keep-alive https Agent (the sim's CA), returning status, parsed body and wire size.
import https from 'node:https';

export interface JsonResponse {
  status: number;
  body: unknown;
  /** Response body size in bytes, as received. */
  bytes: number;
}

export function requestJson(
  agent: https.Agent,
  url: URL,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<JsonResponse> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          // Not JSON: keep the text for the caller's message.
        }
        resolve({ status: res.statusCode ?? 0, body, bytes: Buffer.byteLength(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
