import type { BackchannelAuthenticationCompleteResponse } from "@authlete/typescript-sdk/models";
import { END_RESULT_INFO } from "../../shared/end-request";
import type { EndResult } from "../../shared/end-request";
import { maskedBearer } from "../../shared/end-outcome";
import type { EndOutcome, NotificationDelivery } from "../../shared/end-outcome";
import { ticketTail } from "../../shared/ask-first";
import { CLIENT_RESPONSE_HEADERS } from "../../shared/reasons";
import { NO_SUCH_TICKET } from "../actions/action-call";

/**
 * The page's answer to an end: Authlete's answer, and what happens to the client per delivery
 * mode, spelled out as HTTP. The token endpoint's answer is predicted from Authlete's
 * documentation (the console cannot call it with the client's credentials). The auth_req_id and
 * the notification token appear as tails only.
 */
export function endOutcomeOf(
  answer: BackchannelAuthenticationCompleteResponse,
  request: { result: EndResult; errorDescription?: string; errorUri?: string },
  delivery: NotificationDelivery,
  meta: EndOutcome["meta"],
): EndOutcome {
  const authReqId = answer.authReqId ?? null;
  const mode = answer.deliveryMode ?? null;
  const noSuchTicket = answer.action === "SERVER_ERROR" && answer.resultCode === NO_SUCH_TICKET;
  const error = END_RESULT_INFO[request.result].error;
  const tokenError = {
    error,
    ...(request.errorDescription && { error_description: request.errorDescription }),
    ...(request.errorUri && { error_uri: request.errorUri }),
  };
  const ended = answer.action === "NO_ACTION" || answer.action === "NOTIFICATION";
  const pushBody = answer.action === "NOTIFICATION" ? parsed(answer.responseContent) : undefined;
  const pushError =
    mode === "PUSH" && typeof pushBody?.error === "string" ? pushBody.error : undefined;
  return {
    authlete: {
      resultCode: answer.resultCode ?? null,
      resultMessage: answer.resultMessage ?? null,
      action: answer.action ?? null,
      deliveryMode: mode,
      clientId: answer.clientId === undefined ? null : String(answer.clientId),
      clientName: answer.clientName ?? null,
      authReqIdTail: authReqId === null ? null : ticketTail(authReqId),
    },
    client: {
      summary: summaryOf(answer, mode, error, pushError, noSuchTicket),
      noSuchTicket,
      tokenResponse:
        ended && mode !== "PUSH"
          ? { status: 400, headers: { ...CLIENT_RESPONSE_HEADERS }, body: tokenError }
          : null,
      notification:
        answer.action === "NOTIFICATION"
          ? {
              method: "POST",
              url: answer.clientNotificationEndpoint ?? "(Authlete returned no endpoint)",
              headers: {
                Authorization: `Bearer ${maskedBearer(answer.clientNotificationToken ?? "")}`,
                "Content-Type": "application/json",
              },
              body: pushBody ? masked(pushBody) : "(not JSON)",
            }
          : null,
    },
    delivery,
    meta,
  };
}

function summaryOf(
  answer: BackchannelAuthenticationCompleteResponse,
  mode: string | null,
  error: string,
  pushError: string | undefined,
  noSuchTicket: boolean,
): string {
  if (noSuchTicket) {
    return "Authlete holds no such ticket: it may never have existed, may already be ended or failed, or may have expired. Nothing was ended, and the client is told nothing.";
  }
  if (answer.action === "NO_ACTION") {
    return `Ended. Nothing to send now: at its next token request the client gets 400 {"error":"${error}"}.`;
  }
  if (answer.action === "NOTIFICATION" && mode === "PING") {
    return `Ended. The authorization server must notify the client now; the client then asks the token endpoint and gets 400 {"error":"${error}"}.`;
  }
  if (answer.action === "NOTIFICATION" && pushError === "server_error") {
    return "Authlete found an error after reading the ticket: the notification tells the client server_error, not the result you chose.";
  }
  if (answer.action === "NOTIFICATION") {
    return `Ended. The authorization server must send the client this notification, carrying ${pushError ?? "the result"}.`;
  }
  return `Authlete refused the request (${answer.resultMessage ?? "no message"}). Nothing was ended.`;
}

function parsed(content: string | undefined): Record<string, unknown> | undefined {
  if (content === undefined) return undefined;
  try {
    const value = JSON.parse(content) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A notification body as the page shows it: the auth_req_id and any token by their tails. */
function masked(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) =>
      typeof value === "string" &&
      ["auth_req_id", "access_token", "refresh_token", "id_token"].includes(key)
        ? [key, `…${ticketTail(value)}`]
        : [key, value],
    ),
  );
}
