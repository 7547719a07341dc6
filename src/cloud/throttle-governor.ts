// The throttle governor of one tenant and one service (Graph or Exchange), shared by every request the process
// sends there (see throttle-registry.ts). Requests belong to budget families (Graph: identity, reports,
// conditional access, outlook). The governor
//   - makes every request of a family wait out a 429's Retry-After, not only the request that got it;
//   - paces a family to its documented budget (a token bucket) once the service has shown that it enforces it
//     (a 429, or x-ms-throttle-limit-percentage above 0.8): until then requests go at full speed, so a service
//     that does not throttle (sim/ with throttling off) is not slowed down by budgets it does not apply, and real
//     Graph costs one 429 per family and tenant per process before the pacing takes over;
//   - keeps to the per-mailbox concurrency limit of Outlook (a slot per request in flight, always).
// What the service says beats the governor's estimate: Retry-After and the limit percentage set the bucket, and
// x-ms-resource-unit corrects the estimated cost of an identity request.
import { setTimeout as delay } from 'node:timers/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { retryAfterMs } from './retry-delay';
import { TokenBucket } from './token-bucket';

/** A request as the governor sees it: the budget family it draws from and what it costs there. */
export interface ThrottledCall {
  family: string;
  /** In the family's unit (identity: resource units; others: requests); 0 = no budget. */
  cost: number;
  /** Outlook requests: the mailbox (its concurrency limit and its own Retry-After). */
  mailbox?: string;
}

/** A family's budget: `capacity` per `windowMs`. */
export interface FamilyBudget {
  capacity: number;
  windowMs: number;
}

/** What the governor reads from an answer (a direct response or a $batch item). */
export interface ThrottleObservation {
  status: number;
  /** Header names in lower case. */
  headers: IncomingHttpHeaders;
}

export interface ThrottleGovernorOptions {
  /** Token buckets by family; a family without one only waits out Retry-After. */
  budgets: Readonly<Record<string, FamilyBudget>>;
  /** Requests in flight per mailbox; default unlimited. */
  concurrentPerMailbox?: number;
  /** Milliseconds since some epoch; default Date.now. */
  clock?: () => number;
  /** How waits are spent; default an abortable timer. Tests advance a fake clock instead. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Family {
  bucket?: TokenBucket;
  /** Whether the service has shown that it enforces this budget (see above). */
  pacing: boolean;
}

/** Releases what acquire() took (concurrency slots); calling it again does nothing. */
export type ThrottleRelease = () => void;

export class ThrottleGovernor {
  private readonly families = new Map<string, Family>();
  /** Retry-After deadlines by family (or family and mailbox for Outlook, whose 429 concerns one mailbox). */
  private readonly pausedUntil = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly slotWaiters = new Set<() => void>();
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: ThrottleGovernorOptions) {
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /**
   * Waits until every call may go (no Retry-After pending for its family, budget left once pacing, a free
   * mailbox slot), then takes their costs and slots together. A $batch passes its items.
   */
  async acquire(calls: readonly ThrottledCall[], signal?: AbortSignal): Promise<ThrottleRelease> {
    const costs = new Map<string, number>();
    const mailboxes = new Map<string, number>();
    for (const call of calls) {
      costs.set(call.family, (costs.get(call.family) ?? 0) + call.cost);
      if (call.mailbox !== undefined) mailboxes.set(call.mailbox, (mailboxes.get(call.mailbox) ?? 0) + 1);
    }
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock();
      const waitMs = this.waitMs(calls, costs, now);
      if (waitMs > 0) {
        await this.sleep(waitMs, signal);
        continue;
      }
      if (!this.slotsFree(mailboxes)) {
        await this.slotFreed(signal);
        continue;
      }
      for (const [name, cost] of costs) {
        const family = this.family(name, now);
        if (family.pacing) family.bucket?.take(cost, now);
      }
      for (const [mailbox, count] of mailboxes)
        this.inFlight.set(mailbox, (this.inFlight.get(mailbox) ?? 0) + count);
      return this.releaser(mailboxes);
    }
  }

  /** Learns from an answer to `calls` (a $batch envelope's calls are its items; their own answers come apart). */
  observe(calls: readonly ThrottledCall[], answer: ThrottleObservation): void {
    const now = this.clock();
    const retryAfter = answer.status === 429 ? retryAfterMs(answer.headers['retry-after'], now) : undefined;
    const units = numberHeader(answer.headers, 'x-ms-resource-unit');
    const usedFraction = numberHeader(answer.headers, 'x-ms-throttle-limit-percentage');
    for (const call of calls) {
      const family = this.family(call.family, now);
      if (answer.status === 429) {
        if (retryAfter !== undefined) {
          const key = pauseKey(call);
          this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, now + retryAfter));
        }
        this.throttled(family, call.cost, retryAfter, now);
        continue;
      }
      if (!family.bucket) continue;
      // The service's price replaces our estimate.
      if (units !== undefined && family.pacing) family.bucket.take(units - call.cost, now);
      if (usedFraction !== undefined) {
        // Early warning: over 80 % of the budget is used. Pace from the service's figure (or ours if lower).
        const left = family.bucket.capacity * (1 - usedFraction);
        family.bucket.set(family.pacing ? Math.min(left, family.bucket.available(now)) : left, now);
        family.pacing = true;
      }
    }
  }

  /** Whether the family paces to its budget (for tests and diagnostics). */
  isPacing(family: string): boolean {
    return this.families.get(family)?.pacing ?? false;
  }

  /** The service refused a call of `family`: pace from now on, in step with the service's bucket. */
  private throttled(family: Family, cost: number, retryAfterMs: number | undefined, now: number): void {
    const { bucket } = family;
    if (!bucket) return;
    family.pacing = true;
    // The refused call took nothing from the service's bucket. With a Retry-After, the service will have room for
    // it exactly then; without one, all we know is that it has no room now.
    const needed = Math.min(cost, bucket.capacity);
    bucket.set(retryAfterMs === undefined ? 0 : needed - retryAfterMs * bucket.ratePerMs, now);
  }

  private waitMs(calls: readonly ThrottledCall[], costs: ReadonlyMap<string, number>, now: number): number {
    let waitMs = 0;
    for (const call of calls) {
      const key = pauseKey(call);
      const until = this.pausedUntil.get(key);
      if (until === undefined) continue;
      if (until <= now) this.pausedUntil.delete(key);
      else waitMs = Math.max(waitMs, until - now);
    }
    for (const [name, cost] of costs) {
      const family = this.family(name, now);
      if (family.pacing && family.bucket) waitMs = Math.max(waitMs, family.bucket.waitMs(cost, now));
    }
    return waitMs;
  }

  private family(name: string, now: number): Family {
    let family = this.families.get(name);
    if (!family) {
      const budget = this.options.budgets[name];
      family = {
        pacing: false,
        ...(budget ? { bucket: new TokenBucket(budget.capacity, budget.windowMs, now) } : {}),
      };
      this.families.set(name, family);
    }
    return family;
  }

  /** A mailbox with nothing in flight always admits (else a batch of more items than the limit never would). */
  private slotsFree(mailboxes: ReadonlyMap<string, number>): boolean {
    const limit = this.options.concurrentPerMailbox ?? Infinity;
    for (const [mailbox, count] of mailboxes) {
      const busy = this.inFlight.get(mailbox) ?? 0;
      if (busy > 0 && busy + count > limit) return false;
    }
    return true;
  }

  private slotFreed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.slotWaiters.delete(wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.slotWaiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(mailboxes: ReadonlyMap<string, number>): ThrottleRelease {
    if (mailboxes.size === 0) return () => undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [mailbox, count] of mailboxes) {
        const left = (this.inFlight.get(mailbox) ?? count) - count;
        if (left > 0) this.inFlight.set(mailbox, left);
        else this.inFlight.delete(mailbox);
      }
      // Every waiter checks again; those whose mailboxes are still full wait anew.
      if (this.slotWaiters.size === 0) return;
      const waiters = [...this.slotWaiters];
      this.slotWaiters.clear();
      for (const wake of waiters) wake();
    };
  }
}

/** A timer that ends early with the signal's reason (worker shutdown), like every other wait of a scan. */
async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    throw signal?.aborted ? signal.reason : err;
  }
}

function pauseKey(call: ThrottledCall): string {
  return call.mailbox === undefined ? call.family : `${call.family}/${call.mailbox}`;
}

function numberHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const raw = headers[name];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
