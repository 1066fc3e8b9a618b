import type { ProblemKind } from "../../shared/problem";
import { VERDICTS, expectedFor, judge } from "../../shared/reason-matrix";
import type {
  MatrixRow,
  ReasonMatrixRequest,
  ReasonMatrixResult,
} from "../../shared/reason-matrix";
import { FAIL_REASONS } from "../../shared/reasons";
import type { FailReason } from "../../shared/reasons";
import { FAIL, performAction } from "../actions/action-call";
import type { Admission } from "../actions/action-policy";
import type { AuditTrail } from "../actions/audit-trail";
import { auditedTestTicket } from "../actions/test-ticket";
import type { ServiceDirectory } from "../authlete/service-directory";
import { problemOf } from "../http/problem";

/**
 * QA's one click: a fresh ticket per reason, failed through the one action call, and the answer
 * judged against the catalogue. Every ticket and fail call is in the audit trail.
 */
export async function runMatrix(
  deps: { audit: AuditTrail; services: ServiceDirectory; now?: () => number },
  { service, draft }: Admission,
  request: ReasonMatrixRequest,
): Promise<ReasonMatrixResult> {
  const rows: MatrixRow[] = [];
  for (const reason of FAIL_REASONS) {
    let ticket: string;
    try {
      ticket = (await auditedTestTicket(deps, draft, { serviceId: request.serviceId }, service))
        .ticket;
    } catch (error) {
      if (stopsTheRun(error, "test-tickets-unavailable")) throw error;
      rows.push(unjudged(reason, request, "No test ticket could be made", error));
      continue;
    }
    try {
      const { answer } = await performAction(deps.audit, {
        kind: FAIL,
        draft,
        service,
        request: {
          serviceId: request.serviceId,
          ticket,
          reason,
          errorDescription: request.errorDescription,
          errorUri: request.errorUri,
        },
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
  return {
    serviceId: request.serviceId,
    serviceName: service.name ?? (await deps.services.nameOf(request.serviceId)) ?? null,
    target: service.gateway.target.baseUrl,
    ranAt: new Date(deps.now?.() ?? Date.now()).toISOString(),
    rows,
    summary,
  };
}

/** No record, no call: an unwritable audit trail (or no test client) ends the whole run. */
function stopsTheRun(error: unknown, ...kinds: ProblemKind[]): boolean {
  const problem = problemOf(error);
  return (
    problem !== undefined && (problem.kind === "audit-unavailable" || kinds.includes(problem.kind))
  );
}

function unjudged(
  reason: FailReason,
  request: Parameters<typeof expectedFor>[1],
  what: string,
  error: unknown,
): MatrixRow {
  const title = problemOf(error)?.title ?? "unexpected error";
  return {
    reason,
    verdict: "error",
    expected: expectedFor(reason, request),
    actual: null,
    differences: [],
    detail: `${what}: ${title}`,
  };
}
