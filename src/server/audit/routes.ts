import { z } from "zod";
import {
  anyFilterSet,
  auditEventSchema,
  auditFiltersSchema,
  auditPageQuerySchema,
} from "../../shared/audit";
import type { AuditPage } from "../../shared/audit";
import { EXPORT_CHUNK, EXPORT_FORMATS, streamExport } from "../http/export";
import { signedInArea } from "../http/guards";
import type { SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";
import { queryParams } from "../http/validation";
import { problemResponse } from "../http/problem";
import { roleAllows } from "../../shared/session";
import type { AuditSink } from "../../shared/audit-sinks";

const exportQuerySchema = auditFiltersSchema.extend({
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv or json." }),
});

const EXPORT_COLUMNS = auditEventSchema.keyof().options;

/** The audit trail, for operators and viewers alike. */
export function auditRoutes(deps: {
  sessions: SessionStore;
  audit: AuditTrail;
  /** The audit stream's sinks (none configured: an empty list). */
  sinks: () => Promise<AuditSink[]>;
}) {
  const { audit } = deps;
  return (
    signedInArea(deps.sessions)
      .get("/", queryParams(auditPageQuerySchema), async (c) => {
        const { cursor, limit, ...filters } = c.req.valid("query");
        const page: AuditPage = await audit.page(filters, limit, cursor);
        return c.json(page, 200);
      })
      .get("/export", queryParams(exportQuerySchema), (c) => {
        const { format, ...filters } = c.req.valid("query");
        // Only every record can be checked against the chain: a filtered export says it cannot.
        const filtered = anyFilterSet(filters);
        c.header(
          "X-Audit-Chain",
          filtered
            ? "filtered: records are left out, so this export cannot be verified against the chain"
            : "full: every record with chainSeq and chainHash; npm run audit:verify -- --export FILE",
        );
        let cursor: string | undefined;
        let more = true;
        return streamExport(c, {
          format,
          filename: `audit-${filtered ? "filtered-unverifiable" : "full"}-${new Date().toISOString().replace(/[:.]/g, "-")}`,
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
      // Supervisors watch the stream to the SIEM; a read, so a refusal is not an action to record.
      .get("/sinks", async (c) => {
        if (!roleAllows(c.var.principal.role, "supervisor")) {
          return problemResponse(c, {
            kind: "forbidden",
            status: 403,
            title: "Your role may not do this",
            detail: `Signed in as a ${c.var.principal.role}; the audit stream is for supervisors.`,
          });
        }
        return c.json({ sinks: await deps.sinks() }, 200);
      })
      .get("/recent", async (c) => {
        const me = c.var.principal;
        const page: AuditPage = {
          events: await audit.recentFailsOf(me.name, me.email, 8),
          nextCursor: null,
        };
        return c.json(page, 200);
      })
  );
}
