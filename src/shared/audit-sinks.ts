import { z } from "zod";

/** GET /api/audit/sinks (supervisors): where the audit stream stands, sink by sink. */
export const auditSinkSchema = z.object({
  name: z.enum(["webhook", "syslog"]),
  /** Where it sends (an origin, or tcp:// / tls:// host and port): never a secret. */
  target: z.string(),
  /** `retrying`: the last send failed; `failingSince` says since when. */
  state: z.enum(["delivering", "retrying"]),
  cursor: z.number().int(),
  recordsBehind: z.number().int(),
  secondsBehind: z.number().int(),
  /** Behind more than AUDIT_STREAM_MAX_LAG_SECONDS. */
  lagging: z.boolean(),
  failingSince: z.string().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type AuditSink = z.infer<typeof auditSinkSchema>;

export const auditSinksSchema = z.object({ sinks: z.array(auditSinkSchema) });
