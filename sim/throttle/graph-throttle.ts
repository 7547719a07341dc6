// Graph's throttling as documented (wire facts; learn.microsoft.com/graph/throttling-limits), as token buckets:
//   global             130,000 requests / 10 s per app
//   identity & access  3,500 / 5,000 / 8,000 resource units / 10 s per app+tenant (< 50 / 50–500 / > 500 users)
//   reports            5 requests / 10 s per app+tenant
//   conditional access 1 request / s per tenant (all apps); its 429 has no Retry-After
//   outlook            10,000 requests / 10 min and 4 concurrent requests per app+mailbox
// A request is admitted only when every bucket it draws from has enough; a refused request takes nothing, and its
// Retry-After is the time until the emptiest bucket has enough again (often fractional). Off by default.
import { identityRequestCost } from './identity-cost';
import type { GraphRoute } from './graph-routes';
import { TokenBucket, type Clock } from './token-bucket';

export const GLOBAL_REQUESTS_PER_10S = 130_000;
export const REPORTS_REQUESTS_PER_10S = 5;
export const CONDITIONAL_ACCESS_REQUESTS_PER_S = 1;
export const OUTLOOK_REQUESTS_PER_10MIN = 10_000;
export const OUTLOOK_CONCURRENT_REQUESTS = 4;
/** Outlook does not say when a concurrency slot frees; the sim tells the client to come back after 1 s. */
const OUTLOOK_CONCURRENCY_RETRY_MS = 1_000;

/** Resource units per 10 s for an app in a tenant of `users` users. */
export function identityBudget(users: number): number {
  if (users < 50) return 3_500;
  if (users <= 500) return 5_000;
  return 8_000;
}

/** Who sends a request, for the bucket keys. */
export interface ThrottleSubject {
  appId: string;
  tenantId: string;
  tenantUsers: number;
}

export type Admission =
  | { admitted: true; headers: Record<string, string>; release(): void }
  | {
      admitted: false;
      /** x-ms-throttle-scope, e.g. "Tenant_Application/ReadWrite/{appId}/{tenantId}". */
      scope: string;
      /** x-ms-throttle-information. */
      information: string;
      message: string;
      /** Absent: the service sends no Retry-After (Conditional Access). */
      retryAfterMs?: number;
    };

interface Limit {
  key: string;
  capacity: number;
  windowMs: number;
  cost: number;
  scope: string;
  information: string;
  message: string;
  sendsRetryAfter: boolean;
}

const OPEN: Admission = { admitted: true, headers: {}, release: () => undefined };

export class GraphThrottle {
  private enabled = false;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Turning throttling on (or off) starts every bucket full again. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.buckets.clear();
  }

  /** Admission decision for one Graph request (a $batch item counts as one request). */
  admit(route: GraphRoute, subject: ThrottleSubject): Admission {
    if (!this.enabled || route.family === 'batch') return OPEN;
    const now = this.clock();
    const limits = limitsFor(route, subject);

    let refused: { limit: Limit; waitMs: number } | undefined;
    for (const limit of limits) {
      const waitMs = this.bucket(limit, now).waitMs(limit.cost, now);
      if (waitMs > 0 && (!refused || waitMs > refused.waitMs)) refused = { limit, waitMs };
    }
    if (refused) {
      const { limit, waitMs } = refused;
      return {
        admitted: false,
        scope: limit.scope,
        information: limit.information,
        message: limit.message,
        ...(limit.sendsRetryAfter && { retryAfterMs: waitMs }),
      };
    }

    const concurrencyKey = route.family === 'outlook' ? outlookKey(route, subject) : undefined;
    if (
      concurrencyKey !== undefined &&
      (this.inFlight.get(concurrencyKey) ?? 0) >= OUTLOOK_CONCURRENT_REQUESTS
    ) {
      return {
        admitted: false,
        scope: `Tenant_Application/ReadWrite/${subject.appId}/${route.mailbox ?? ''}`,
        information: 'MailboxConcurrencyLimitExceeded',
        message: 'Application is over its MailboxConcurrency limit.',
        retryAfterMs: OUTLOOK_CONCURRENCY_RETRY_MS,
      };
    }

    for (const limit of limits) this.bucket(limit, now).take(limit.cost, now);
    const headers: Record<string, string> = {};
    if (route.family === 'identity') {
      const identity = limits.find((limit) => limit.key.startsWith('identity/'));
      if (identity) {
        headers['x-ms-resource-unit'] = String(identity.cost);
        const used = this.bucket(identity, now).usedFraction(now);
        if (used > 0.8) headers['x-ms-throttle-limit-percentage'] = String(Math.round(used * 100) / 100);
      }
    }
    if (concurrencyKey === undefined) return { admitted: true, headers, release: () => undefined };
    this.inFlight.set(concurrencyKey, (this.inFlight.get(concurrencyKey) ?? 0) + 1);
    let released = false;
    return {
      admitted: true,
      headers,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(concurrencyKey) ?? 1) - 1;
        if (left > 0) this.inFlight.set(concurrencyKey, left);
        else this.inFlight.delete(concurrencyKey);
      },
    };
  }

  private bucket(limit: Limit, now: number): TokenBucket {
    let bucket = this.buckets.get(limit.key);
    if (!bucket) {
      bucket = new TokenBucket(limit.capacity, limit.windowMs, now);
      this.buckets.set(limit.key, bucket);
    }
    return bucket;
  }
}

function outlookKey(route: GraphRoute, subject: ThrottleSubject): string {
  return `outlook/${subject.appId}/${subject.tenantId}/${route.mailbox ?? ''}`;
}

function limitsFor(route: GraphRoute, subject: ThrottleSubject): Limit[] {
  const { appId, tenantId } = subject;
  const appTenant = `Tenant_Application/ReadWrite/${appId}/${tenantId}`;
  const limits: Limit[] = [
    {
      key: `global/${appId}`,
      capacity: GLOBAL_REQUESTS_PER_10S,
      windowMs: 10_000,
      cost: 1,
      scope: `Application/ReadWrite/${appId}/${tenantId}`,
      information: 'RequestLimitExceeded',
      message: 'Too many requests: the application exceeded 130,000 requests per 10 seconds.',
      sendsRetryAfter: true,
    },
  ];
  switch (route.family) {
    case 'identity':
      limits.push({
        key: `identity/${appId}/${tenantId}`,
        capacity: identityBudget(subject.tenantUsers),
        windowMs: 10_000,
        cost: identityRequestCost(route),
        scope: appTenant,
        information: 'ResourceUnitLimitExceeded',
        message: 'Too many requests: the application exceeded its resource unit limit for this tenant.',
        sendsRetryAfter: true,
      });
      break;
    case 'reports':
      limits.push({
        key: `reports/${appId}/${tenantId}`,
        capacity: REPORTS_REQUESTS_PER_10S,
        windowMs: 10_000,
        cost: 1,
        scope: appTenant,
        information: 'RequestLimitExceeded',
        message:
          'Too many requests: the application exceeded 5 report requests per 10 seconds for this tenant.',
        sendsRetryAfter: true,
      });
      break;
    case 'conditionalAccess':
      limits.push({
        key: `conditionalAccess/${tenantId}`,
        capacity: CONDITIONAL_ACCESS_REQUESTS_PER_S,
        windowMs: 1_000,
        cost: 1,
        scope: `Tenant/ReadWrite/${appId}/${tenantId}`,
        information: 'RequestLimitExceeded',
        message: 'Too many requests: the tenant exceeded 1 conditional access request per second.',
        sendsRetryAfter: false,
      });
      break;
    case 'outlook':
      limits.push({
        key: outlookKey(route, subject),
        capacity: OUTLOOK_REQUESTS_PER_10MIN,
        windowMs: 600_000,
        cost: 1,
        scope: `Tenant_Application/ReadWrite/${appId}/${route.mailbox ?? ''}`,
        information: 'RequestLimitExceeded',
        message: 'Application is over its MailboxRequests limit.',
        sendsRetryAfter: true,
      });
      break;
    case 'batch':
      break;
  }
  return limits;
}

/** Retry-After in seconds with millisecond precision, never 0: "2", "1.25", "0.004". */
export function formatRetryAfter(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)) / 1000);
}
