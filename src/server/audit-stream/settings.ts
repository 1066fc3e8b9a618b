import { z } from "zod";
import { wholeNumber as whole } from "../settings-rules";

/**
 * The audit stream (issue 22, part 2): where the chained records go besides the database.
 * Each sink is optional; the secret's text is never echoed.
 */
export const auditStreamSettings = z
  .object({
    AUDIT_WEBHOOK_URL: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
    AUDIT_WEBHOOK_SECRET: z
      .string()
      .min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)")
      .optional(),
    AUDIT_SYSLOG_URL: z
      .string()
      .regex(
        /^(tcp|tls):\/\/[^/:]+:\d{1,5}$/,
        "must be tcp://host:port or tls://host:port (RFC 5424 over TCP, octet-counted)",
      )
      .optional(),
    /** Older undelivered records than this raise the alarm (log, metrics). */
    AUDIT_STREAM_MAX_LAG_SECONDS: whole("seconds", 1, 86_400).default(300),
    AUDIT_STREAM_BATCH: whole("records", 1, 5000).default(200),
    /** How often each replica looks for records to send (and renews its lease). */
    AUDIT_STREAM_INTERVAL_MS: whole("milliseconds", 20, 60_000).default(1000),
  })
  .superRefine((e, context) => {
    if (e.AUDIT_WEBHOOK_URL && !e.AUDIT_WEBHOOK_SECRET) {
      context.addIssue({
        code: "custom",
        path: ["AUDIT_WEBHOOK_SECRET"],
        message: "is needed with AUDIT_WEBHOOK_URL (the receiver checks each batch's signature)",
      });
    }
  })
  .transform((e) => ({
    auditStream: {
      webhook:
        e.AUDIT_WEBHOOK_URL && e.AUDIT_WEBHOOK_SECRET
          ? { url: e.AUDIT_WEBHOOK_URL, secret: e.AUDIT_WEBHOOK_SECRET }
          : undefined,
      syslog: e.AUDIT_SYSLOG_URL ? syslogTarget(e.AUDIT_SYSLOG_URL) : undefined,
      maxLagMs: e.AUDIT_STREAM_MAX_LAG_SECONDS * 1000,
      batch: e.AUDIT_STREAM_BATCH,
      intervalMs: e.AUDIT_STREAM_INTERVAL_MS,
    },
  }));

function syslogTarget(url: string) {
  const parsed = /^(tcp|tls):\/\/([^/:]+):(\d+)$/.exec(url)!;
  return { tls: parsed[1] === "tls", host: parsed[2]!, port: Number(parsed[3]) };
}
