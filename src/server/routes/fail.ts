import { Hono } from "hono";
import type { Context } from "hono";
import { failRequestSchema } from "../../shared/fail-request";
import type { FailResult } from "../../shared/fail-result";
import type { AuditTrail } from "../audit/audit-trail";
import { auditedFail } from "../audit/audited-calls";
import { failedCompletion } from "../audit/outcomes";
import type { ServiceDirectory } from "../service-directory";
import { toClientResponse } from "../client-response";
import type { AppEnv } from "../env";
import { problemResponse } from "../problem";
import { missingProductionConfirmation } from "../production";
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

      const unconfirmed = missingProductionConfirmation(service, request.serviceId, request, {
        value: ticket.slice(-6),
        what: "the last 6 characters of the ticket",
      });
      if (unconfirmed) {
        audit.record({ ...record, outcome: "invalid", detail: "production confirmation missing" });
        return problemResponse(c, unconfirmed);
      }

      const allowance = limiter.take(principal.email ?? principal.name);
      if (!allowance.allowed) {
        audit.record({ ...record, outcome: "rate-limited" });
        return problemResponse(c, {
          kind: "rate-limited",
          status: 429,
          title: "Too many fail calls",
          detail: `You have reached this console's limit of fail calls per minute. Try again in ${allowance.retryAfterSeconds} s; nothing was sent to Authlete.`,
          retryAfterSeconds: allowance.retryAfterSeconds,
        });
      }

      // On disk before anything leaves: if that throws (503), Authlete is never called.
      const { answer, durationMs } = await auditedFail(audit, service.gateway, request, record);
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
