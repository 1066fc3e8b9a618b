import type { Context } from "hono";
import type { BulkJob } from "../../shared/bulk-job";
import { roleAllows } from "../../shared/session";
import type { ActionPolicy } from "../actions/action-policy";
import type { AuditTrail } from "../actions/audit-trail";
import type { AppEnv } from "../http/app-env";
import { ProblemError } from "../http/problem";
import type { ProblemInit } from "../http/problem";
import { callerOf, signedInRecord } from "../http/request-context";
import { limitKeyOf } from "../identity/limit-key";
import type { BulkRunner } from "./bulk-runner";
import type { JobView } from "./job-view";

export type ControlVerb = "pause" | "resume" | "cancel" | "retry-failed";

/** Who may pause, resume, cancel or retry a job, and the job as each person sees it. */
export function jobAccess(runner: BulkRunner) {
  /** Its owner, or a supervisor (jobs from before owners were kept: the same name). */
  function mayControl(c: Context<AppEnv>, job: JobView): boolean {
    const principal = c.var.principal;
    if (roleAllows(principal.role, "supervisor")) return true;
    if (job.ownerKey === null) return job.operator === principal.name;
    return job.ownerKey === limitKeyOf(principal, c.var.client.address);
  }

  /** The job as this person sees it: with its controls only if they may use them. */
  function presented(c: Context<AppEnv>, view: JobView): BulkJob {
    const { ownerKey: _ownerKey, ...job } = view;
    return { ...job, canControl: mayControl(c, view) };
  }

  async function jobOr404(c: Context<AppEnv>): Promise<JobView> {
    const job = await runner.view(c.req.param("id") ?? "");
    if (!job) {
      throw new ProblemError({
        kind: "not-found",
        status: 404,
        title: "No such bulk job",
        detail: "It may belong to another console's database.",
      });
    }
    return job;
  }

  return { mayControl, presented, jobOr404 };
}

/**
 * Pause, resume, cancel and retry-failed: only the job's owner or a supervisor; each asked
 * action is recorded with who asked, and what came of it. Answers the job as it is now.
 */
export async function controlJob(
  deps: {
    runner: BulkRunner;
    audit: AuditTrail;
    actionPolicy: Pick<ActionPolicy, "admitRetry">;
  },
  c: Context<AppEnv>,
  verb: ControlVerb,
): Promise<BulkJob> {
  const { runner, audit } = deps;
  const access = jobAccess(runner);
  const job = await access.jobOr404(c);
  c.var.logFields.jobId = job.id;
  const record = {
    ...signedInRecord(c),
    kind: "job-control" as const,
    serviceId: job.serviceId,
    jobId: job.id,
  };
  if (!access.mayControl(c, job)) {
    await audit.record({
      ...record,
      outcome: "forbidden",
      detail: `${verb}: ${job.operator}'s job (only its owner or a supervisor)`,
    });
    throw new ProblemError({
      kind: "forbidden",
      status: 403,
      title: "This is someone else's job",
      detail: `Only ${job.operator}, who started it, or a supervisor may ${verb === "retry-failed" ? "retry" : verb} it.`,
    });
  }
  const refused = await act(deps, c, verb, job);
  await audit.record({
    ...record,
    outcome: refused ? (refused.status === 429 ? "rate-limited" : "refused") : "succeeded",
    detail: refused ? `${verb}: ${refused.title}` : verb,
  });
  if (refused) throw new ProblemError(refused);
  return access.presented(c, (await runner.view(job.id))!);
}

async function act(
  deps: { runner: BulkRunner; actionPolicy: Pick<ActionPolicy, "admitRetry"> },
  c: Context<AppEnv>,
  verb: ControlVerb,
  job: JobView,
): Promise<ProblemInit | undefined> {
  const { runner } = deps;
  if (verb !== "retry-failed") {
    const done = await runner[verb](job.id);
    if (done) return undefined;
    return {
      kind: "conflict",
      status: 409,
      title: `This job cannot ${verb} now`,
      detail: `It is ${job.status}${job.status === "interrupted" ? " (the console restarted)" : ""}.`,
    };
  }
  if (!job.canRetry) {
    return {
      kind: "conflict",
      status: 409,
      title: "Nothing to retry here",
      detail:
        job.status === "interrupted"
          ? "The console stopped, and without TICKET_ENCRYPTION_KEY tickets are kept only in its memory: start a new job with the tickets of the failed lines."
          : "Retry works once the job has ended with failed tickets, while the console still holds them (BULK_RETRY_WINDOW_SECONDS after the end).",
    };
  }
  const caller = callerOf(c, c.var.principal);
  const overBudget = await deps.actionPolicy.admitRetry(caller, job.counts.failed ?? 0);
  if (overBudget) return overBudget;
  if ((await runner.retryFailed(job.id, caller)) === 0) {
    return {
      kind: "conflict",
      status: 409,
      title: "Nothing to retry here",
      detail: "Another console is retrying this job, or its tickets are no longer kept.",
    };
  }
  return undefined;
}
