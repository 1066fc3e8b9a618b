import type { BulkBudgetInfo } from "../../shared/bulk-job";
import type { ProblemInit } from "../http/problem";
import type { Allowance, SlidingWindowLimiter } from "./rate-limit";

export interface BudgetLimits {
  /** FAIL_RATE_LIMIT_PER_MINUTE: each action call is one unit. */
  actionsPerMinute: SlidingWindowLimiter;
  /** BULK_TICKETS_PER_HOUR: a job's tickets, taken when the job is admitted. */
  bulkTicketsPerHour: SlidingWindowLimiter;
  /** BULK_MAX_OPEN_JOBS. */
  maxOpenJobs: number;
}

/**
 * The one budget model, per person (identity/limit-key.ts: the proven identity, or the client
 * address with the shared code), counted in the database, so across replicas:
 * - action calls per minute: a single fail counts 1, a reason-matrix run 9 (one per reason);
 * - while that limit is reached, no bulk job starts either;
 * - bulk tickets per hour: a job larger than what is left is refused whole, before it starts;
 * - unfinished bulk jobs at once.
 * Each refusal is a problem to answer (429); nothing was sent to Authlete.
 */
export function createBudgets(
  limits: BudgetLimits,
  openJobsOf: (limitKey: string) => Promise<number>,
) {
  const { actionsPerMinute, bulkTicketsPerHour, maxOpenJobs } = limits;

  function overMinuteLimit(
    channel: "single" | "bulk" | "matrix",
    allowance: Allowance,
    asked: number,
  ): ProblemInit {
    const wait = ("retryAfterSeconds" in allowance ? allowance.retryAfterSeconds : undefined) ?? 60;
    const what =
      channel === "single"
        ? "You have reached this console's limit of fail calls per minute."
        : channel === "matrix"
          ? `A reason-matrix run makes ${asked} fail calls; ${allowance.remaining} are left of your per-minute limit.`
          : "You are at this console's limit of fail calls per minute, so no bulk job starts now.";
    return {
      kind: "rate-limited",
      status: 429,
      title: "Too many fail calls",
      detail: `${what} Try again in ${wait} s; nothing was sent to Authlete.`,
      retryAfterSeconds: wait,
    };
  }

  return {
    /** Takes `calls` units of the minute limit, or says why not. */
    async takeCalls(
      key: string,
      calls: number,
      channel: "single" | "matrix",
    ): Promise<ProblemInit | undefined> {
      const allowance = await actionsPerMinute.take(key, calls);
      return allowance.allowed ? undefined : overMinuteLimit(channel, allowance, calls);
    },

    /** A job of `tickets`: the minute limit, unfinished jobs, then the hour's tickets (taken). */
    async admitJob(key: string, tickets: number): Promise<ProblemInit | undefined> {
      const minute = await actionsPerMinute.peek(key);
      if (!minute.allowed) return overMinuteLimit("bulk", minute, 1);
      const open = await openJobsOf(key);
      if (open >= maxOpenJobs) {
        return {
          kind: "budget-exceeded",
          status: 429,
          title: "Too many unfinished bulk jobs",
          detail: `You have ${open} unfinished bulk jobs (at most ${maxOpenJobs}, BULK_MAX_OPEN_JOBS). Let one finish, or cancel one; nothing was sent to Authlete.`,
        };
      }
      const hour = await bulkTicketsPerHour.take(key, tickets);
      if (hour.allowed) return undefined;
      return {
        kind: "budget-exceeded",
        status: 429,
        title: "This job is larger than your hourly ticket budget",
        detail: `It has ${tickets} tickets; you may send ${hour.remaining} more this hour (BULK_TICKETS_PER_HOUR is ${bulkTicketsPerHour.limit}). Split the list${hour.retryAfterSeconds === undefined ? "" : `, or try again in ${Math.ceil(hour.retryAfterSeconds / 60)} min`}; nothing was sent to Authlete.`,
        retryAfterSeconds: hour.retryAfterSeconds,
      };
    },

    /** What this person may still start in bulk. */
    async bulkBudget(key: string): Promise<BulkBudgetInfo> {
      const [hour, openJobs] = await Promise.all([bulkTicketsPerHour.peek(key), openJobsOf(key)]);
      return {
        ticketsPerHour: bulkTicketsPerHour.limit,
        ticketsLeftThisHour: hour.remaining,
        maxOpenJobs,
        openJobs,
      };
    },
  };
}
