import pRetry, { AbortError } from "p-retry";
import type { LineChoice } from "../../shared/bulk-job";
import { END, FAIL, NO_SUCH_TICKET, performAction } from "../actions/action-call";
import type { ActionKind } from "../actions/action-call";
import type { EndResult } from "../../shared/end-request";
import type { FailReason } from "../../shared/reasons";
import { limitKeyOf } from "../identity/limit-key";
import { settleNotification } from "../notifications/delivery";
import type { DeliveryDeps } from "../notifications/delivery";
import { NotSent, answeredOutcome, isRetryable } from "../actions/outcomes";
import { problemOf } from "../http/problem";
import type { Logger } from "../logger";
import type { AuditTrail } from "../actions/audit-trail";
import type { BulkJobStore } from "./bulk-job-store";
import { jobRecord } from "./job-record";
import { waitOutRateLimit, writeOutcomeLater } from "./live-job";
import type { OutcomeBatch, TicketOutcome } from "./outcome-batch";
import type { LiveJob, RetryPolicy } from "./live-job";

/** Tries per ticket while Authlete answers 429, which says nothing about the ticket. */
const MAX_RATE_LIMITED = 20;

export interface TicketCall {
  job: LiveJob;
  seq: number;
  entry: { ticket: string; reason: LineChoice };
  audit: AuditTrail;
  store: BulkJobStore;
  logger: Logger;
  retry: RetryPolicy;
  delivery: DeliveryDeps;
  outcomes: OutcomeBatch;
}

/** What of an answer the ticket's state needs, whichever the job's action. */
interface Answered {
  resultCode?: string | undefined;
  resultMessage?: string | undefined;
  action?: string | undefined;
}

/**
 * One bulk ticket: the audited action call (a fail or an end, the same as a single one's), sent
 * again by p-retry after a 5xx or a transport error, and after a 429 once the job's wait is
 * over. Its state and tries go to the store as they change; its final answer ends its one audit
 * record.
 */
export async function sendTicket(context: TicketCall): Promise<void> {
  const { job, entry } = context;
  const common = {
    serviceId: job.request.serviceId,
    ticket: entry.ticket,
    errorDescription: job.request.errorDescription,
    errorUri: job.request.errorUri,
  };
  if (job.request.action === "end") {
    const answered = await callWithRetries(context, END, {
      ...common,
      result: entry.reason as EndResult,
    });
    if (answered) await afterEnd(context, answered.auditId, answered.answer);
    return;
  }
  await callWithRetries(context, FAIL, { ...common, reason: entry.reason as FailReason });
}

async function callWithRetries<
  Request extends { serviceId: string; ticket: string },
  Answer extends Answered,
>(
  context: TicketCall,
  kind: ActionKind<Request, Answer>,
  request: Request,
): Promise<{ answer: Answer; auditId: number } | undefined> {
  const { job, seq, store, retry } = context;
  let attempts = 0;
  /** Whether any try went out (attempts does not count 429s, which were sent). */
  let sent = false;
  let rateLimited = 0;
  let lastError: unknown;
  // A cancel ends the wait between two tries, never a call Authlete is answering.
  let calling = false;
  const betweenTries = new AbortController();
  const cancelled = job.abort.signal;
  const onCancel = () => {
    if (!calling) betweenTries.abort();
  };
  cancelled.addEventListener("abort", onCancel, { once: true });
  const sendWithRetries = (send: () => Promise<Answer>) =>
    pRetry(
      async (attemptNumber): Promise<Answer> => {
        if (attemptNumber > 1) {
          await waitOutRateLimit(job);
          // Cancelled (or handed off at shutdown) while waiting: this try is never sent.
          if (cancelled.aborted) throw new AbortError(lastError as Error);
        }
        calling = true;
        sent = true;
        attempts++;
        // The first try's state was written before the record; a retry's count is written now.
        if (attempts > 1) await store.updateItem(job.id, seq, { state: "in-flight", attempts });
        return send();
      },
      {
        // p-retry stops when its budget is spent even for a try that consumed none, so the
        // budget leaves room for the 429s; shouldRetry keeps each kind to its own limit.
        retries: retry.attempts - 1 + MAX_RATE_LIMITED,
        minTimeout: retry.baseDelayMs,
        maxTimeout: retry.maxDelayMs,
        randomize: true,
        signal: betweenTries.signal,
        onFailedAttempt: async ({ error }) => {
          calling = false;
          lastError = error;
          const problem = problemOf(error);
          if (problem?.upstreamStatus === 429) {
            rateLimited++;
            attempts--; // Not the ticket's fault: it does not use up a try.
            const waitMs = (problem.retryAfterSeconds ?? 1) * 1000;
            job.notBefore = Math.max(job.notBefore, Date.now() + waitMs);
          }
          await store.updateItem(job.id, seq, {
            attempts,
            error: problem?.title ?? "unexpected",
          });
        },
        shouldConsumeRetry: ({ error }) => problemOf(error)?.upstreamStatus !== 429,
        shouldRetry: ({ error }) =>
          !cancelled.aborted &&
          (problemOf(error)?.upstreamStatus === 429
            ? rateLimited < MAX_RATE_LIMITED
            : isRetryable(error) && attempts < retry.attempts),
      },
    ).catch((error: unknown) => {
      // Handed off or cancelled after its record, before its first try: nothing went out.
      if (cancelled.aborted && !sent) {
        throw new NotSent(
          job.handedOff
            ? "the console stopped before it was sent: another console sends it"
            : "the job was cancelled before it was sent",
        );
      }
      // Cancelled between tries: the ticket ends with what Authlete last said.
      throw cancelled.aborted && lastError !== undefined ? lastError : error;
    });

  let record: TicketOutcome["record"];
  // The record's completion and the ticket's state, grouped with other tickets' and written
  // beside the job's next calls.
  const later = (update: TicketOutcome["update"]) =>
    writeOutcomeLater(job, context.outcomes.add({ jobId: job.id, seq, record, update }));
  try {
    // In flight with its pending record, in one transaction: a stop at any point leaves the
    // ticket either queued with no record (never sent) or in flight with its record (the next
    // holder resolves it from the record).
    // One audit record for all the ticket's tries.
    const { answer, auditId } = await performAction(context.audit, {
      kind,
      draft: jobRecord({ ...job, target: job.service.gateway.target.baseUrl }),
      service: job.service,
      request,
      sendWith: sendWithRetries,
      completeLater: (id, completion) => (record = { id, completion }),
      beginWith: (trx) => store.markInFlight(job.id, seq, trx),
    });
    const outcome = answeredOutcome(answer.resultCode);
    // Authlete holds no such ticket (an end job): final, never retried, counted apart.
    const unknown = answer.action === "SERVER_ERROR" && answer.resultCode === NO_SUCH_TICKET;
    later({
      state: unknown ? "no-such-ticket" : outcome === "succeeded" ? "succeeded" : "failed",
      attempts,
      resultCode: answer.resultCode ?? null,
      action: answer.action ?? null,
      upstreamStatus: 200,
      error: outcome === "succeeded" ? null : (answer.resultMessage ?? "refused"),
    });
    return { answer, auditId };
  } catch (error) {
    if (error instanceof NotSent) {
      // Handed off: queued again, for the console that takes the job over; cancelled: not sent.
      later({ state: job.handedOff ? "queued" : "not-attempted", attempts: 0, error: null });
      return undefined;
    }
    const problem = problemOf(error);
    if (!problem) context.logger.error({ err: error, jobId: job.id }, "bulk call failed");
    later({
      state: "failed",
      attempts,
      upstreamStatus: problem?.upstreamStatus ?? null,
      resultCode: problem?.resultCode ?? null,
      error: problem?.title ?? "unexpected error (see the log)",
    });
    return undefined;
  } finally {
    cancelled.removeEventListener("abort", onCancel);
  }
}

/**
 * An ended ticket's client notification: sent and recorded when the job asked for it (each
 * its own record), else marked not asked; the job's summary counts them.
 */
async function afterEnd(
  context: TicketCall,
  endAuditId: number,
  answer: Awaited<ReturnType<typeof END.send>>,
): Promise<void> {
  const { job, seq, store } = context;
  const settled = await settleNotification(context.delivery, endAuditId, answer, {
    asked: job.request.deliverNotification ?? false,
    draft: jobRecord({ ...job, target: job.service.gateway.target.baseUrl }),
    serviceId: job.request.serviceId,
    ownerKey: limitKeyOf(job.caller.principal, job.caller.clientAddress ?? ""),
  });
  if (settled.state !== "not-due") {
    await store.updateItem(job.id, seq, { notification: settled.state });
  }
}
