import type { AuditCompletion, AuditInput, AuditTrail } from "./audit-trail";
import { failedCompletion } from "./outcomes";
import { ProblemError } from "../http/problem";
import type { ProblemInit } from "../http/problem";
import type { Allowance, SlidingWindowLimiter } from "./rate-limit";
import type { BulkBudgetInfo } from "../../shared/bulk-job";
import { FAIL_REASONS } from "../../shared/reasons";
import { limitKeyOf } from "../identity/limit-key";
import { recordedPerson } from "../http/request-context";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
import type { Principal } from "../identity/sessions";

/** The three ways a fail call leaves the console, as a refusal names them. */
const CHANNELS = { single: "A fail", bulk: "A bulk job", matrix: "The reason matrix" } as const;
export type FailChannel = keyof typeof CHANNELS;

/** Who asks: the signed-in person and the request's id, for the audit record. */
export interface Caller {
  principal: Principal;
  requestId: string;
  callerRequestId: string | null;
  /** As TRUST_PROXY says: the socket's address, or the nearest untrusted forwarded one. */
  clientAddress: string;
}

export interface FailAttempt {
  channel: FailChannel;
  caller: Caller;
  /** The request's own fields: its service, and the production confirmation it carries. */
  request: { serviceId: string; confirmation?: string; justification?: string };
  /**
   * What a production service wants typed back: a ticket's tail, or a job's count. Without
   * it (the matrix) the channel never runs on production.
   */
  expect?: { value: string; what: string };
  /** What else the audit record should say (ticket, reason, …). */
  details?: Partial<Omit<AuditInput, "outcome" | "kind">>;
  /** A bulk job's size: what it takes from the hourly ticket budget. */
  tickets?: number;
}

/**
 * The one place that decides whether a fail call may leave, for a single fail, a bulk job and
 * a reason-matrix run alike: the service must be known, a production service confirmed (and
 * never a matrix run), and the person within their budgets. Every refusal is recorded and
 * thrown as a problem; nothing was sent to Authlete.
 *
 * Budgets are per person (limits.ts: the proven identity, or the client address with the
 * shared code), in the database, so across replicas:
 * - fail calls per minute: a single fail counts 1, a reason-matrix run 9 (one per reason);
 * - while that limit is reached, no bulk job or matrix run starts either;
 * - bulk tickets per hour: a job larger than what is left is refused whole, before it starts;
 * - unfinished bulk jobs at once.
 */
export function createFailPolicy(deps: {
  services: ServiceDirectory;
  audit: AuditTrail;
  failsPerMinute: SlidingWindowLimiter;
  bulkTicketsPerHour: SlidingWindowLimiter;
  maxOpenJobs: number;
  /** Unfinished bulk jobs (running or paused) of one limit key. */
  openJobsOf: (limitKey: string) => Promise<number>;
}) {
  const { services, audit, failsPerMinute, bulkTicketsPerHour, maxOpenJobs } = deps;

  /** Records a refusal; the record's own detail (e.g. the job's size) comes first. */
  async function recordRefusal(record: Omit<AuditInput, "outcome">, refusal: AuditCompletion) {
    const detail = [record.detail, refusal.detail].filter(Boolean).join(": ");
    await audit.record({ ...record, ...refusal, detail });
  }

  /** Records the refusal and returns the problem to throw. */
  async function refusal(
    record: Omit<AuditInput, "outcome">,
    outcome: AuditInput["outcome"],
    problem: ProblemInit,
  ): Promise<ProblemError> {
    await recordRefusal(record, { outcome, detail: problem.title });
    return new ProblemError(problem);
  }

  /** The per-minute limit's 429, for the channel that met it. */
  function overMinuteLimit(channel: FailChannel, allowance: Allowance, asked: number): ProblemInit {
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

  /** The bulk budgets, in order: the minute limit, unfinished jobs, then the hour's tickets. */
  async function bulkRefusal(key: string, tickets: number): Promise<ProblemInit | undefined> {
    const minute = await failsPerMinute.peek(key);
    if (!minute.allowed) return overMinuteLimit("bulk", minute, 1);
    const open = await deps.openJobsOf(key);
    if (open >= maxOpenJobs) {
      return {
        kind: "budget-exceeded",
        status: 429,
        title: "Too many unfinished bulk jobs",
        detail: `You have ${open} unfinished bulk jobs (at most ${maxOpenJobs}, BULK_MAX_OPEN_JOBS). Let one finish, or cancel one; nothing was sent to Authlete.`,
      };
    }
    const hour = await bulkTicketsPerHour.take(key, tickets);
    if (!hour.allowed) {
      return {
        kind: "budget-exceeded",
        status: 429,
        title: "This job is larger than your hourly ticket budget",
        detail: `It has ${tickets} tickets; you may send ${hour.remaining} more this hour (BULK_TICKETS_PER_HOUR is ${bulkTicketsPerHour.limit}). Split the list${hour.retryAfterSeconds === undefined ? "" : `, or try again in ${Math.ceil(hour.retryAfterSeconds / 60)} min`}; nothing was sent to Authlete.`,
        retryAfterSeconds: hour.retryAfterSeconds,
      };
    }
    return undefined;
  }

  return {
    /** What this person may still start in bulk (the bulk page shows it). */
    async bulkBudget(principal: Principal, clientAddress: string): Promise<BulkBudgetInfo> {
      const key = limitKeyOf(principal, clientAddress);
      const [hour, openJobs] = await Promise.all([
        bulkTicketsPerHour.peek(key),
        deps.openJobsOf(key),
      ]);
      return {
        ticketsPerHour: bulkTicketsPerHour.limit,
        ticketsLeftThisHour: hour.remaining,
        maxOpenJobs,
        openJobs,
      };
    },

    /**
     * The service the call goes to, the audit record to write for it, and whose budget it
     * counts against, once every rule is met; otherwise the refusal is recorded and thrown.
     */
    async admit(attempt: FailAttempt): Promise<{
      service: ResolvedService;
      record: Omit<AuditInput, "outcome">;
      limitKey: string;
    }> {
      const { caller, request } = attempt;
      const { principal } = caller;
      const record: Omit<AuditInput, "outcome"> = {
        ...recordedPerson(principal),
        kind: attempt.channel === "bulk" ? "bulk-job" : "fail",
        serviceId: request.serviceId,
        justification: request.justification,
        requestId: caller.requestId,
        callerRequestId: caller.callerRequestId,
        clientAddress: caller.clientAddress,
        ...attempt.details,
      };
      let service: ResolvedService;
      try {
        service = services.resolve(request.serviceId);
      } catch (error) {
        await recordRefusal(record, failedCompletion(error, 0));
        throw error;
      }
      record.target = service.gateway.target.baseUrl;
      const name = service.name ?? request.serviceId;
      if (service.environment === "production") {
        if (!attempt.expect) {
          throw await refusal(record, "forbidden", {
            kind: "forbidden",
            status: 403,
            title: `${CHANNELS[attempt.channel]} never runs on a production service`,
            detail: `${name} is production. Choose a test or staging service.`,
          });
        }
        const unconfirmed = missingConfirmation(name, request, attempt.expect);
        if (unconfirmed) throw await refusal(record, "invalid", unconfirmed);
      }
      const limitKey = limitKeyOf(principal, caller.clientAddress);
      if (attempt.channel === "bulk") {
        const refused = await bulkRefusal(limitKey, attempt.tickets ?? 0);
        if (refused) throw await refusal(record, "rate-limited", refused);
      } else {
        const calls = attempt.channel === "matrix" ? FAIL_REASONS.length : 1;
        const allowance = await failsPerMinute.take(limitKey, calls);
        if (!allowance.allowed) {
          throw await refusal(
            record,
            "rate-limited",
            overMinuteLimit(attempt.channel, allowance, calls),
          );
        }
      }
      return { service, record, limitKey };
    },
  };
}

export type FailPolicy = ReturnType<typeof createFailPolicy>;

/**
 * A production service's second question, asked by the page's dialog and checked here so that
 * no client can skip it: the operator typed back what is about to be failed and said why.
 */
function missingConfirmation(
  name: string,
  given: FailAttempt["request"],
  expected: NonNullable<FailAttempt["expect"]>,
): ProblemInit | undefined {
  const errors = [];
  if (given.confirmation !== expected.value) {
    errors.push({ path: "confirmation", message: `Type ${expected.what} to confirm.` });
  }
  if (!given.justification) {
    errors.push({ path: "justification", message: "Say why: production fails need a reason." });
  }
  if (errors.length === 0) return undefined;
  return {
    kind: "confirmation-required",
    status: 400,
    title: `${name} is a production service: confirm first`,
    detail: `Type ${expected.what} and a justification; nothing was sent to Authlete.`,
    errors,
  };
}
