import { Hono } from "hono";
import type { Context } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import type { FailResult } from "../../shared/fail-result";
import type { AuditTrail } from "../audit/audit-trail";
import { answeredOutcome, failedCompletion } from "../audit/outcomes";
import type { AuthleteGateway } from "../authlete";
import { toClientResponse } from "../client-response";
import type { AppEnv } from "../env";
import { problemResponse } from "../problem";
import type { SlidingWindowLimiter } from "../rate-limit";
import { jsonBody } from "../validation";
import { requireRole } from "./session";

export function failRoutes(
  authlete: AuthleteGateway,
  audit: AuditTrail,
  limiter: SlidingWindowLimiter,
) {
  /** An invalid attempt is recorded too, with whatever of it can be read. */
  const recordInvalid = (c: Context<AppEnv>, body: unknown, errors: { path: string }[]) => {
    const principal = c.var.principal;
    const outer = isRecord(body) ? body : {};
    const inner = isRecord(outer.backchannelAuthenticationFailRequest)
      ? outer.backchannelAuthenticationFailRequest
      : {};
    audit.record({
      kind: "fail",
      outcome: "invalid",
      operator: principal.name,
      email: principal.email,
      role: principal.role,
      serviceId: shortText(outer.serviceId, 64),
      target: authlete.target.baseUrl,
      ticket: shortText(inner.ticket, 256),
      reason: shortText(inner.reason, 64),
      requestId: c.var.requestId,
      detail: `invalid: ${errors.map((error) => error.path).join(", ")}`,
    });
  };

  return new Hono<AppEnv>().post(
    "/backchannel/authentication/fail",
    requireRole("operator", audit, "fail"),
    jsonBody(failRequestSchema, recordInvalid),
    async (c) => {
      const request = c.req.valid("json");
      const principal = c.var.principal;
      const { ticket, reason, errorDescription, errorUri } =
        request.backchannelAuthenticationFailRequest;
      // The ticket is never logged: it is a bearer of the pending request.
      Object.assign(c.var.logFields, { serviceId: request.serviceId, reason });
      const record = {
        kind: "fail" as const,
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId: request.serviceId,
        target: authlete.target.baseUrl,
        ticket,
        reason,
        errorDescription,
        errorUri,
        justification: request.justification,
        requestId: c.var.requestId,
      };

      const allowance = limiter.take(principal.email ?? principal.name);
      if (!allowance.allowed) {
        audit.record({ ...record, outcome: "rate-limited" });
        c.header("Retry-After", String(allowance.retryAfterSeconds));
        return problemResponse(c, {
          kind: "rate-limited",
          status: 429,
          title: "Too many fail calls",
          detail: `You have reached this console's limit of fail calls per minute. Try again in ${allowance.retryAfterSeconds} s; nothing was sent to Authlete.`,
        });
      }

      // On disk before anything leaves: if this throws (503), Authlete is never called.
      const auditId = audit.begin(record);
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      let answer;
      try {
        answer = await authlete.fail(request);
      } catch (error) {
        audit.complete(auditId, failedCompletion(error, elapsed()));
        throw error;
      }
      const durationMs = elapsed();
      audit.complete(auditId, {
        outcome: answeredOutcome(answer.resultCode),
        resultCode: answer.resultCode,
        action: answer.action,
        upstreamStatus: 200,
        durationMs,
      });
      c.var.logFields.resultCode = answer.resultCode;
      const result: FailResult = {
        authlete: {
          resultCode: answer.resultCode ?? null,
          resultMessage: answer.resultMessage ?? null,
          action: answer.action ?? null,
          responseContent: answer.responseContent ?? null,
        },
        clientResponse: toClientResponse(answer.action, answer.responseContent),
        meta: { requestId: c.var.requestId, durationMs, target: authlete.target },
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
