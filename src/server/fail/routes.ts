import type { Context } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import { FAIL, performAction } from "../actions/action-call";
import type { ActionPolicy } from "../actions/action-policy";
import type { AuditTrail } from "../actions/audit-trail";
import { requireRole, signedInArea } from "../http/guards";
import type { AppEnv } from "../http/app-env";
import { callerOf, signedInRecord } from "../http/request-context";
import { jsonBody } from "../http/validation";
import type { SessionStore } from "../identity/sessions";
import { readableFields } from "../actions/readable-fields";
import { failResultOf } from "./fail-result";

/**
 * POST /api/backchannel/authentication/fail: one ticket, the SDK's request shape. Asked first
 * (decision 014): a ticket this console already acted on (409 already-acted) and a production
 * service (confirmation-required); the page sends again with the answers.
 */
export function failRoutes(deps: {
  sessions: SessionStore;
  audit: AuditTrail;
  actionPolicy: ActionPolicy;
}) {
  const { audit, actionPolicy } = deps;
  /** An invalid attempt is recorded too, with whatever of it can be read. */
  const recordInvalid = async (c: Context<AppEnv>, body: unknown, errors: { path: string }[]) => {
    await audit.record({
      ...signedInRecord(c),
      ...readableFields(body, "backchannelAuthenticationFailRequest", "reason"),
      kind: "fail",
      outcome: "invalid",
      detail: `invalid: ${errors.map((error) => error.path).join(", ")}`,
    });
  };

  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", audit, "fail"),
    jsonBody(failRequestSchema, recordInvalid),
    async (c) => {
      const request = c.req.valid("json");
      const action = {
        serviceId: request.serviceId,
        ...request.backchannelAuthenticationFailRequest,
      };
      // The ticket is never logged: it is a bearer of the pending request.
      Object.assign(c.var.logFields, { serviceId: action.serviceId, reason: action.reason });
      const { service, draft } = await actionPolicy.admit({
        channel: "single",
        caller: callerOf(c, c.var.principal),
        request,
        subject: { ticket: action.ticket },
        details: FAIL.recorded(action),
      });
      // Recorded before anything leaves: if that throws (503), Authlete is never called.
      const { answer, durationMs } = await performAction(audit, {
        kind: FAIL,
        draft,
        service,
        request: action,
      });
      c.var.logFields.resultCode = answer.resultCode;
      const meta = { requestId: c.var.requestId, durationMs, target: service.gateway.target };
      return c.json(failResultOf(answer, meta), 200);
    },
  );
}
