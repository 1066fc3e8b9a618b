import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { bulkItemSchema, bulkItemsQuerySchema, bulkJobRequestSchema } from "../../shared/bulk-job";
import type { BulkJob } from "../../shared/bulk-job";
import type { AuditTrail } from "../audit/audit-trail";
import type { BulkRunner } from "../bulk/bulk-runner";
import type { BulkStore } from "../bulk/bulk-store";
import type { AppEnv } from "../env";
import { EXPORT_CHUNK, EXPORT_FORMATS, streamExport } from "../export";
import { ProblemError, problemResponse } from "../problem";
import { missingProductionConfirmation } from "../production";
import type { ServiceDirectory } from "../service-directory";
import { jsonBody, queryParams } from "../validation";
import { requireRole } from "./session";

const ITEM_COLUMNS = bulkItemSchema.keyof().options;
const exportQuerySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv or json." }),
});

/** Bulk fail: jobs run in the BFF; the page starts, watches, pauses and exports them. */
export function bulkJobRoutes(
  services: ServiceDirectory,
  runner: BulkRunner,
  store: BulkStore,
  audit: AuditTrail,
) {
  const operatorOnly = requireRole("operator", audit, "fail");

  function jobOr404(c: Context<AppEnv>): BulkJob {
    const job = runner.view(c.req.param("id") ?? "");
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
  const control = (verb: "pause" | "resume" | "cancel", act: (id: string) => boolean) =>
    [
      operatorOnly,
      (c: Context<AppEnv>) => {
        const job = jobOr404(c);
        if (!act(job.id)) {
          return problemResponse(c, {
            kind: "validation-failed",
            status: 409,
            title: `This job cannot ${verb} now`,
            detail: `It is ${job.status}${job.status === "interrupted" ? " (the console restarted)" : ""}.`,
          });
        }
        return c.json(runner.view(job.id)!, 200);
      },
    ] as const;

  return new Hono<AppEnv>()
    .post("/bulk-jobs", operatorOnly, jsonBody(bulkJobRequestSchema), async (c) => {
      const request = c.req.valid("json");
      const service = services.resolve(request.serviceId);
      const unconfirmed = missingProductionConfirmation(service, request.serviceId, request, {
        value: String(request.tickets.length),
        what: "the number of tickets",
      });
      if (unconfirmed) return problemResponse(c, unconfirmed);
      const name = service.name ?? (await services.nameOf(request.serviceId));
      const id = runner.start(request, { ...service, name }, c.var.principal);
      c.var.logFields.jobId = id;
      return c.json(runner.view(id)!, 201);
    })
    .get("/bulk-jobs", (c) => {
      const jobs = store
        .recentJobs(20)
        .map((job) => runner.view(job.id))
        .filter((job): job is BulkJob => job !== undefined);
      return c.json(jobs, 200);
    })
    .get("/bulk-jobs/:id", (c) => c.json(jobOr404(c), 200))
    .get("/bulk-jobs/:id/items", queryParams(bulkItemsQuerySchema), (c) => {
      const job = jobOr404(c);
      const { state, offset, limit } = c.req.valid("query");
      return c.json(
        {
          items: store.items(job.id, state, offset, limit),
          total: store.countItems(job.id, state),
        },
        200,
      );
    })
    .post("/bulk-jobs/:id/pause", ...control("pause", (id) => runner.pause(id)))
    .post("/bulk-jobs/:id/resume", ...control("resume", (id) => runner.resume(id)))
    .post("/bulk-jobs/:id/cancel", ...control("cancel", (id) => runner.cancel(id)))
    .post("/bulk-jobs/:id/retry-failed", operatorOnly, (c) => {
      const job = jobOr404(c);
      if (!job.canRetry) {
        return problemResponse(c, {
          kind: "validation-failed",
          status: 409,
          title: "Nothing to retry here",
          detail:
            job.status === "interrupted"
              ? "The console restarted, and tickets are never stored: start a new job with the tickets of the failed lines."
              : "Retry works once the job has stopped and has failed tickets.",
        });
      }
      runner.retryFailed(job.id);
      return c.json(runner.view(job.id)!, 200);
    })
    .get("/bulk-jobs/:id/export", queryParams(exportQuerySchema), (c) => {
      const job = jobOr404(c);
      let offset = 0;
      return streamExport(c, {
        format: c.req.valid("query").format,
        filename: `bulk-${job.id}`,
        columns: ITEM_COLUMNS,
        nextRows: () => {
          const items = store.items(job.id, undefined, offset, EXPORT_CHUNK);
          offset += items.length;
          return items;
        },
      });
    });
}
