import { z } from "zod";
import { isLoopbackUrl } from "../http/loopback";
import { optional } from "../../shared/fail-request";

/** Where the records live: SQLite (a file) or PostgreSQL (DATABASE_URL). */
export const databaseSettings = z
  .object({
    AUDIT_DB: z.string().min(1).default("./data/audit.db"),
    AUDIT_DB_SYNCHRONOUS: z
      .enum(["full", "normal"], { error: "must be full or normal" })
      .default("full"),
    AUDIT_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
    DATABASE_URL: optional(
      z
        .string()
        .regex(/^postgres(?:ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .pipe(z.url({ error: "must be a postgres:// or postgresql:// URL" })),
    ),
  })
  .transform((e) => ({
    auditDbPath: e.AUDIT_DB,
    auditBusyTimeoutMs: e.AUDIT_DB_BUSY_TIMEOUT_MS,
    auditSynchronous: e.AUDIT_DB_SYNCHRONOUS,
    /** PostgreSQL; absent: SQLite at auditDbPath. */
    databaseUrl: e.DATABASE_URL,
    /** Said once at start. */
    databaseWarnings: databaseWarningsOf(e.DATABASE_URL),
  }));

/** A remote PostgreSQL reached without sslmode: node-postgres then speaks plain text. */
function databaseWarningsOf(url: string | undefined): string[] {
  if (url === undefined || isLoopbackUrl(url)) return [];
  if (new URL(url).searchParams.has("sslmode")) return [];
  const host = new URL(url).hostname;
  return [
    `DATABASE_URL names ${host} without sslmode: records, sessions and sealed tickets travel unencrypted. Add ?sslmode=verify-full (with the server's CA in sslrootcert) to encrypt and check who answers.`,
  ];
}
