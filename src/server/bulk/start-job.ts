import type { Context } from "hono";
import type { BulkJob, BulkJobRequest } from "../../shared/bulk-job";
import type { ActionPolicy, Admission } from "../actions/action-policy";
import type { Caller } from "../actions/caller";
import type { Approvals } from "../actions/approvals";
import type { ApprovalAccepted } from "../../shared/approvals";
import type { AuditTrail } from "../actions/audit-trail";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { AppEnv } from "../http/app-env";
import { callerOf, signedInRecord } from "../http/request-context";
import type { BulkRunner } from "./bulk-runner";
import { jobAccess } from "./job-control";

/**
 * Starts a job once the action policy admits it: asked first as a single fail is (one answer
 * for the job: how many of its tickets were acted on before; production's count typed back),
 * and within the person's budgets. The job's own record says who started it.
 */
export async function startJob(
  deps: JobDeps & { actionPolicy: ActionPolicy; approvals: Approvals },
  c: Context<AppEnv>,
  request: BulkJobRequest,
): Promise<BulkJob | ApprovalAccepted> {
  const count = request.tickets.length;
  const caller = callerOf(c, c.var.principal);
  const admission = await deps.actionPolicy.admit({
    channel: "bulk",
    caller,
    request,
    subject: { tickets: request.tickets.map((item) => item.ticket) },
    details: { reason: request.reason, detail: `bulk job of ${count} tickets` },
  });
  // Four-eyes (issue 21): held for a supervisor; nothing is sent now.
  if (admission.service.approvalRequired) {
    return deps.approvals.request(admission, caller, { kind: "bulk", request });
  }
  const id = await launchJob(deps, admission, caller, request);
  c.var.logFields.jobId = id;
  return jobAccess(deps.runner).presented(c, (await deps.runner.view(id))!);
}

interface JobDeps {
  services: ServiceDirectory;
  audit: AuditTrail;
  actionPolicy: Pick<ActionPolicy, "maxOpenJobs" | "refuseOpenJobs">;
  runner: BulkRunner;
}

/** Starts an admitted job (or an approved one); its own record says who started it. */
export async function launchJob(
  deps: JobDeps,
  { service, draft, limitKey }: Admission,
  caller: Caller,
  request: BulkJobRequest,
): Promise<string> {
  const name = service.name ?? (await deps.services.nameOf(request.serviceId));
  const started = await deps.runner.start(request, { ...service, name }, caller, limitKey, {
    maxOpenJobs: deps.actionPolicy.maxOpenJobs,
  });
  if (!started.ok) throw await deps.actionPolicy.refuseOpenJobs(draft, started.open);
  await deps.audit.record({ ...draft, kind: "bulk-job", outcome: "succeeded", jobId: started.id });
  return started.id;
}

/** A refused job's record says what could be read of it. */
export async function recordInvalidJob(
  audit: AuditTrail,
  c: Context<AppEnv>,
  body: unknown,
  errors: { path: string }[],
): Promise<void> {
  const outer = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const size = Array.isArray(outer.tickets) ? ` of ${outer.tickets.length} tickets` : "";
  const paths = [
    ...new Set(errors.map((error) => error.path.replace(/^tickets\.\d+/, "tickets.*"))),
  ];
  await audit.record({
    ...signedInRecord(c),
    kind: "bulk-job",
    outcome: "invalid",
    serviceId:
      typeof outer.serviceId === "string" && outer.serviceId.length <= 64 ? outer.serviceId : null,
    detail: `bulk job${size}: invalid: ${paths.slice(0, 10).join(", ")}`,
  });
}
