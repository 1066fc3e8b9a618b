import type { RequestIdVariables } from "hono/request-id";
import type { ClientFacts } from "./public-address";
import type { Principal } from "./sessions";

/** Fields a route adds to its request's log line (e.g. serviceId, reason, resultCode). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type AppEnv = {
  Variables: RequestIdVariables & {
    logFields: LogFields;
    /** Who is signed in; set by requireSession, so present in every route behind it. */
    principal: Principal;
    /** Where the request comes from, as PUBLIC_URL and TRUST_PROXY say (public-address.ts). */
    client: ClientFacts;
  };
};

/** The signed-in caller of a guarded route, as the fail policy and audit records name it. */
export function callerOf(c: {
  var: { principal: Principal; requestId: string; client: ClientFacts };
}) {
  return {
    principal: c.var.principal,
    requestId: c.var.requestId,
    clientAddress: c.var.client.address,
  };
}
