import { randomBytes } from "node:crypto";
import { RESULT } from "./result-codes";
import type { ResultCode } from "./result-codes";
import type { NotificationSink } from "./notification-sink";
import type { CibaTokens } from "./ciba-token";
import type { SimulatedClient, SimulatedService } from "./seed-types";
import type { StoredTicket, TicketStore } from "./ticket-store";

const COMPLETE_RESULTS = ["AUTHORIZED", "ACCESS_DENIED", "TRANSACTION_FAILED"] as const;
type CompleteResult = (typeof COMPLETE_RESULTS)[number];

/** The error the client receives for each refusing result (CIBA Core §11; the spec's /complete). */
const CLIENT_ERROR = { ACCESS_DENIED: "access_denied", TRANSACTION_FAILED: "expired_token" };

/**
 * Authlete's /backchannel/authentication/complete: the authorization server reports the end of
 * an issued request, and Authlete says what to do next per the client's delivery mode.
 */
export function backchannelComplete(
  deps: {
    tickets: TicketStore;
    clients: readonly SimulatedClient[];
    sink: NotificationSink;
    tokens: CibaTokens;
    answer: (status: 200, result: ResultCode, extra?: object) => Response;
  },
  body: Record<string, unknown>,
  service: SimulatedService,
  /** Where a seeded endpoint that is a path points (the simulator's sink, or the console's). */
  endpointOf: (path: string) => string,
): Response {
  const { tickets, clients, sink, tokens, answer } = deps;
  const result = body.result;
  // subject is mandatory only for AUTHORIZED (the spec; authlete-java-common's
  // BackchannelAuthenticationCompleteRequest). The SDK sends "" for the others.
  if (
    typeof body.ticket !== "string" ||
    typeof result !== "string" ||
    !(COMPLETE_RESULTS as readonly string[]).includes(result) ||
    (result === "AUTHORIZED" && (typeof body.subject !== "string" || body.subject === ""))
  ) {
    return answer(200, RESULT.completeBadRequest, { action: "SERVER_ERROR" });
  }
  const stored =
    typeof body.ticket === "string" ? tickets.find(body.ticket, service.serviceId) : undefined;
  if (!stored) return answer(200, RESULT.completeUnknownTicket, { action: "SERVER_ERROR" });
  tickets.delete(stored.ticket);
  const client = clients.find((candidate) => candidate.clientId === stored.clientId)!;
  const mode = client.bcDeliveryMode ?? "POLL";
  const next = completion(stored, client, result as CompleteResult, body, endpointOf, tokens);
  // What the client's token request gets from now on (the token endpoint).
  tokens.complete(next.authReqId, {
    serviceId: service.serviceId,
    clientId: client.clientId,
    result: result as CompleteResult,
    subject: subjectOf(body),
    expiresAt: stored.expiresAt,
  });
  if (next.action === "NOTIFICATION") {
    sink.expect(next.authReqId, stored.notificationToken ?? "");
  }
  return answer(200, RESULT.completeOk(mode, result), {
    ...next,
    clientId: Number(client.clientId),
    clientIdAliasUsed: false,
    clientName: client.clientName,
    deliveryMode: mode,
    accessTokenDuration: 0,
    refreshTokenDuration: 0,
    idTokenDuration: 0,
  });
}

/**
 * What /complete tells the authorization server to do: nothing in poll mode (the client asks
 * the token endpoint); in ping mode, notify the client with the auth_req_id only, whatever the
 * result; in push mode, notify it with the result itself: the error (with the description and
 * URI given) or the tokens (CIBA Core §10.3).
 */
function completion(
  stored: StoredTicket,
  client: SimulatedClient,
  result: CompleteResult,
  body: Record<string, unknown>,
  endpointOf: (path: string) => string,
  tokens: CibaTokens,
) {
  const authReqId = (stored.authReqId ??= randomBytes(32).toString("base64url"));
  if (client.bcDeliveryMode === "POLL") return { action: "NO_ACTION" as const, authReqId };
  const endpoint = client.bcNotificationEndpoint ?? "";
  return {
    action: "NOTIFICATION" as const,
    authReqId,
    clientNotificationEndpoint: endpoint.startsWith("/") ? endpointOf(endpoint) : endpoint,
    clientNotificationToken: stored.notificationToken,
    responseContent: JSON.stringify(
      client.bcDeliveryMode === "PING"
        ? { auth_req_id: authReqId }
        : pushContent(authReqId, result, body, () =>
            tokens.mint(client, subjectOf(body), authReqId),
          ),
    ),
  };
}

function subjectOf(body: Record<string, unknown>): string | undefined {
  return typeof body.subject === "string" ? body.subject : undefined;
}

/** CIBA Core §10.3.1: a push carries the tokens (with an ID token naming the auth_req_id). */
function pushContent(
  authReqId: string,
  result: CompleteResult,
  body: Record<string, unknown>,
  mint: () => { accessToken: string; idToken: string; expiresIn: number },
) {
  if (result === "AUTHORIZED") {
    const minted = mint();
    return {
      auth_req_id: authReqId,
      access_token: minted.accessToken,
      token_type: "Bearer",
      expires_in: minted.expiresIn,
      id_token: minted.idToken,
    };
  }
  return {
    auth_req_id: authReqId,
    error: CLIENT_ERROR[result],
    ...(typeof body.errorDescription === "string" && {
      error_description: body.errorDescription,
    }),
    ...(typeof body.errorUri === "string" && { error_uri: body.errorUri }),
  };
}
