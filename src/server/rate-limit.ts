/** The answer of a limit: go on, or wait that many seconds. */
export type Allowance = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window limit per key (an operator), a port: at most `limit` actions in any window.
 * Counted in the console's database (store/counters.ts), so two replicas share one budget.
 */
export interface SlidingWindowLimiter {
  /** Counts the action, or says in how many seconds it would be allowed. */
  take(key: string): Promise<Allowance>;
}
