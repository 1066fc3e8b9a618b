import { ticketTail } from "../../shared/ask-first";
import type { BulkJobRequest } from "../../shared/bulk-job";
import { END_RESULT_INFO } from "../../shared/end-request";
import type { EndResult } from "../../shared/end-request";
import { REASONS, STATUS_TEXT } from "../../shared/reasons";
import type { FailReason } from "../../shared/reasons";
import type { EndAction, FailAction } from "./action-call";

/** Everything an approved action needs, tickets included: held sealed while it waits. */
export type HeldAction =
  | { kind: "fail"; request: FailAction }
  | { kind: "end"; request: EndAction; deliverNotification: boolean }
  | { kind: "bulk"; request: BulkJobRequest };

/** What the page shows of a held action: never a whole ticket. */
export interface ActionSummary {
  action: string;
  sends: Record<string, unknown>;
  clientGets: string;
}

const tail = (ticket: string) => `…${ticketTail(ticket)}`;

function failGets(reason: FailReason): string {
  const info = REASONS[reason];
  return `HTTP ${info.clientStatus} ${STATUS_TEXT[info.clientStatus]} with "error": "${info.error}"`;
}

function endGets(result: EndResult): string {
  return `"error": "${END_RESULT_INFO[result].error}" at its next token request (or in its notification)`;
}

export function summaryOf(held: HeldAction): ActionSummary {
  if (held.kind === "fail") {
    const { ticket, ...rest } = held.request;
    return {
      action: `Fail ticket ${tail(ticket)} with ${rest.reason}`,
      sends: {
        path: "/backchannel/authentication/fail",
        serviceId: rest.serviceId,
        backchannelAuthenticationFailRequest: { ...withoutService(rest), ticket: tail(ticket) },
      },
      clientGets: failGets(rest.reason),
    };
  }
  if (held.kind === "end") {
    const { ticket, ...rest } = held.request;
    return {
      action: `End issued request ${tail(ticket)} with ${rest.result}`,
      sends: {
        path: "/backchannel/authentication/complete",
        serviceId: rest.serviceId,
        backchannelAuthenticationCompleteRequest: { ...withoutService(rest), ticket: tail(ticket) },
        ...(held.deliverNotification && { deliverNotificationFromConsole: true }),
      },
      clientGets: endGets(rest.result),
    };
  }
  const { tickets, serviceId, reason, action = "fail" } = held.request;
  const word = action === "fail" ? "Fail" : "End";
  const choice = reason ?? "each line's own";
  return {
    action: `${word} ${tickets.length} tickets in a bulk job with ${choice}`,
    sends: {
      path: `/backchannel/authentication/${action === "fail" ? "fail" : "complete"}, once per ticket`,
      serviceId,
      [action === "fail" ? "reason" : "result"]: choice,
      tickets: tickets.slice(0, 20).map((item) => tail(item.ticket)),
      ...(tickets.length > 20 && { more: tickets.length - 20 }),
    },
    clientGets: !reason
      ? "what each line's reason gives"
      : action === "fail"
        ? `each client: ${failGets(reason as FailReason)}`
        : `each client: ${endGets(reason as EndResult)}`,
  };
}

function withoutService<T extends { serviceId: string }>(request: T): Omit<T, "serviceId"> {
  const { serviceId: _serviceId, ...rest } = request;
  return rest;
}
