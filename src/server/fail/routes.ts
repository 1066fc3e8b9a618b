import type { Context } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import type { FailResult } from "../../shared/fail-result";
import { auditedFail } from "../actions/audited-call";
import { toClientResponse } from "../actions/client-response";
import type { FailPolicy } from "../actions/action-policy";
import { requireRole, signedInArea } from "../http/guards";
import { callerOf, recordedCaller } from "../http/request-context";
import type { AppEnv } from "../http/app-env";
import type { SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";
import { jsonBody } from "../http/validation";

/** POST /api/backchannel/authentication/fail: one ticket, the SDK's request shape. */
export function failRoutes(deps: {
  sessions: SessionStore;
  audit: AuditTrail;
  failPolicy: FailPolicy;
}) {
  const { audit, failPolicy } = deps;
  /** An invalid attempt is recorded too, with whatever of it can be read. */
  const recordInvalid = async (c: Context<AppEnv>, body: unknown, errors: { path: string }[]) => {
    const outer = isRecord(body) ? body : {};
    const inner = isRecord(outer.backchannelAuthenticationFailRequest)
      ? outer.backchannelAuthenticationFailRequest
      : {};
    await audit.record({
      ...recordedCaller(c),
      kind: "fail",
      outcome: "invalid",
      serviceId: shortText(outer.serviceId, 64),
      ticket: shortText(inner.ticket, 256),
      reason: shortText(inner.reason, 64),
      detail: `invalid: ${errors.map((error) => error.path).join(", ")}`,
    });
  };

  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", audit, "fail"),
    jsonBody(failRequestSchema, recordInvalid),
    async (c) => {
      const request = c.req.valid("json");
      const { ticket, reason, errorDescription, errorUri } =
        request.backchannelAuthenticationFailRequest;
      // The ticket is never logged: it is a bearer of the pending request.
      Object.assign(c.var.logFields, { serviceId: request.serviceId, reason });
      const { service, record } = await failPolicy.admit({
        channel: "single",
        caller: callerOf(c),
        request,
        expect: { value: ticket.slice(-6), what: "the last 6 characters of the ticket" },
        details: { ticket, reason, errorDescription, errorUri },
      });
      // Recorded before anything leaves: if that throws (503), Authlete is never called.
      const { answer, durationMs } = await auditedFail(audit, record, () =>
        service.gateway.fail(request),
      );
      c.var.logFields.resultCode = answer.resultCode;
      const result: FailResult = {
        authlete: {
          resultCode: answer.resultCode ?? null,
          resultMessage: answer.resultMessage ?? null,
          action: answer.action ?? null,
          responseContent: answer.responseContent ?? null,
        },
        clientResponse: toClientResponse(answer.action, answer.responseContent),
        meta: { requestId: c.var.requestId, durationMs, target: service.gateway.target },
      };
      return c.json(result, 200);
    },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shortText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length <= max ? value : null;
}
