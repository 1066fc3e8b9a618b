import type {
  BackchannelAuthenticationCompleteResponse,
  BackchannelAuthenticationFailResponse,
} from "@authlete/typescript-sdk/models";
import type { EndResult } from "../../shared/end-request";
import type { FailReason } from "../../shared/reasons";
import type { AuthleteGateway } from "../authlete/gateway";
import type { ResolvedService } from "../authlete/service-directory";
import type { AuditCompletion, AuditInput } from "./audit-input";
import type { Kysely } from "kysely";
import type { ConsoleSchema } from "../db/schema";
import type { AuditTrail } from "./audit-trail";
import type { RecordDetails, RecordDraft } from "./caller";
import { answeredOutcome, failedCompletion } from "./outcomes";

/**
 * An action the console takes on a ticket through Authlete. Each kind says how its request
 * becomes the SDK's request and the audit record's fields, and what of the answer is recorded;
 * `performAction` does the rest, the same for every kind. A second kind (ending an issued
 * request through /complete) is one more of these, not a copy of the call.
 */
export interface ActionKind<Request extends { serviceId: string; ticket: string }, Answer> {
  /** The audit record's kind. */
  auditKind: AuditInput["kind"];
  /** The request's fields as the audit record keeps them (the ticket is kept as hash and tail). */
  recorded(request: Request): Partial<AuditInput>;
  /** The SDK call, with only the SDK's own fields. */
  send(gateway: AuthleteGateway, request: Request): Promise<Answer>;
  /** What of Authlete's answer the record keeps. */
  answered(answer: Answer): Partial<AuditCompletion>;
}

/** A fail: `/backchannel/authentication/fail` with a ticket and a reason. */
export interface FailAction {
  serviceId: string;
  ticket: string;
  reason: FailReason;
  errorDescription?: string;
  errorUri?: string;
}

export const FAIL: ActionKind<FailAction, BackchannelAuthenticationFailResponse> = {
  auditKind: "fail",
  recorded: ({ ticket, reason, errorDescription, errorUri }) => ({
    ticket,
    reason,
    errorDescription,
    errorUri,
  }),
  send: (gateway, { serviceId, ticket, reason, errorDescription, errorUri }) =>
    gateway.fail({
      serviceId,
      backchannelAuthenticationFailRequest: { ticket, reason, errorDescription, errorUri },
    }),
  answered: ({ resultCode, action }) => ({ resultCode, action }),
};

/** Authlete's code for /complete on a ticket it holds no record of (docs/authlete-reference.md §6). */
export const NO_SUCH_TICKET = "A186202";

/** An end: `/backchannel/authentication/complete` with a refusing result, on an issued request. */
export interface EndAction {
  serviceId: string;
  ticket: string;
  result: EndResult;
  errorDescription?: string;
  errorUri?: string;
}

export const END: ActionKind<EndAction, BackchannelAuthenticationCompleteResponse> = {
  auditKind: "end",
  // The record's reason column holds the result, as the audit log shows it.
  recorded: ({ ticket, result, errorDescription, errorUri }) => ({
    ticket,
    reason: result,
    errorDescription,
    errorUri,
  }),
  send: (gateway, request) => gateway.complete(request),
  answered: ({ resultCode, action, deliveryMode, authReqId }) => ({
    resultCode,
    action,
    deliveryMode,
    authReqId,
    // The end's notification is settled once its delivery is over (amendNotification).
    notification: action === "NOTIFICATION" ? undefined : "not-due",
    awaitsNotification: action === "NOTIFICATION",
  }),
};

/**
 * A QA lab cell's /complete: any result, AUTHORIZED with the test client's subject. Only a lab
 * cell builds it (lab/lab-cell.ts), on a test service; an operator's end is END's two results.
 */
export interface LabCompleteAction {
  serviceId: string;
  ticket: string;
  result: EndResult | "AUTHORIZED";
  subject?: string;
  errorDescription?: string;
  errorUri?: string;
}

export const LAB_COMPLETE: ActionKind<
  LabCompleteAction,
  BackchannelAuthenticationCompleteResponse
> = {
  auditKind: "lab",
  recorded: ({ ticket, result }) => ({ ticket, reason: result }),
  send: (gateway, request) => gateway.complete(request),
  answered: ({ resultCode, action, deliveryMode }) => ({ resultCode, action, deliveryMode }),
};

export interface ActionCall<Request extends { serviceId: string; ticket: string }, Answer> {
  kind: ActionKind<Request, Answer>;
  /** Who asked (actions/caller.ts), and what else the record says (the justification, a job). */
  draft: RecordDraft & RecordDetails;
  service: ResolvedService;
  request: Request;
  /**
   * How the call is made: once by default; a bulk ticket wraps it in its retry policy, and its
   * tries then share the one record.
   */
  sendWith?: (send: () => Promise<Answer>) => Promise<Answer>;
  /**
   * A bulk ticket: the completion is handed over instead of written, so that the slot takes
   * its next ticket while it is written, grouped with others (the pending record was durable
   * before the call all the same; only the outcome write is grouped and overlapped).
   */
  completeLater?: (auditId: number, completion: AuditCompletion) => void;
  /** Written in the same transaction as the pending record (a bulk ticket: in flight). */
  beginWith?: (trx: Kysely<ConsoleSchema>) => Promise<void>;
  /**
   * A QA lab cell's call: the cell's own record (begun, pending, before the cell's first call)
   * covers it, so it writes none: one record per cell, not one per Authlete call.
   */
  recordedBy?: number;
}

/**
 * The one audited action call, for a single fail or end, each bulk ticket and each QA lab cell:
 * its record is written as pending before anything leaves (if that throws, Authlete is never
 * called), then completed with Authlete's answer or the error. A lab cell's calls share the
 * cell's record (`recordedBy`), which the cell completes with its verdict.
 */
export async function performAction<Request extends { serviceId: string; ticket: string }, Answer>(
  audit: AuditTrail,
  call: ActionCall<Request, Answer>,
): Promise<{ answer: Answer; durationMs: number; auditId: number }> {
  const { kind, service, request } = call;
  if (call.recordedBy !== undefined) {
    const elapsed = stopwatch();
    const answer = await kind.send(service.gateway, request);
    return { answer, durationMs: elapsed(), auditId: call.recordedBy };
  }
  const auditId = await audit.begin(
    {
      ...call.draft,
      kind: kind.auditKind,
      serviceId: request.serviceId,
      target: service.gateway.target.baseUrl,
      ...kind.recorded(request),
    },
    call.beginWith,
  );
  const send = () => kind.send(service.gateway, request);
  const elapsed = stopwatch();
  let answer: Answer;
  try {
    answer = await (call.sendWith ? call.sendWith(send) : send());
  } catch (error) {
    const failed = failedCompletion(error, elapsed());
    if (call.completeLater) call.completeLater(auditId, failed);
    else await audit.complete(auditId, failed);
    throw error;
  }
  const durationMs = elapsed();
  const answered = kind.answered(answer);
  const completion: AuditCompletion = {
    ...answered,
    outcome: answeredOutcome(answered.resultCode ?? undefined),
    upstreamStatus: 200,
    durationMs,
  };
  if (call.completeLater) call.completeLater(auditId, completion);
  else await audit.complete(auditId, completion);
  return { answer, durationMs, auditId };
}

export function stopwatch(): () => number {
  const started = performance.now();
  return () => Math.round(performance.now() - started);
}
