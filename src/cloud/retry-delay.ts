/** Delay before retry n (0-based): the server's Retry-After when given, else full-jitter exponential backoff. */
export function retryDelayMs(
  attempt: number,
  retryAfterHeader: string | string[] | undefined,
  random: () => number = Math.random,
): number {
  const header = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
  if (header !== undefined) {
    const seconds = Number(header);
    // Retry-After may be fractional (e.g. "2.128") or an HTTP date.
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const cap = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
