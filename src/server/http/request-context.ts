import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, ClientFacts } from "./app-env";
import { nameVerified } from "../identity/limit-key";
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

/** Who a principal is, as an audit record names them. */
export function recordedPerson(principal: Principal) {
  return {
    operator: principal.name,
    email: principal.email,
    role: principal.role,
    nameVerified: nameVerified(principal),
  };
}

/** The signed-in caller and the request, as an audit record names them. */
export function recordedCaller(c: RequestVars & { var: { principal: Principal } }) {
  return { ...recordedPerson(c.var.principal), ...requestFacts(c) };
}

/** The signed-in caller of a guarded route, as the fail policy and audit records name it. */
export function callerOf(c: RequestVars & { var: { principal: Principal } }) {
  return { principal: c.var.principal, ...requestFacts(c) };
}
