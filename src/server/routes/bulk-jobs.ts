import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { bulkItemSchema, bulkItemsQuerySchema, bulkJobRequestSchema } from "../../shared/bulk-job";
import type { BulkJob } from "../../shared/bulk-job";
import type { BulkRunner } from "../bulk/bulk-runner";
import { EXPORT_CHUNK, EXPORT_FORMATS, streamExport } from "../export";
import type { FailPolicy } from "../fail-policy";
import { MAX_BULK_BODY_BYTES, requireRole, signedInArea } from "../guards";
import { ProblemError, problemResponse } from "../problem";
import { callerOf } from "../request-context";
import type { AppEnv } from "../request-context";
import type { ServiceDirectory } from "../service-directory";
import type { SessionStore } from "../sessions";
import type { AuditTrail } from "../store/audit-trail";
import type { BulkJobStore } from "../store/bulk-job-store";
import { jsonBody, queryParams } from "../validation";

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

  async function jobOr404(c: Context<AppEnv>): Promise<BulkJob> {
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

  /** Pause, resume, cancel: 409 when the job is not in a state that allows it. */
  const control = (verb: "pause" | "resume" | "cancel", act: (id: string) => Promise<boolean>) =>
    [
      operatorOnly,
      async (c: Context<AppEnv>) => {
        const job = await jobOr404(c);
        if (!(await act(job.id))) {
          return problemResponse(c, {
            kind: "conflict",
            status: 409,
            title: `This job cannot ${verb} now`,
            detail: `It is ${job.status}${job.status === "interrupted" ? " (the console restarted)" : ""}.`,
          });
        }
        return c.json((await runner.view(job.id))!, 200);
      },
    ] as const;

  const jobs = new Hono<AppEnv>()
    .get("/", async (c) => {
      const recent = (
        await Promise.all((await store.recentJobs(20)).map((job) => runner.view(job.id)))
      ).filter((job): job is BulkJob => job !== undefined);
      return c.json(recent, 200);
    })
    .get("/:id", async (c) => c.json(await jobOr404(c), 200))
    .get("/:id/items", queryParams(bulkItemsQuerySchema), async (c) => {
      const job = await jobOr404(c);
      const { state, offset, limit } = c.req.valid("query");
      const [items, total] = await Promise.all([
        store.items(job.id, state, offset, limit),
        store.countItems(job.id, state),
      ]);
      return c.json({ items, total }, 200);
    })
    .post("/:id/pause", ...control("pause", (id) => runner.pause(id)))
    .post("/:id/resume", ...control("resume", (id) => runner.resume(id)))
    .post("/:id/cancel", ...control("cancel", (id) => runner.cancel(id)))
    .post("/:id/retry-failed", operatorOnly, async (c) => {
      const job = await jobOr404(c);
      if (!job.canRetry) {
        return problemResponse(c, {
          kind: "conflict",
          status: 409,
          title: "Nothing to retry here",
          detail:
            job.status === "interrupted"
              ? "The console stopped, and without TICKET_ENCRYPTION_KEY tickets are kept only in its memory: start a new job with the tickets of the failed lines."
              : "Retry works once the job has ended with failed tickets, while the console still holds them (BULK_RETRY_WINDOW_SECONDS after the end).",
        });
      }
      if ((await runner.retryFailed(job.id)) === 0) {
        return problemResponse(c, {
          kind: "conflict",
          status: 409,
          title: "Nothing to retry here",
          detail: "Another console is retrying this job, or its tickets are no longer kept.",
        });
      }
      return c.json((await runner.view(job.id))!, 200);
    })
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

  return signedInArea(deps.sessions, MAX_BULK_BODY_BYTES)
    .post("/", operatorOnly, jsonBody(bulkJobRequestSchema), async (c) => {
      const request = c.req.valid("json");
      const count = request.tickets.length;
      const { service } = await failPolicy.admit({
        channel: "bulk",
        caller: callerOf(c),
        request,
        expect: { value: String(count), what: "the number of tickets" },
        details: { reason: request.reason, detail: `bulk job of ${count} tickets` },
      });
      const name = service.name ?? (await services.nameOf(request.serviceId));
      const id = await runner.start(request, { ...service, name }, c.var.principal);
      c.var.logFields.jobId = id;
      return c.json((await runner.view(id))!, 201);
    })
    .route("/", jobs);
}
