/** The Exchange admin API answered with an error status, or something unusable; the message is Exchange's own. */
export class ExchangeError extends Error {
  override readonly name = 'ExchangeError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly cmdlet: string,
    readonly detail: string,
  ) {
    super(`Exchange ${status} ${code} on ${cmdlet}: ${detail}`);
  }
}

/**
 * The useful text of an InvokeCommand error body. error.message is usually just "Invalid Operation": the cause is
 * in error.details[].message ("|ExceptionType|text"), then error.innererror.internalException.message (the
 * live service spells that key in lower case, so it is matched case-insensitively), then error.message.
 */
export function exchangeErrorMessage(body: Buffer): {
  code: string | undefined;
  message: string | undefined;
} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    const text = body.toString('utf8').trim();
    return { code: undefined, message: text === '' ? undefined : text.slice(0, 300) };
  }
  const error = field(parsed, 'error');
  const code = stringOf(field(error, 'code'));
  const details = field(error, 'details');
  if (Array.isArray(details)) {
    const texts = details
      .map((d) => stringOf(field(d, 'message')))
      .filter((m): m is string => m !== undefined && m.trim() !== '')
      .map(stripExceptionType);
    if (texts.length > 0) return { code, message: texts.join('; ') };
  }
  const inner = field(error, 'innererror');
  const internal = inner !== undefined ? fieldIgnoringCase(inner, 'internalexception') : undefined;
  const internalMessage = stringOf(field(internal, 'message'));
  if (internalMessage !== undefined && internalMessage.trim() !== '')
    return { code, message: internalMessage };
  return { code, message: stringOf(field(error, 'message')) };
}

/** "|System.Exception|text" → "text". */
function stripExceptionType(message: string): string {
  const match = /^\|[^|]*\|([\s\S]*)$/.exec(message);
  return match?.[1] ?? message;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function fieldIgnoringCase(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = Object.keys(value).find((k) => k.toLowerCase() === key);
  return found === undefined ? undefined : (value as Record<string, unknown>)[found];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
