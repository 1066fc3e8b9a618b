import { expectedConfirmation } from "../../shared/ask-first";
import type { AskFirstAnswers, ExpectedConfirmation } from "../../shared/ask-first";
import type { BulkBudgetInfo } from "../../shared/bulk-job";
import type { LabBudget } from "../../shared/lab";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
import { ProblemError } from "../http/problem";
import type { ProblemInit } from "../http/problem";
import { limitKeyOf } from "../identity/limit-key";
import type { Principal } from "../identity/sessions";
import type { AuditCompletion, AuditInput } from "./audit-input";
import type { AuditTrail } from "./audit-trail";
import { createBudgets, tooManyOpenJobs } from "./budgets";
import type { BudgetLimits } from "./budgets";
import { draftRecord } from "./caller";
import type { Caller, RecordDetails, RecordDraft } from "./caller";
import { failedCompletion } from "./outcomes";

/** The three ways an action leaves the console, as a refusal names them. */
const CHANNELS = { single: "A fail", bulk: "A bulk job", lab: "A QA lab run" } as const;
export type ActionChannel = keyof typeof CHANNELS;

export interface ActionAttempt {
  channel: ActionChannel;
  caller: Caller;
  /** The request's service, and its answers to the questions asked first. */
  request: { serviceId: string } & AskFirstAnswers;
  /**
   * What the action is on: a ticket, or a job's tickets. Without it (a QA lab run, on fresh
   * tickets) nothing is asked first, and the channel never runs on production.
   */
  subject?: { ticket: string } | { tickets: string[] };
  /** What else the audit record should say (reason, the job's size, …). */
  details?: RecordDetails;
  /** The action's record kind (its refusals are recorded as it); default "fail". */
  auditKind?: AuditInput["kind"];
}

/** What an admitted action goes on with. */
export interface Admission {
  service: ResolvedService;
  /** Every record of the action starts from this: the caller, the service, the justification. */
  draft: RecordDraft & RecordDetails;
  /** Whose budgets it counts against (identity/limit-key.ts). */
  limitKey: string;
}

/**
 * The one place that decides whether an action may leave, for a single fail, a bulk job and a
 * QA lab run alike. In order: the service must be known; a ticket this console already
 * acted on is asked about (409 already-acted, unless the request says `again`); a production
 * service wants its confirmation (confirmation-required) and never runs the lab; then the
 * person's budgets (actions/budgets.ts). Every refusal and question is recorded and thrown as a
 * problem; nothing was sent to Authlete.
 */
export function createActionPolicy(deps: {
  services: ServiceDirectory;
  audit: AuditTrail;
  limits: BudgetLimits;
  /** Unfinished bulk jobs (running or paused) of one limit key. */
  openJobsOf: (limitKey: string) => Promise<number>;
}) {
  const { services, audit } = deps;
  const budgets = createBudgets(deps.limits, deps.openJobsOf);

  /** Records a refusal; the record's own detail (e.g. the job's size) comes first. */
  async function refused(record: Omit<AuditInput, "outcome">, refusal: AuditCompletion) {
    const detail = [record.detail, refusal.detail].filter(Boolean).join(": ");
    await audit.record({ ...record, ...refusal, detail });
  }

  /** Records the refusal and returns the problem to throw. */
  async function refusal(
    record: Omit<AuditInput, "outcome">,
    outcome: AuditInput["outcome"],
    problem: ProblemInit,
  ): Promise<ProblemError> {
    await refused(record, { outcome, detail: problem.title });
    return new ProblemError(problem);
  }

  /** The questions asked first, as one problem (both at once when both apply). */
  async function question(attempt: ActionAttempt, service: ResolvedService) {
    const { request, subject } = attempt;
    if (!subject) return undefined;
    const name = service.name ?? request.serviceId;
    const confirm =
      service.environment === "production"
        ? expectedConfirmation(
            "ticket" in subject ? subject : { ticketCount: subject.tickets.length },
          )
        : undefined;
    const unconfirmed = confirm && missingConfirmation(name, request, confirm);
    if (!request.again) {
      const asked = await alreadyActed(attempt, subject);
      if (asked) return { ...asked, confirm: unconfirmed ? confirm : undefined };
    }
    return unconfirmed;
  }

  async function alreadyActed(
    attempt: ActionAttempt,
    subject: NonNullable<ActionAttempt["subject"]>,
  ): Promise<ProblemInit | undefined> {
    const { serviceId } = attempt.request;
    const again = "Send again with again: true to act all the same; nothing was sent to Authlete.";
    if ("ticket" in subject) {
      const previousActions = await audit.previousActions(serviceId, subject.ticket);
      if (previousActions.length === 0) return undefined;
      return {
        kind: "already-acted",
        status: 409,
        title: "This console already acted on this ticket",
        detail: `${previousActions.length === 1 ? "Once" : `${previousActions.length} times`} before. ${again}`,
        previousActions,
      };
    }
    const count = await audit.countActedOn(serviceId, subject.tickets);
    if (count === 0) return undefined;
    return {
      kind: "already-acted",
      status: 409,
      title: `This console already acted on ${count} of these tickets`,
      detail: again,
      alreadyActedCount: count,
    };
  }

  return {
    /** What this person may still start in bulk (the bulk page shows it). */
    bulkBudget(principal: Principal, clientAddress: string): Promise<BulkBudgetInfo> {
      return budgets.bulkBudget(limitKeyOf(principal, clientAddress));
    },

    /** What this person may still run in the QA lab this hour (the lab page shows it). */
    labBudget(principal: Principal, clientAddress: string): Promise<LabBudget> {
      return budgets.labBudget(limitKeyOf(principal, clientAddress));
    },

    /**
     * The service the action goes to, the draft of its records, and whose budget it counts
     * against, once every rule is met; otherwise the refusal is recorded and thrown.
     */
    /**
     * A test ticket is an Authlete call with the test client's secret: it takes one call from
     * the caller's per-minute limit, like a fail (issue 19, item 9); over it, recorded and thrown.
     */
    async chargeTestTicket(caller: Caller, serviceId: string): Promise<void> {
      const limitKey = limitKeyOf(caller.principal, caller.clientAddress ?? "");
      const overBudget = await budgets.takeCalls(limitKey, 1);
      if (overBudget) {
        const record = { ...draftRecord(caller), kind: "test-ticket" as const, serviceId };
        throw await refusal(record, "rate-limited", overBudget);
      }
    },

    /**
     * Retry failed is admitted like a new job of its failed tickets (issue 19, item 2): the
     * minute limit, the open jobs (the job counts as open again) and the hour's tickets, of
     * the person who asks. Returns the refusal to record, if any.
     */
    /** BULK_MAX_OPEN_JOBS, which the job store checks again as it stores a job. */
    maxOpenJobs: deps.limits.maxOpenJobs,

    /** A job that passed admit but lost the race for the last open slot as it was stored. */
    async refuseOpenJobs(draft: Admission["draft"], open: number): Promise<ProblemError> {
      return refusal(
        { ...draft, kind: "bulk-job" },
        "rate-limited",
        tooManyOpenJobs(open, deps.limits.maxOpenJobs),
      );
    },

    async admitRetry(caller: Caller, failedTickets: number): Promise<ProblemInit | undefined> {
      return budgets.admitJob(
        limitKeyOf(caller.principal, caller.clientAddress ?? ""),
        failedTickets,
      );
    },

    async admit(attempt: ActionAttempt): Promise<Admission> {
      const { caller, request, channel } = attempt;
      const draft: Admission["draft"] = {
        ...draftRecord(caller),
        serviceId: request.serviceId,
        justification: request.justification,
        ...attempt.details,
      };
      const kind: AuditInput["kind"] =
        channel === "bulk" ? "bulk-job" : (attempt.auditKind ?? "fail");
      let service: ResolvedService;
      try {
        service = services.resolve(request.serviceId);
      } catch (error) {
        await refused({ ...draft, kind }, failedCompletion(error, 0));
        throw error;
      }
      draft.target = service.gateway.target.baseUrl;
      const record = { ...draft, kind };
      if (service.environment === "production" && !attempt.subject) {
        throw await refusal(record, "forbidden", {
          kind: "forbidden",
          status: 403,
          title: `${CHANNELS[channel]} never runs on a production service`,
          detail: `${service.name ?? request.serviceId} is production. Choose a test or staging service.`,
        });
      }
      const asked = await question(attempt, service);
      if (asked) throw await refusal(record, "invalid", asked);
      const limitKey = limitKeyOf(caller.principal, caller.clientAddress ?? "");
      const overBudget =
        channel === "bulk"
          ? await budgets.admitJob(limitKey, attempt.subject ? ticketCount(attempt.subject) : 0)
          : channel === "lab"
            ? await budgets.takeLabRun(limitKey)
            : await budgets.takeCalls(limitKey, 1);
      if (overBudget) throw await refusal(record, "rate-limited", overBudget);
      return { service, draft, limitKey };
    },
  };
}

export type ActionPolicy = ReturnType<typeof createActionPolicy>;

function ticketCount(subject: NonNullable<ActionAttempt["subject"]>): number {
  return "ticket" in subject ? 1 : subject.tickets.length;
}

/**
 * A production service's question, checked here so that no client can skip it: the operator
 * typed back what is about to be acted on and said why.
 */
function missingConfirmation(
  name: string,
  given: AskFirstAnswers,
  expected: ExpectedConfirmation,
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
    confirm: expected,
  };
}
