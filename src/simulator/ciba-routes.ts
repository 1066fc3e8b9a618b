import { Hono } from "hono";
import { REASONS } from "../shared/reasons";
import type { FailReason } from "../shared/reasons";
import { RESULT } from "./result-codes";
import type { ResultCode } from "./result-codes";
import { backchannelAuthentication } from "./ciba-authentication";
import { errorContent } from "./ciba-requests";
import type { SimulatedClient, SimulatedService } from "./seed-types";
import type { TicketStore } from "./ticket-store";
import { backchannelComplete } from "./ciba-complete";
import type { NotificationSink } from "./notification-sink";
import type { CibaTokens } from "./ciba-token";

/**
 * The CIBA operations of Authlete (/backchannel/authentication, /issue, /fail, /complete, the
 * token endpoint, and deleting a token),
 * mounted under /api/:serviceId after the token, service and body checks (app.ts). Each
 * behaviour's source is in the README's simulator section.
 */
export type CibaEnv = { Variables: { body: Record<string, unknown>; service: SimulatedService } };

type Answer = (status: 200 | 404, result: ResultCode, extra?: object) => Response;

export function cibaRoutes(deps: {
  tickets: TicketStore;
  clients: readonly SimulatedClient[];
  sink: NotificationSink;
  tokens: CibaTokens;
  answer: Answer;
  /** Where a seeded notification endpoint that is a path points, given the request's origin. */
  endpointOf: (path: string, origin: string) => string;
}) {
  const { tickets, answer } = deps;

  /** The pending ticket a request's body names, when this service holds it. */
  const ticketOf = (body: Record<string, unknown>, serviceId: string) =>
    typeof body.ticket === "string" ? tickets.find(body.ticket, serviceId) : undefined;

  /** Authlete's answer to a request the authorization server got wrong (not the client). */
  const internalError = (result: ResultCode) =>
    answer(200, result, {
      action: "INTERNAL_SERVER_ERROR",
      responseContent: errorContent("server_error", result),
    });

  return (
    new Hono<CibaEnv>()
      .post("/backchannel/authentication", (c) =>
        backchannelAuthentication({ ...deps, internalError }, c.var.body, c.var.service),
      )

      .post("/backchannel/authentication/issue", (c) => {
        const { body, service } = c.var;
        const stored = ticketOf(body, service.serviceId);
        if (!stored) return answer(200, RESULT.issueUnknownTicket, { action: "INVALID_TICKET" });
        // The auth_req_id lives the client's requested_expiry, else the service's
        // backchannelAuthReqIdDuration, from now (CIBA Core §7.3); the interval is the service's.
        const expiresIn = stored.requestedExpiry ?? service.backchannelAuthReqIdDuration;
        const interval = service.backchannelPollingInterval;
        const authReqId = tickets.issue(stored, expiresIn);
        deps.tokens.issued(authReqId, { ...stored, expiresAt: stored.expiresAt });
        return answer(200, RESULT.issueOk, {
          action: "OK",
          authReqId,
          expiresIn,
          interval,
          responseContent: JSON.stringify({
            auth_req_id: authReqId,
            expires_in: expiresIn,
            interval,
          }),
        });
      })

      .post("/backchannel/authentication/fail", (c) => {
        const { body, service } = c.var;
        // authlete-java-common's BackchannelAuthenticationFailRequest: the ticket is optional
        // ("not mandatory but optional"); given and held by this service, it is deleted.
        // A JSON null is an absent ticket, as Java's binding reads it.
        if (body.ticket !== undefined && body.ticket !== null && typeof body.ticket !== "string") {
          return internalError(RESULT.failMalformed);
        }
        // Authlete's prose: reason defaults to SERVER_ERROR when omitted.
        const reasonName = body.reason ?? "SERVER_ERROR";
        if (
          typeof reasonName !== "string" ||
          !Object.hasOwn(REASONS, reasonName) ||
          service.unsupportedReasons?.includes(reasonName)
        ) {
          return internalError(RESULT.failUnknownReason);
        }
        const reason = REASONS[reasonName as FailReason];
        // Authlete answers alike whether or not the ticket exists.
        const stored = ticketOf(body, service.serviceId);
        if (stored) tickets.delete(stored.ticket);
        const content: Record<string, string> = { error: reason.error };
        if (typeof body.errorDescription === "string")
          content.error_description = body.errorDescription;
        if (typeof body.errorUri === "string") content.error_uri = body.errorUri;
        return answer(200, RESULT.failOk, {
          action: reason.action,
          responseContent: JSON.stringify(content),
        });
      })

      .post("/auth/token", (c) => deps.tokens.token(c.var.body, c.var.service))

      .post("/backchannel/authentication/complete", (c) =>
        backchannelComplete(deps, c.var.body, c.var.service, (path) =>
          deps.endpointOf(path, new URL(c.req.url).origin),
        ),
      )

      // Token management's delete (SDK tokenManagement.delete): 204, as Authlete answers it.
      .delete("/auth/token/delete/:accessToken", (c) =>
        deps.tokens.deleteToken(c.var.service.serviceId, c.req.param("accessToken"))
          ? c.body(null, 204)
          : answer(404, RESULT.unknownAccessToken),
      )
  );
}
