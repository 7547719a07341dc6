// A token bucket that refills continuously: `capacity` tokens per `windowMs`, full when created. Time comes from
// the caller, so the throttle governor's tests drive it with a fake clock. The content may go below zero: a
// request that costs more than the whole capacity is let through when the bucket is full and leaves a debt, and
// the service's own word (Retry-After, x-ms-throttle-limit-percentage) may say we are further behind than we knew.
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

  /** Tokens refilled per millisecond. */
  get ratePerMs(): number {
    return this.capacity / this.windowMs;
  }

  /** Tokens available at `now`. */
  available(now: number): number {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.ratePerMs);
      this.updatedAt = now;
    }
    return this.tokens;
  }

  /** Milliseconds until `cost` tokens (at most the capacity, else it would never fit) are available; 0 = now. */
  waitMs(cost: number, now: number): number {
    const missing = Math.min(cost, this.capacity) - this.available(now);
    return missing <= 0 ? 0 : Math.ceil(missing / this.ratePerMs);
  }

  take(cost: number, now: number): void {
    this.tokens = this.available(now) - cost;
  }

  /** What is left at `now`, as the service reported it. */
  set(tokens: number, now: number): void {
    this.available(now);
    this.tokens = Math.min(this.capacity, tokens);
  }
}
