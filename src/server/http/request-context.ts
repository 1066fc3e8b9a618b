import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, ClientFacts } from "./app-env";
import { draftRecord } from "../actions/caller";
import type { Caller, RecordDraft } from "../actions/caller";
import type { Principal } from "../identity/sessions";

/** What a caller's X-Request-Id may be to be kept: a short token, nothing that could forge a log line. */
const CALLER_REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Our own request id on every request (answered as X-Request-Id), and the caller's, when it
 * sent a well-formed one, as a separate field: an audit record's id always names one of our
 * requests, whatever a client sends.
 */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    c.set("requestId", randomUUID());
    c.set(
      "callerRequestId",
      given !== undefined && CALLER_REQUEST_ID.test(given) ? given : undefined,
    );
    c.header("X-Request-Id", c.var.requestId);
    await next();
  };
}

type RequestVars = {
  var: { requestId: string; callerRequestId: string | undefined; client: ClientFacts };
};

/** The request's facts every audit record carries, before anyone is known. */
export function requestFacts(c: RequestVars) {
  return {
    requestId: c.var.requestId,
    callerRequestId: c.var.callerRequestId ?? null,
    clientAddress: c.var.client.address,
  };
}

/** The signed-in caller of a guarded route, or a person just proven by sign-in. */
export function callerOf(c: RequestVars, principal: Principal): Caller {
  return { principal, ...requestFacts(c) };
}

/** The draft of every record a signed-in request makes (actions/caller.ts). */
export function signedInRecord(c: RequestVars & { var: { principal: Principal } }): RecordDraft {
  return draftRecord(callerOf(c, c.var.principal));
}
