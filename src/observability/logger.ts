import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubSecrets } from './scrub-secrets';

export type { Logger } from 'pino';

/**
 * Fields that can carry a secret or a token anywhere in a log object. pino's redact removes them by path;
 * the error serializer below scrubs free text (messages, stacks) that the SDKs fill with request dumps.
 */
export const REDACTED_PATHS = [
  'secret',
  'clientSecret',
  'password',
  'token',
  'accessToken',
  'certificate',
  'privateKey',
  'pem',
  'authorization',
  'headers.authorization',
  '*.secret',
  '*.clientSecret',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.certificate',
  '*.privateKey',
  '*.pem',
  '*.value',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.request.headers.authorization',
];

export interface SerializedError {
  type: string;
  message: string;
  code?: string;
  status?: number;
  stack?: string;
}

/** Serialises any thrown value with secrets scrubbed from its message and stack. */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { type: typeof err, message: scrubSecrets(String(err)) };
  const withCode = err as Error & { code?: unknown; statusCode?: unknown; status?: unknown };
  const status = typeof withCode.statusCode === 'number' ? withCode.statusCode : withCode.status;
  return {
    type: err.name,
    message: scrubSecrets(err.message),
    ...(typeof withCode.code === 'string' ? { code: withCode.code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    ...(err.stack ? { stack: scrubSecrets(err.stack) } : {}),
  };
}

export function createLogger(
  options: { level: string; name?: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: options.name ?? 'crw',
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
    },
    destination,
  );
}
