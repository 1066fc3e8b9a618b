import type { Context } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import { FAIL, performAction } from "../actions/action-call";
import type { ActionPolicy, Admission } from "../actions/action-policy";
import type { FailAction } from "../actions/action-call";
import type { Approvals } from "../actions/approvals";
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
  approvals: Approvals;
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
      const caller = callerOf(c, c.var.principal);
      const admission = await actionPolicy.admit({
        channel: "single",
        caller,
        request,
        subject: { ticket: action.ticket },
        details: FAIL.recorded(action),
      });
      // Four-eyes (issue 21): held for a supervisor; nothing is sent now.
      if (admission.service.approvalRequired) {
        const held = { kind: "fail" as const, request: action };
        return c.json(await deps.approvals.request(admission, caller, held), 202);
      }
      const result = await runFail(audit, admission, action, c.var.requestId);
      c.var.logFields.resultCode = result.authlete.resultCode;
      return c.json(result, 200);
    },
  );
}

/**
 * The fail itself: recorded before anything leaves (if that throws, 503, Authlete is never
 * called), then the answer as the page shows it. An approved request runs through here too.
 */
export async function runFail(
  audit: AuditTrail,
  { service, draft }: Pick<Admission, "service" | "draft">,
  action: FailAction,
  requestId: string,
) {
  const { answer, durationMs } = await performAction(audit, {
    kind: FAIL,
    draft,
    service,
    request: action,
  });
  return failResultOf(answer, { requestId, durationMs, target: service.gateway.target });
}
