import { z } from "zod";
import { auditEventSchema, auditFiltersSchema, auditPageQuerySchema } from "../../shared/audit";
import type { AuditPage } from "../../shared/audit";
import { EXPORT_CHUNK, EXPORT_FORMATS, streamExport } from "../http/export";
import { signedInArea } from "../http/guards";
import type { SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";
import { queryParams } from "../http/validation";

const exportQuerySchema = auditFiltersSchema.extend({
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv or json." }),
});

const EXPORT_COLUMNS = auditEventSchema.keyof().options;

/** The audit trail, for operators and viewers alike. */
export function auditRoutes(deps: { sessions: SessionStore; audit: AuditTrail }) {
  const { audit } = deps;
  return signedInArea(deps.sessions)
    .get("/", queryParams(auditPageQuerySchema), async (c) => {
      const { cursor, limit, ...filters } = c.req.valid("query");
      const page: AuditPage = await audit.page(filters, limit, cursor);
      return c.json(page, 200);
    })
    .get("/export", queryParams(exportQuerySchema), (c) => {
      const { format, ...filters } = c.req.valid("query");
      let cursor: string | undefined;
      let more = true;
      return streamExport(c, {
        format,
        filename: `audit-${new Date().toISOString().replace(/[:.]/g, "-")}`,
        columns: EXPORT_COLUMNS,
        nextRows: async () => {
          if (!more) return [];
          const page = await audit.page(filters, EXPORT_CHUNK, cursor);
          cursor = page.nextCursor ?? undefined;
          more = cursor !== undefined;
          return page.events;
        },
      });
    })
    .get("/recent", async (c) => {
      const me = c.var.principal;
      const page: AuditPage = {
        events: await audit.recentFailsOf(me.name, me.email, 8),
        nextCursor: null,
      };
      return c.json(page, 200);
    });
}
