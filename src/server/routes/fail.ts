import { Hono } from "hono";
import type { Context } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import type { FailRequest } from "../../shared/fail-request";
import type { FailResult } from "../../shared/fail-result";
import type { AuditTrail } from "../audit/audit-trail";
import { answeredOutcome, failedCompletion } from "../audit/outcomes";
import type { ServiceDirectory } from "../service-directory";
import { toClientResponse } from "../client-response";
import type { AppEnv } from "../env";
import { problemResponse } from "../problem";
import type { SlidingWindowLimiter } from "../rate-limit";
import { jsonBody } from "../validation";
import { requireRole } from "./session";

export function failRoutes(
  services: ServiceDirectory,
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
      const base = {
        kind: "fail" as const,
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId: request.serviceId,
        ticket,
        reason,
        errorDescription,
        errorUri,
        justification: request.justification,
        requestId: c.var.requestId,
      };
      let service;
      try {
        service = services.resolve(request.serviceId);
      } catch (error) {
        audit.record({ ...base, ...failedCompletion(error, 0) });
        throw error;
      }
      const record = { ...base, target: service.gateway.target.baseUrl };

      // Production: the operator typed the ticket's last 6 characters and said why (the page's
      // dialog). Checked here too, so no client can skip it.
      if (service.environment === "production") {
        const missing = productionConfirmationErrors(request, ticket);
        if (missing.length > 0) {
          audit.record({
            ...record,
            outcome: "invalid",
            detail: "production confirmation missing",
          });
          return problemResponse(c, {
            kind: "confirmation-required",
            status: 400,
            title: `${service.name ?? request.serviceId} is a production service: confirm first`,
            detail:
              "Type the last 6 characters of the ticket and a justification; nothing was sent to Authlete.",
            errors: missing,
          });
        }
      }

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
        answer = await service.gateway.fail(request);
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
        meta: { requestId: c.var.requestId, durationMs, target: service.gateway.target },
      };
      return c.json(result, 200);
    },
  );
}

function productionConfirmationErrors(
  request: FailRequest,
  ticket: string,
): { path: string; message: string }[] {
  const errors = [];
  if (request.confirmation !== ticket.slice(-6)) {
    errors.push({
      path: "confirmation",
      message: "Type the last 6 characters of the ticket to confirm.",
    });
  }
  if (!request.justification) {
    errors.push({ path: "justification", message: "Say why: production fails need a reason." });
  }
  return errors;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shortText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length <= max ? value : null;
}
