/** Graph answered with an error status; carries Graph's code so collectors can tell licence gaps from faults. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly path: string,
    message: string,
  ) {
    super(`Graph ${status} ${code} on ${path}: ${message}`);
  }
}

/** Reads Graph's error body `{"error":{"code","message"}}`, tolerating anything else. */
export function parseGraphError(status: number, path: string, body: Buffer): GraphError {
  let code = `HTTP${status}`;
  let message = body.toString('utf8').slice(0, 300);
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // not JSON: keep the raw text
  }
  return new GraphError(status, code, path, message);
}
