import type { AuditCompletion, AuditInput, AuditTrail } from "./store/audit-trail";
import { failedCompletion } from "./audit/outcomes";
import { ProblemError } from "./problem";
import type { ProblemInit } from "./problem";
import type { SlidingWindowLimiter } from "./rate-limit";
import type { ResolvedService, ServiceDirectory } from "./service-directory";
import type { Principal } from "./sessions";

/** The three ways a fail call leaves the console, as a refusal names them. */
const CHANNELS = { single: "A fail", bulk: "A bulk job", matrix: "The reason matrix" } as const;
export type FailChannel = keyof typeof CHANNELS;

/** Who asks: the signed-in person and the request's id, for the audit record. */
export interface Caller {
  principal: Principal;
  requestId: string;
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
}

/**
 * The one place that decides whether a fail call may leave, for a single fail, a bulk job and
 * a reason-matrix run alike: the service must be known, a production service confirmed (and
 * never a matrix run), and the caller within its rate limit. Every refusal is recorded and
 * thrown as a problem; nothing was sent to Authlete.
 */
export function createFailPolicy(deps: {
  services: ServiceDirectory;
  audit: AuditTrail;
  /** Single fails per person per minute. Bulk and matrix have no budget yet (issue 11). */
  singleFailLimiter: SlidingWindowLimiter;
}) {
  const { services, audit, singleFailLimiter } = deps;

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

  return {
    /**
     * The service the call goes to and the audit record to write for it, once every rule is
     * met; otherwise the refusal is recorded and thrown.
     */
    async admit(
      attempt: FailAttempt,
    ): Promise<{ service: ResolvedService; record: Omit<AuditInput, "outcome"> }> {
      const { caller, request } = attempt;
      const { principal } = caller;
      const record: Omit<AuditInput, "outcome"> = {
        kind: "fail",
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId: request.serviceId,
        justification: request.justification,
        requestId: caller.requestId,
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
      if (attempt.channel === "single") {
        const allowance = await singleFailLimiter.take(principal.email ?? principal.name);
        if (!allowance.allowed) {
          throw await refusal(record, "rate-limited", {
            kind: "rate-limited",
            status: 429,
            title: "Too many fail calls",
            detail: `You have reached this console's limit of fail calls per minute. Try again in ${allowance.retryAfterSeconds} s; nothing was sent to Authlete.`,
            retryAfterSeconds: allowance.retryAfterSeconds,
          });
        }
      }
      return { service, record };
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
