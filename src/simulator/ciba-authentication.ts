import { authenticatedClient, errorContent, readAuthenticationRequest } from "./ciba-requests";
import { RESULT } from "./result-codes";
import type { ResultCode } from "./result-codes";
import type { SimulatedClient, SimulatedService } from "./seed-types";
import type { TicketStore } from "./ticket-store";

/**
 * Authlete's /backchannel/authentication: the client's request, as the authorization server
 * forwards it, checked as Authlete checks it; a pending ticket when it passes.
 */
export function backchannelAuthentication(
  deps: {
    tickets: TicketStore;
    clients: readonly SimulatedClient[];
    answer: (status: 200, result: ResultCode, extra?: object) => Response;
    internalError: (result: ResultCode) => Response;
  },
  body: Record<string, unknown>,
  service: SimulatedService,
): Response {
  const { tickets, clients, answer, internalError } = deps;
  // The spec requires `parameters` as a string: anything else is the server's mistake.
  if (typeof body.parameters !== "string") {
    return internalError(RESULT.authenticationNoParameters);
  }
  const parameters = new URLSearchParams(body.parameters);
  const client = authenticatedClient(clients, service.serviceId, body, parameters);
  if (!client) {
    return answer(200, RESULT.clientAuthFailed, {
      action: "UNAUTHORIZED",
      responseContent: errorContent("invalid_client", RESULT.clientAuthFailed),
    });
  }
  const refusal = (error: string, code: ResultCode) =>
    answer(200, code, {
      action: "BAD_REQUEST",
      clientId: Number(client.clientId),
      clientName: client.clientName,
      responseContent: errorContent(error, code),
    });
  if (!client.cibaEnabled) return refusal("unauthorized_client", RESULT.cibaNotAllowed);
  if (!client.bcDeliveryMode) return refusal("unauthorized_client", RESULT.noDeliveryMode);
  const request = readAuthenticationRequest(parameters, service);
  if ("result" in request) return refusal(request.error, request.result);
  const userCodeNeeded = service.backchannelUserCodeParameterSupported && client.bcUserCodeRequired;
  if (userCodeNeeded && !request.userCode) {
    return refusal("missing_user_code", RESULT.missingUserCode);
  }
  if (client.bcDeliveryMode !== "POLL" && !request.notificationToken) {
    return refusal("invalid_request", RESULT.missingNotificationToken);
  }
  const stored = tickets.create({
    serviceId: service.serviceId,
    clientId: client.clientId,
    hintType: request.hintType,
    hint: request.hint,
    bindingMessage: request.bindingMessage,
    notificationToken: request.notificationToken,
    requestedExpiry: request.requestedExpiry,
  });
  return answer(200, RESULT.authenticationOk, {
    action: "USER_IDENTIFICATION",
    ticket: stored.ticket,
    clientId: Number(client.clientId),
    clientIdAliasUsed: false,
    clientName: client.clientName,
    deliveryMode: client.bcDeliveryMode,
    hintType: request.hintType,
    hint: request.hint,
    ...(request.sub !== undefined && { sub: request.sub }),
    ...(request.bindingMessage !== undefined && { bindingMessage: request.bindingMessage }),
    ...(request.userCode !== undefined && { userCode: request.userCode }),
    userCodeRequired: userCodeNeeded,
    scopes: request.scopes,
    ...(request.claimNames.length > 0 && { claimNames: request.claimNames }),
    ...(request.acrs.length > 0 && { acrs: request.acrs }),
    // Authlete's int field: 0 when the client asked for no expiry.
    requestedExpiry: request.requestedExpiry ?? 0,
    ...(request.requestContext !== undefined && { requestContext: request.requestContext }),
    ...(request.resources.length > 0 && { resources: request.resources }),
    ...(request.authorizationDetails && { authorizationDetails: request.authorizationDetails }),
    ...(request.notificationToken && { clientNotificationToken: request.notificationToken }),
  });
}
