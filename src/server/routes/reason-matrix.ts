import { Hono } from "hono";
import {
  reasonMatrixRequestSchema,
  VERDICTS,
  judge,
  expectedFor,
} from "../../shared/reason-matrix";
import type { MatrixRow, ReasonMatrixResult } from "../../shared/reason-matrix";
import type { ProblemKind } from "../../shared/problem";
import { FAIL_REASONS } from "../../shared/reasons";
import type { AuditTrail } from "../audit/audit-trail";
import { auditedFail, auditedTestTicket } from "../audit/audited-calls";
import type { AppEnv } from "../env";
import { ProblemError } from "../problem";
import type { ServiceDirectory } from "../service-directory";
import { jsonBody } from "../validation";
import { requireRole } from "./session";

/**
 * QA's one click: a fresh ticket per reason, failed, and the answer judged against the
 * catalogue. Never on a production service. Every ticket and fail call is in the audit trail.
 */
export function reasonMatrixRoutes(services: ServiceDirectory, audit: AuditTrail) {
  return new Hono<AppEnv>().post(
    "/reason-matrix",
    requireRole("operator", audit, "fail"),
    jsonBody(reasonMatrixRequestSchema),
    async (c) => {
      const request = c.req.valid("json");
      const principal = c.var.principal;
      const service = services.resolve(request.serviceId);
      if (service.environment === "production") {
        throw new ProblemError({
          kind: "forbidden",
          status: 403,
          title: "The reason matrix never runs on a production service",
          detail: `${service.name ?? request.serviceId} is production. Choose a test or staging service.`,
        });
      }
      const who = {
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId: request.serviceId,
        target: service.gateway.target.baseUrl,
        requestId: c.var.requestId,
      };
      const rows: MatrixRow[] = [];
      for (const reason of FAIL_REASONS) {
        let ticket: string;
        try {
          ticket = (
            await auditedTestTicket(audit, services, service, { serviceId: request.serviceId }, who)
          ).ticket;
        } catch (error) {
          if (stopsTheRun(error, "test-tickets-unavailable")) throw error;
          rows.push(unjudged(reason, request, "No test ticket could be made", error));
          continue;
        }
        const failRequest = {
          serviceId: request.serviceId,
          backchannelAuthenticationFailRequest: {
            ticket,
            reason,
            errorDescription: request.errorDescription,
            errorUri: request.errorUri,
          },
        };
        try {
          const { answer } = await auditedFail(audit, service.gateway, failRequest, {
            ...who,
            kind: "fail",
            ticket,
            reason,
            errorDescription: request.errorDescription,
            errorUri: request.errorUri,
            justification: "reason matrix",
          });
          rows.push(
            judge(reason, request, {
              resultCode: answer.resultCode ?? null,
              action: answer.action ?? null,
              responseContent: answer.responseContent ?? null,
            }),
          );
        } catch (error) {
          if (stopsTheRun(error)) throw error;
          rows.push(unjudged(reason, request, "The fail call did not get through", error));
        }
      }
      const summary = Object.fromEntries(
        VERDICTS.map((verdict) => [verdict, rows.filter((row) => row.verdict === verdict).length]),
      ) as ReasonMatrixResult["summary"];
      const result: ReasonMatrixResult = {
        serviceId: request.serviceId,
        serviceName: service.name ?? (await services.nameOf(request.serviceId)) ?? null,
        target: service.gateway.target.baseUrl,
        ranAt: new Date().toISOString(),
        rows,
        summary,
      };
      return c.json(result, 200);
    },
  );
}

/** No record, no call: an unwritable audit trail (or no test client) ends the whole run. */
function stopsTheRun(error: unknown, ...kinds: ProblemKind[]): boolean {
  return (
    error instanceof ProblemError &&
    (error.init.kind === "audit-unavailable" || kinds.includes(error.init.kind))
  );
}

function unjudged(
  reason: (typeof FAIL_REASONS)[number],
  request: Parameters<typeof expectedFor>[1],
  what: string,
  error: unknown,
): MatrixRow {
  const title = error instanceof ProblemError ? error.init.title : "unexpected error";
  return {
    reason,
    verdict: "error",
    expected: expectedFor(reason, request),
    actual: null,
    differences: [],
    detail: `${what}: ${title}`,
  };
}
