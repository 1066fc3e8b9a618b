import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { bulkItemSchema, bulkItemsQuerySchema, bulkJobRequestSchema } from "../../shared/bulk-job";
import type { BulkBudgetInfo } from "../../shared/bulk-job";
import type { ActionPolicy } from "../actions/action-policy";
import type { AuditTrail } from "../actions/audit-trail";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { AppEnv } from "../http/app-env";
import { EXPORT_CHUNK, EXPORT_FORMATS, streamExport } from "../http/export";
import { MAX_BULK_BODY_BYTES, limitBodySize, requireRole, requireSession } from "../http/guards";
import { refuseDuplicateKeys } from "../http/strict-json";
import { jsonBody, queryParams } from "../http/validation";
import type { SessionStore } from "../identity/sessions";
import type { BulkJobStore } from "./bulk-job-store";
import type { BulkRunner } from "./bulk-runner";
import { controlJob, jobAccess } from "./job-control";
import { recordInvalidJob, startJob } from "./start-job";
import type { Approvals } from "../actions/approvals";

const ITEM_COLUMNS = bulkItemSchema.keyof().options;
const exportQuerySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv or json." }),
});

/**
 * /api/bulk-jobs: jobs run in the BFF; the page starts, watches, pauses and exports them. The
 * only route with a large body (a job's ticket list): its 4 MiB limit and the body's reading
 * come after the operator role is known, so a viewer's megabytes are never read.
 */
export function bulkJobRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  audit: AuditTrail;
  actionPolicy: ActionPolicy;
  runner: BulkRunner;
  store: BulkJobStore;
  approvals: Approvals;
}) {
  const { audit, actionPolicy, runner, store } = deps;
  const operatorOnly = requireRole("operator", audit, "bulk-job");
  const controlsOperatorOnly = requireRole("operator", audit, "job-control", (c) => ({
    jobId: c.req.param("id"),
  }));
  const access = jobAccess(runner);

  const jobs = new Hono<AppEnv>()
    .use(limitBodySize())
    .use(refuseDuplicateKeys())
    .get("/", async (c) => {
      const views = await runner.recentViews(20);
      return c.json(
        views.map((view) => access.presented(c, view)),
        200,
      );
    })
    .get("/budget", async (c) => {
      const budget: BulkBudgetInfo = await actionPolicy.bulkBudget(
        c.var.principal,
        c.var.client.address,
      );
      return c.json(budget, 200);
    })
    .get("/:id", async (c) => c.json(access.presented(c, await access.jobOr404(c)), 200))
    .get("/:id/items", queryParams(bulkItemsQuerySchema), async (c) => {
      const job = await access.jobOr404(c);
      const { state, offset, limit } = c.req.valid("query");
      const [items, total] = await Promise.all([
        store.items(job.id, state, offset, limit),
        store.countItems(job.id, state),
      ]);
      return c.json({ items, total }, 200);
    })
    .post("/:id/pause", controlsOperatorOnly, async (c) =>
      c.json(await controlJob(deps, c, "pause"), 200),
    )
    .post("/:id/resume", controlsOperatorOnly, async (c) =>
      c.json(await controlJob(deps, c, "resume"), 200),
    )
    .post("/:id/cancel", controlsOperatorOnly, async (c) =>
      c.json(await controlJob(deps, c, "cancel"), 200),
    )
    .post("/:id/retry-failed", controlsOperatorOnly, async (c) =>
      c.json(await controlJob(deps, c, "retry-failed"), 200),
    )
    .get("/:id/export", queryParams(exportQuerySchema), async (c) => {
      const job = await access.jobOr404(c);
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

  return new Hono<AppEnv>()
    .use(requireSession(deps.sessions))
    .post(
      "/",
      operatorOnly,
      limitBodySize(MAX_BULK_BODY_BYTES),
      refuseDuplicateKeys(),
      jsonBody(bulkJobRequestSchema, (c: Context<AppEnv>, body, errors) =>
        recordInvalidJob(audit, c, body, errors),
      ),
      async (c) => {
        const started = await startJob(deps, c, c.req.valid("json"));
        // Four-eyes (issue 21): 202, the job waits for a supervisor's approval.
        return "approval" in started ? c.json(started, 202) : c.json(started, 201);
      },
    )
    .route("/", jobs);
}
