import type { BackchannelAuthenticationFailResponse } from "@authlete/typescript-sdk/models";
import type { TestTicket, TestTicketRequest } from "../../shared/test-ticket";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
import type { AuditInput, AuditTrail } from "./audit-trail";
import { createTestTicket } from "./test-ticket";
import { answeredOutcome, failedCompletion } from "./outcomes";

type Elapsed = () => number;
function stopwatch(): Elapsed {
  const started = performance.now();
  return () => Math.round(performance.now() - started);
}

/**
 * The one fail call with its audit record, for a single fail, each bulk ticket and each matrix
 * reason: written as pending before anything leaves (if that throws, Authlete is never called),
 * completed with Authlete's answer or the error. `send` makes the call: one, or a bulk ticket's
 * tries under its retry policy, which then share the record.
 */
export async function auditedFail(
  audit: AuditTrail,
  record: Omit<AuditInput, "outcome">,
  send: () => Promise<BackchannelAuthenticationFailResponse>,
): Promise<{ answer: BackchannelAuthenticationFailResponse; durationMs: number }> {
  const auditId = await audit.begin(record);
  const elapsed = stopwatch();
  let answer;
  try {
    answer = await send();
  } catch (error) {
    await audit.complete(auditId, failedCompletion(error, elapsed()));
    throw error;
  }
  const durationMs = elapsed();
  await audit.complete(auditId, {
    outcome: answeredOutcome(answer.resultCode),
    resultCode: answer.resultCode,
    action: answer.action,
    upstreamStatus: 200,
    durationMs,
  });
  return { answer, durationMs };
}

/** A fresh test ticket, recorded whether it was made or not (the new ticket as hash and tail). */
export async function auditedTestTicket(
  audit: AuditTrail,
  services: ServiceDirectory,
  service: ResolvedService,
  request: TestTicketRequest,
  record: Omit<AuditInput, "outcome" | "kind">,
): Promise<TestTicket> {
  const base = { ...record, kind: "test-ticket" as const, target: service.gateway.target.baseUrl };
  const elapsed = stopwatch();
  let ticket: TestTicket;
  try {
    ticket = await createTestTicket(service, request, services);
  } catch (error) {
    await audit.record({ ...base, ...failedCompletion(error, elapsed()) });
    throw error;
  }
  await audit.record({
    ...base,
    outcome: "succeeded",
    ticket: ticket.ticket,
    upstreamStatus: 200,
    durationMs: elapsed(),
  });
  return ticket;
}
