/**
 * The answer of a limit: go on, or wait that many seconds. `remaining` is what is left in the
 * window after this answer. A refusal has no `retryAfterSeconds` when the amount asked is more
 * than the whole limit: waiting would not help.
 */
export type Allowance =
  | { allowed: true; remaining: number }
  | { allowed: false; remaining: number; retryAfterSeconds?: number };

/**
 * A sliding-window limit per key (a person), a port: at most `limit` actions in any window.
 * Counted in the console's database (store/counters.ts), so two replicas share one budget.
 */
export interface SlidingWindowLimiter {
  readonly limit: number;
  /** Counts `amount` actions (1 by default) if all fit, or says in how many seconds they would. */
  take(key: string, amount?: number): Promise<Allowance>;
  /** What `take(key, 1)` would answer, counting nothing. */
  peek(key: string): Promise<Allowance>;
}
