import { Hono } from "hono";
import { stream } from "hono/streaming";
import { z } from "zod";
import {
  AUDIT_EXPORT_FORMATS,
  auditEventSchema,
  auditFiltersSchema,
  auditPageQuerySchema,
  previousFailsRequestSchema,
} from "../../shared/audit";
import type { AuditPage, PreviousFails } from "../../shared/audit";
import type { AuditTrail } from "../audit/audit-trail";
import { csvRecord } from "../audit/csv";
import type { AppEnv } from "../env";
import { jsonBody, queryParams } from "../validation";

const exportQuerySchema = auditFiltersSchema.extend({
  format: z.enum(AUDIT_EXPORT_FORMATS, { error: "Choose csv or json." }),
});

const EXPORT_COLUMNS = auditEventSchema.keyof().options;
/** Rows read per query while an export streams; other requests run between chunks. */
const EXPORT_CHUNK = 500;

/** The audit trail, for operators and viewers alike. */
export function auditRoutes(audit: AuditTrail) {
  return new Hono<AppEnv>()
    .get("/audit", queryParams(auditPageQuerySchema), (c) => {
      const { cursor, limit, ...filters } = c.req.valid("query");
      const page: AuditPage = audit.page(filters, limit, cursor);
      return c.json(page, 200);
    })
    .get("/audit/export", queryParams(exportQuerySchema), (c) => {
      const { format, ...filters } = c.req.valid("query");
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      c.header(
        "Content-Type",
        format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      );
      c.header("Content-Disposition", `attachment; filename="audit-${stamp}.${format}"`);
      return stream(c, async (out) => {
        await out.write(format === "csv" ? csvRecord(EXPORT_COLUMNS) : "[");
        let cursor: string | undefined;
        let first = true;
        do {
          const page = audit.page(filters, EXPORT_CHUNK, cursor);
          let chunk = "";
          for (const event of page.events) {
            if (format === "csv") {
              chunk += csvRecord(EXPORT_COLUMNS.map((column) => event[column]));
            } else {
              chunk += `${first ? "\n" : ",\n"}${JSON.stringify(event)}`;
              first = false;
            }
          }
          await out.write(chunk);
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        if (format === "json") await out.write("\n]\n");
      });
    })
    .get("/audit/recent", (c) => {
      const me = c.var.principal;
      const page: AuditPage = {
        events: audit.recentFailsOf(me.name, me.email, 8),
        nextCursor: null,
      };
      return c.json(page, 200);
    })
    .post("/audit/previous-fails", jsonBody(previousFailsRequestSchema), (c) => {
      const { serviceId, ticket } = c.req.valid("json");
      const answer: PreviousFails = { fails: audit.previousFails(serviceId, ticket) };
      return c.json(answer, 200);
    });
}
