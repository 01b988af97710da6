import { Limits } from '../../../protocol/constants';

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface RateLimiter {
  /** Take one unit of capacity, or learn how long to wait for it. */
  tryAcquire(): RateDecision;
}

/**
 * Sliding-window limiter: at most `limit` accepted events in any `windowMs`.
 * Rejected events do not consume capacity.
 */
export class SlidingWindowRateLimiter implements RateLimiter {
  private readonly accepted: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  tryAcquire(): RateDecision {
    const t = this.now();
    while (this.accepted.length > 0 && t - (this.accepted[0] as number) >= this.windowMs) this.accepted.shift();
    if (this.accepted.length < this.limit) {
      this.accepted.push(t);
      return { allowed: true };
    }
    const oldest = this.accepted[0] as number;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.windowMs - t) };
  }
}

/** Protocol §8: more than 20 client frames within one second on one connection are rate limited. */
export const clientFrameRateLimiter = (now?: () => number): SlidingWindowRateLimiter =>
  new SlidingWindowRateLimiter(Limits.rateLimitFrames, Limits.rateWindowMs, now);
