import https from 'node:https';
import tls from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Aborts the request (e.g. the worker is shutting down). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A transport failure (connection refused or reset, timeout): no HTTP status was received. */
export class HttpTransportError extends Error {
  override readonly name = 'HttpTransportError';
  constructor(
    readonly url: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTPS with keep-alive and a configurable CA list; one instance per process and cloud. */
export class HttpClient {
  private readonly agent: https.Agent;

  constructor(options: { ca?: string[]; maxSockets?: number } = {}) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 16,
      // The CA list goes in a secure context built once, not as `ca`: https.Agent names its socket pools by
      // joining every option, `ca` included, so ~140 root PEMs would be concatenated on every request.
      ...(options.ca ? { secureContext: tls.createSecureContext({ ca: options.ca }) } : {}),
    });
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const outgoing = https.request(
        req.url,
        {
          method: req.method,
          headers: req.headers,
          agent: this.agent,
          timeout: timeoutMs,
          signal: req.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', (err) => reject(transportError(req.url, err)));
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      outgoing.on('error', (err) =>
        reject(req.signal?.aborted ? req.signal.reason : transportError(req.url, err)),
      );
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function transportError(url: string, err: Error): HttpTransportError {
  const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  return new HttpTransportError(url, code, `${new URL(url).origin}: ${code} ${err.message}`);
}
