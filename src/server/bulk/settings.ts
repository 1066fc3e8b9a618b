import { readConfigFile } from "../config-file";
import { z } from "zod";
import { optional } from "../../shared/fail-request";

/** How bulk jobs run, and the key that lets another replica go on with one. */
export const bulkSettings = z
  .object({
    BULK_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1, "must be 1 to 64")
      .max(64, "must be 1 to 64")
      .default(4),
    BULK_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    BULK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
    BULK_RETRY_MAX_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
    BULK_RETRY_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(3600),
    TICKET_ENCRYPTION_KEY: optional(z.string()),
    TICKET_ENCRYPTION_KEY_FILE: optional(z.string()),
    /** Read here only to require a ticket key with it. */
    DATABASE_URL: optional(z.string()),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.TICKET_ENCRYPTION_KEY && !env.TICKET_ENCRYPTION_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["TICKET_ENCRYPTION_KEY"],
        message:
          "is required with DATABASE_URL (32 random bytes, base64: openssl rand -base64 32), so that another replica can go on with a bulk job",
      });
    }
    if (env.TICKET_ENCRYPTION_KEY && env.TICKET_ENCRYPTION_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["TICKET_ENCRYPTION_KEY_FILE"],
        message: "set TICKET_ENCRYPTION_KEY or TICKET_ENCRYPTION_KEY_FILE, not both",
      });
    }
  })
  .transform((e, ctx) => ({
    /** 32 bytes for sealing bulk tickets in the database; absent: tickets stay in memory. */
    ticketKey: readTicketKey(e.TICKET_ENCRYPTION_KEY, e.TICKET_ENCRYPTION_KEY_FILE, ctx),
    bulk: {
      concurrency: e.BULK_CONCURRENCY,
      retry: {
        attempts: e.BULK_RETRY_ATTEMPTS,
        baseDelayMs: e.BULK_RETRY_BASE_MS,
        maxDelayMs: Math.max(e.BULK_RETRY_BASE_MS, e.BULK_RETRY_MAX_MS),
      },
      /** How long an ended job keeps its failed tickets for Retry failed. */
      retryWindowMs: e.BULK_RETRY_WINDOW_SECONDS * 1000,
    },
  }));

/** The ticket key: base64 of 32 bytes, inline or in a file (a mounted secret). */
function readTicketKey(
  inline: string | undefined,
  file: string | undefined,
  ctx: z.RefinementCtx,
): Buffer | undefined {
  const name = file === undefined ? "TICKET_ENCRYPTION_KEY" : "TICKET_ENCRYPTION_KEY_FILE";
  let encoded = inline;
  if (file !== undefined) {
    try {
      encoded = readConfigFile(file).trim();
    } catch {
      ctx.addIssue({ code: "custom", path: [name], message: `cannot read ${file}` });
      return undefined;
    }
  }
  if (encoded === undefined) return undefined;
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32 || !/^[A-Za-z0-9+/=\s]+$/.test(encoded)) {
    ctx.addIssue({
      code: "custom",
      path: [name],
      message: `must be 32 bytes in base64 (openssl rand -base64 32); this is ${key.length} bytes`,
    });
    return undefined;
  }
  return key;
}
