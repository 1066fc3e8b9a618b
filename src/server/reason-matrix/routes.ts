import {
  reasonMatrixRequestSchema,
  VERDICTS,
  judge,
  expectedFor,
} from "../../shared/reason-matrix";
import type { MatrixRow, ReasonMatrixResult } from "../../shared/reason-matrix";
import type { ProblemKind } from "../../shared/problem";
import { FAIL_REASONS } from "../../shared/reasons";
import { auditedFail, auditedTestTicket } from "../actions/audited-call";
import type { FailPolicy } from "../actions/action-policy";
import { requireRole, signedInArea } from "../http/guards";
import { ProblemError } from "../http/problem";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";
import { callerOf } from "../http/request-context";
import { jsonBody } from "../http/validation";

/**
 * QA's one click: a fresh ticket per reason, failed, and the answer judged against the
 * catalogue. Never on a production service. Every ticket and fail call is in the audit trail.
 */
export function reasonMatrixRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  audit: AuditTrail;
  failPolicy: FailPolicy;
}) {
  const { services, audit, failPolicy } = deps;
  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", audit, "fail"),
    jsonBody(reasonMatrixRequestSchema),
    async (c) => {
      const request = c.req.valid("json");
      const { service, record } = await failPolicy.admit({
        channel: "matrix",
        caller: callerOf(c),
        request: { ...request, justification: "reason matrix" },
      });
      const rows: MatrixRow[] = [];
      for (const reason of FAIL_REASONS) {
        let ticket: string;
        try {
          ticket = (
            await auditedTestTicket(
              audit,
              services,
              service,
              { serviceId: request.serviceId },
              record,
            )
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
          const { answer } = await auditedFail(
            audit,
            {
              ...record,
              ticket,
              reason,
              errorDescription: request.errorDescription,
              errorUri: request.errorUri,
            },
            () => service.gateway.fail(failRequest),
          );
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
