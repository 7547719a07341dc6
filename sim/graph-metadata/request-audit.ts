// A recorder for integration tests: hook record() into the sim's Graph gateway, run the tests, then assert
// problems() is empty, so every request the project's clients send is one Graph's metadata knows.
import { validateBatchBody } from './batch-validator';
import { validateGraphRequest } from './request-validator';

export interface GraphRequestAudit {
  /** Validates one request; pass the body of a POST /v1.0/$batch to validate its inner requests too. */
  record(method: string, url: string | URL, body?: unknown): void;
  /**
   * One line per distinct problem: "<METHOD> <path and query of its first request>: <problem>", with " (N times)"
   * when more requests had it (messages write keys as {key}, so requests for other ids count as the same problem).
   */
  problems(): string[];
  /** Requests recorded so far. */
  count(): number;
}

export function createGraphRequestAudit(): GraphRequestAudit {
  const problems = new Map<string, { request: string; times: number }>();
  let count = 0;
  const add = (request: string, problem: string): void => {
    const seen = problems.get(problem);
    if (seen) seen.times += 1;
    else problems.set(problem, { request, times: 1 });
  };
  return {
    record(method, url, body) {
      count += 1;
      let parsed: URL;
      try {
        parsed = typeof url === 'string' ? new URL(url, 'https://graph.microsoft.com') : url;
      } catch {
        add(`${method.toUpperCase()} ${String(url)}`, 'not a URL');
        return;
      }
      const request = `${method.toUpperCase()} ${parsed.pathname}${parsed.search}`;
      for (const problem of validateGraphRequest(method, parsed)) add(request, problem);
      const isBatch = parsed.pathname === '/v1.0/$batch' && method.toUpperCase() === 'POST';
      if (isBatch && body !== undefined && !(Buffer.isBuffer(body) && body.length === 0))
        for (const problem of validateBatchBody(body)) add(request, problem);
    },
    problems: () =>
      [...problems].map(
        ([problem, { request, times }]) => `${request}: ${problem}${times > 1 ? ` (${times} times)` : ''}`,
      ),
    count: () => count,
  };
}
