// The sim's HTTP plumbing: listen on 127.0.0.1 (https or http), read whole bodies, hand a SimRequest to one
// handler, write its SimResponse (JSON unless the body is a Buffer or string), and close every socket on stop.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimRequest, SimResponse } from './types';

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** Returned by a handler (compared by identity): the socket is destroyed without any response (a fault). */
export const DROP_CONNECTION: SimResponse = Object.freeze({ status: 0 });

export interface SimHttpServerOptions {
  /** 0 = a random free port. */
  port: number;
  /** Serve https with this certificate; absent = plain http. */
  tls?: { certificatePem: string; privateKeyPem: string };
  handler: SimHandler;
  /** Requests with a larger body get 413. Default 64 MiB. */
  maxBodyBytes?: number;
  /** Called when a handler throws (the client gets 500); default: print to stderr. */
  onHandlerError?: (error: unknown, req: SimRequest) => void;
}

export interface SimHttpServer {
  /** e.g. "https://127.0.0.1:43123" */
  readonly origin: string;
  readonly port: number;
  /** Stops listening and destroys every open connection, keep-alive ones included. */
  close(): Promise<void>;
}

const LISTEN_HOST = '127.0.0.1';

export async function startHttpServer(options: SimHttpServerOptions): Promise<SimHttpServer> {
  const scheme = options.tls ? 'https' : 'http';
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const onHandlerError =
    options.onHandlerError ??
    ((error: unknown, req: SimRequest) =>
      console.error(`sim: ${req.method} ${req.url.pathname} failed:`, error));

  const listener = (incoming: http.IncomingMessage, outgoing: http.ServerResponse): void => {
    void serve(incoming, outgoing);
  };
  const server: http.Server = options.tls
    ? https.createServer({ cert: options.tls.certificatePem, key: options.tls.privateKeyPem }, listener)
    : http.createServer(listener);

  let port = 0;

  async function serve(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    const rawPath = incoming.url ?? '/';
    if (!rawPath.startsWith('/')) {
      writeResponse(outgoing, jsonError(400, 'BadRequest', 'The request target must be an absolute path'));
      return;
    }
    const host = incoming.headers.host ?? `${LISTEN_HOST}:${port}`;
    let url: URL;
    try {
      url = new URL(`${scheme}://${host}${rawPath}`);
    } catch {
      writeResponse(
        outgoing,
        jsonError(400, 'BadRequest', `Invalid Host header or request target: ${host}${rawPath}`),
      );
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(incoming, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        writeResponse(outgoing, jsonError(413, 'RequestTooLarge', error.message));
      else incoming.destroy();
      return;
    }
    const req: SimRequest = { method: incoming.method ?? 'GET', url, headers: incoming.headers, body };
    let response: SimResponse;
    try {
      response = await options.handler(req);
    } catch (error) {
      onHandlerError(error, req);
      response = jsonError(500, 'InternalServerError', 'The simulated service failed; see the sim log.');
    }
    writeResponse(outgoing, response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LISTEN_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    origin: `${scheme}://${LISTEN_HOST}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

function readBody(incoming: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(new BodyTooLargeError(`Request body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

function writeResponse(outgoing: http.ServerResponse, response: SimResponse): void {
  // The client may be gone (closed connection, sim stopping while a delayed response waited).
  if (outgoing.destroyed || outgoing.writableEnded) return;
  if (response === DROP_CONNECTION) {
    outgoing.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...response.headers };
  let payload: Buffer | undefined;
  if (response.body === undefined) {
    payload = undefined;
  } else if (Buffer.isBuffer(response.body) || typeof response.body === 'string') {
    payload = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body);
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(response.body));
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload?.length ?? 0);
  outgoing.writeHead(response.status, headers);
  outgoing.end(payload);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function jsonError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { code, message } } };
}

/** A route table: the first route whose pattern matches the path and whose method matches wins. */
export class Router {
  private readonly routes: { method: string; pattern: RegExp; handler: RouteHandler }[] = [];

  /** `pattern` is matched against the pathname as sent (percent-encoded); captures arrive URI-decoded as `params`. */
  add(method: string, pattern: RegExp, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), pattern, handler });
    return this;
  }

  /** The matching route, 'method-not-allowed' when only the path matches, or undefined. */
  match(req: SimRequest): { handler: RouteHandler; params: string[] } | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(req.url.pathname);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== req.method.toUpperCase()) continue;
      const params = found.slice(1).map((value) => safeDecode(value ?? ''));
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

export type RouteHandler = (req: SimRequest, params: string[]) => SimResponse | Promise<SimResponse>;

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
