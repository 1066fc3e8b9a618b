import type { BulkBudgetInfo } from "../../shared/bulk-job";
import type { LabBudget } from "../../shared/lab";
import type { ProblemInit } from "../http/problem";
import type { Allowance, SlidingWindowLimiter } from "./rate-limit";

export interface BudgetLimits {
  /** FAIL_RATE_LIMIT_PER_MINUTE: each action call is one unit. */
  actionsPerMinute: SlidingWindowLimiter;
  /** BULK_TICKETS_PER_HOUR: a job's tickets, taken when the job is admitted. */
  bulkTicketsPerHour: SlidingWindowLimiter;
  /** BULK_MAX_OPEN_JOBS. */
  maxOpenJobs: number;
  /** LAB_RUNS_PER_HOUR: a QA lab run (whole, or one cell again) is one unit. */
  labRunsPerHour: SlidingWindowLimiter;
}

/**
 * The one budget model, per person (identity/limit-key.ts: the proven identity, or the client
 * address with the shared code), counted in the database, so across replicas:
 * - action calls per minute: a single fail or end counts 1;
 * - while that limit is reached, no bulk job starts either;
 * - bulk tickets per hour: a job larger than what is left is refused whole, before it starts;
 * - unfinished bulk jobs at once;
 * - QA lab runs per hour, a budget of their own: a run makes about 100 Authlete calls on fresh
 *   test tickets, so the fail limit would be either too small for it or too large for fails.
 * Each refusal is a problem to answer (429); nothing was sent to Authlete.
 */
/** BULK_MAX_OPEN_JOBS reached: checked first here, and again atomically as the job is stored. */
export function tooManyOpenJobs(open: number, maxOpenJobs: number): ProblemInit {
  return {
    kind: "budget-exceeded",
    status: 429,
    title: "Too many unfinished bulk jobs",
    detail: `You have ${open} unfinished bulk jobs (at most ${maxOpenJobs}, BULK_MAX_OPEN_JOBS). Let one finish, or cancel one; nothing was sent to Authlete.`,
    // Jobs take seconds to minutes; the page's budget line shows when one finishes.
    retryAfterSeconds: 30,
  };
}

export function createBudgets(
  limits: BudgetLimits,
  openJobsOf: (limitKey: string) => Promise<number>,
) {
  const { actionsPerMinute, bulkTicketsPerHour, maxOpenJobs, labRunsPerHour } = limits;

  function overMinuteLimit(channel: "single" | "bulk", allowance: Allowance): ProblemInit {
    const wait = ("retryAfterSeconds" in allowance ? allowance.retryAfterSeconds : undefined) ?? 60;
    const what =
      channel === "single"
        ? "You have reached this console's limit of fail calls per minute."
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
    async takeCalls(key: string, calls: number): Promise<ProblemInit | undefined> {
      const allowance = await actionsPerMinute.take(key, calls);
      return allowance.allowed ? undefined : overMinuteLimit("single", allowance);
    },

    /** One QA lab run, or why not (the lab has its own hourly budget, not the fail limit). */
    async takeLabRun(key: string): Promise<ProblemInit | undefined> {
      const allowance = await labRunsPerHour.take(key, 1);
      if (allowance.allowed) return undefined;
      const wait = allowance.retryAfterSeconds ?? 3600;
      return {
        kind: "rate-limited",
        status: 429,
        title: "No QA lab runs left this hour",
        detail: `You may start ${labRunsPerHour.limit} lab runs an hour (LAB_RUNS_PER_HOUR). The next one is possible in ${wait} s; nothing was sent to Authlete.`,
        retryAfterSeconds: wait,
      };
    },

    async labBudget(key: string): Promise<LabBudget> {
      const allowance = await labRunsPerHour.peek(key);
      return {
        limit: labRunsPerHour.limit,
        remaining: allowance.allowed ? allowance.remaining : 0,
        retryAfterSeconds: allowance.allowed ? null : (allowance.retryAfterSeconds ?? null),
      };
    },

    /** A job of `tickets`: the minute limit, unfinished jobs, then the hour's tickets (taken). */
    async admitJob(key: string, tickets: number): Promise<ProblemInit | undefined> {
      const minute = await actionsPerMinute.peek(key);
      if (!minute.allowed) return overMinuteLimit("bulk", minute);
      const open = await openJobsOf(key);
      if (open >= maxOpenJobs) return tooManyOpenJobs(open, maxOpenJobs);
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
