/**
 * A sliding-window limit per key (an operator): at most `limit` actions in any `windowMs`.
 * Exact, and small: it keeps the times of the last `limit` actions of each key.
 */
export class SlidingWindowLimiter {
  readonly #recent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the action, or says in how many seconds it would be allowed. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const at = this.now();
    const times = (this.#recent.get(key) ?? []).filter((time) => at - time < this.windowMs);
    if (times.length >= this.limit) {
      this.#recent.set(key, times);
      const retryAfterMs = times[0]! + this.windowMs - at;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    times.push(at);
    this.#recent.set(key, times);
    return { allowed: true };
  }
}
