// A token bucket that refills continuously: `capacity` tokens per `windowMs`, full when created. Time comes from
// the caller (an injectable clock), so tests can freeze or step it and get exact, repeatable answers.

/** Milliseconds since some epoch; Date.now by default, a fake in tests. */
export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Tokens available at `now` (refilled since the last call). */
  available(now: number): number {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.windowMs);
    this.updatedAt = Math.max(this.updatedAt, now);
    return this.tokens;
  }

  /** Milliseconds until `cost` tokens are available; 0 when they are now. */
  waitMs(cost: number, now: number): number {
    const missing = cost - this.available(now);
    return missing <= 0 ? 0 : (missing * this.windowMs) / this.capacity;
  }

  /** Takes `cost` tokens; the caller has checked waitMs() === 0. */
  take(cost: number, now: number): void {
    this.tokens = this.available(now) - cost;
  }

  /** Share of the capacity in use at `now`, 0..1. */
  usedFraction(now: number): number {
    return 1 - this.available(now) / this.capacity;
  }
}
