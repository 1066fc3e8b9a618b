import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { bulkItemSchema, bulkItemsQuerySchema, bulkJobRequestSchema } from "../../shared/bulk-job";
import type { BulkBudgetInfo, BulkJob } from "../../shared/bulk-job";
import { roleAllows } from "../../shared/session";
import type { BulkRunner, JobView } from "./bulk-runner";
import { limitKeyOf } from "../identity/limit-key";
import { EXPORT_CHUNK, EXPORT_FORMATS, streamExport } from "../http/export";
import type { FailPolicy } from "../actions/action-policy";
import { MAX_BULK_BODY_BYTES, requireRole, signedInArea } from "../http/guards";
import { ProblemError, problemResponse } from "../http/problem";
import type { ProblemInit } from "../http/problem";
import { callerOf, recordedCaller } from "../http/request-context";
import type { AppEnv } from "../http/app-env";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";
import type { BulkJobStore } from "./bulk-job-store";
import { jsonBody, queryParams } from "../http/validation";

const ITEM_COLUMNS = bulkItemSchema.keyof().options;
const exportQuerySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv or json." }),
});

/**
 * /api/bulk-jobs: jobs run in the BFF; the page starts, watches, pauses and exports them. The
 * only route with a large body (a job's ticket list), so the only sub-app with a 4 MiB limit.
 */
export function bulkJobRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  audit: AuditTrail;
  failPolicy: FailPolicy;
  runner: BulkRunner;
  store: BulkJobStore;
}) {
  const { services, audit, failPolicy, runner, store } = deps;
  const operatorOnly = requireRole("operator", audit, "fail");

  /** Its owner, or a supervisor (jobs from before owners were kept: the same name). */
  function mayControl(c: Context<AppEnv>, job: { ownerKey: string | null; operator: string }) {
    const principal = c.var.principal;
    if (roleAllows(principal.role, "supervisor")) return true;
    if (job.ownerKey === null) return job.operator === principal.name;
    return job.ownerKey === limitKeyOf(principal, c.var.client.address);
  }

  /** The job as this person sees it: with its controls only if they may use them. */
  function presented(c: Context<AppEnv>, view: JobView & { ownerKey: string | null }): BulkJob {
    const { ownerKey: _ownerKey, ...job } = view;
    return { ...job, canControl: mayControl(c, view) };
  }

  async function shown(c: Context<AppEnv>, id: string): Promise<BulkJob | undefined> {
    const view = await runner.view(id);
    return view && presented(c, view);
  }

  async function jobOr404(c: Context<AppEnv>) {
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

  /**
   * Pause, resume, cancel and retry-failed: only the job's owner or a supervisor; each asked
   * action is recorded with who asked, and what came of it.
   */
  const control = (
    verb: "pause" | "resume" | "cancel" | "retry-failed",
    act: (c: Context<AppEnv>, job: JobView) => Promise<ProblemInit | undefined>,
  ) =>
    [
      operatorOnly,
      async (c: Context<AppEnv>) => {
        const job = await jobOr404(c);
        c.var.logFields.jobId = job.id;
        const record = {
          ...recordedCaller(c),
          kind: "job-control" as const,
          serviceId: job.serviceId,
          jobId: job.id,
        };
        if (!mayControl(c, job)) {
          await audit.record({
            ...record,
            outcome: "forbidden",
            detail: `${verb}: ${job.operator}'s job (only its owner or a supervisor)`,
          });
          return problemResponse(c, {
            kind: "forbidden",
            status: 403,
            title: "This is someone else's job",
            detail: `Only ${job.operator}, who started it, or a supervisor may ${verb === "retry-failed" ? "retry" : verb} it.`,
          });
        }
        const refused = await act(c, job);
        await audit.record({
          ...record,
          outcome: refused ? "refused" : "succeeded",
          detail: refused ? `${verb}: ${refused.title}` : verb,
        });
        if (refused) return problemResponse(c, refused);
        return c.json((await shown(c, job.id))!, 200);
      },
    ] as const;

  const conflict = (verb: string, job: JobView): ProblemInit => ({
    kind: "conflict",
    status: 409,
    title: `This job cannot ${verb} now`,
    detail: `It is ${job.status}${job.status === "interrupted" ? " (the console restarted)" : ""}.`,
  });

  const jobs = new Hono<AppEnv>()
    .get("/", async (c) => {
      const recent = (
        await Promise.all((await store.recentJobs(20)).map((job) => shown(c, job.id)))
      ).filter((job): job is BulkJob => job !== undefined);
      return c.json(recent, 200);
    })
    .get("/budget", async (c) => {
      const budget: BulkBudgetInfo = await failPolicy.bulkBudget(
        c.var.principal,
        c.var.client.address,
      );
      return c.json(budget, 200);
    })
    .get("/:id", async (c) => c.json(presented(c, await jobOr404(c)), 200))
    .get("/:id/items", queryParams(bulkItemsQuerySchema), async (c) => {
      const job = await jobOr404(c);
      const { state, offset, limit } = c.req.valid("query");
      const [items, total] = await Promise.all([
        store.items(job.id, state, offset, limit),
        store.countItems(job.id, state),
      ]);
      return c.json({ items, total }, 200);
    })
    .post(
      "/:id/pause",
      ...control("pause", async (_c, job) =>
        (await runner.pause(job.id)) ? undefined : conflict("pause", job),
      ),
    )
    .post(
      "/:id/resume",
      ...control("resume", async (_c, job) =>
        (await runner.resume(job.id)) ? undefined : conflict("resume", job),
      ),
    )
    .post(
      "/:id/cancel",
      ...control("cancel", async (_c, job) =>
        (await runner.cancel(job.id)) ? undefined : conflict("cancel", job),
      ),
    )
    .post(
      "/:id/retry-failed",
      ...control("retry-failed", async (c, job) => {
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
        if ((await runner.retryFailed(job.id, c.var.principal)) === 0) {
          return {
            kind: "conflict",
            status: 409,
            title: "Nothing to retry here",
            detail: "Another console is retrying this job, or its tickets are no longer kept.",
          };
        }
        return undefined;
      }),
    )
    .get("/:id/export", queryParams(exportQuerySchema), async (c) => {
      const job = await jobOr404(c);
      let offset = 0;
      return streamExport(c, {
        format: c.req.valid("query").format,
        filename: `bulk-${job.id}`,
        columns: ITEM_COLUMNS,
        nextRows: async () => {
          const items = await store.items(job.id, undefined, offset, EXPORT_CHUNK);
          offset += items.length;
          return items;
        },
      });
    });

  /** A refused job's record says what could be read of it. */
  const recordInvalid = async (c: Context<AppEnv>, body: unknown, errors: { path: string }[]) => {
    const outer =
      typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const size = Array.isArray(outer.tickets) ? ` of ${outer.tickets.length} tickets` : "";
    const paths = [
      ...new Set(errors.map((error) => error.path.replace(/^tickets\.\d+/, "tickets.*"))),
    ];
    await audit.record({
      ...recordedCaller(c),
      kind: "bulk-job",
      outcome: "invalid",
      serviceId:
        typeof outer.serviceId === "string" && outer.serviceId.length <= 64
          ? outer.serviceId
          : null,
      detail: `bulk job${size}: invalid: ${paths.slice(0, 10).join(", ")}`,
    });
  };

  return signedInArea(deps.sessions, MAX_BULK_BODY_BYTES)
    .post("/", operatorOnly, jsonBody(bulkJobRequestSchema, recordInvalid), async (c) => {
      const request = c.req.valid("json");
      const count = request.tickets.length;
      const { service, record, limitKey } = await failPolicy.admit({
        channel: "bulk",
        caller: callerOf(c),
        request,
        expect: { value: String(count), what: "the number of tickets" },
        details: { reason: request.reason, detail: `bulk job of ${count} tickets` },
        tickets: count,
      });
      const name = service.name ?? (await services.nameOf(request.serviceId));
      const id = await runner.start(request, { ...service, name }, c.var.principal, limitKey);
      await audit.record({ ...record, outcome: "succeeded", jobId: id });
      c.var.logFields.jobId = id;
      return c.json((await shown(c, id))!, 201);
    })
    .route("/", jobs);
}
