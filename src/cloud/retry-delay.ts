/** Delay before retry n (0-based): the server's Retry-After when given, else full-jitter exponential backoff. */
export function retryDelayMs(
  attempt: number,
  retryAfterHeader: string | string[] | undefined,
  random: () => number = Math.random,
): number {
  const retryAfter = retryAfterMs(retryAfterHeader);
  if (retryAfter !== undefined) return retryAfter;
  const cap = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Retry-After in milliseconds: seconds (may be fractional, e.g. "2.128") or an HTTP date; undefined if absent. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
