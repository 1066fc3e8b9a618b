import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { parseFaults } from "../simulator/faults";
import { optional } from "../shared/fail-request";
import type { SimulatorFault } from "../simulator/faults";
import { SeedError, readSeedFile } from "../simulator/seed-file";
import type { SimulatorSeed } from "../simulator/seed-types";
import { isLoopback } from "./session/oidc";
import { readServices } from "./authlete/service-profiles";
import type { ServiceSettings } from "./authlete/service-profiles";
import { ConfigError } from "./config-error";
import type { RequestTimeouts } from "./http/listen";
import { readLocalAccounts } from "./session/local-accounts";
import type { LocalAccounts } from "./session/local-accounts";
import type { OidcSettings } from "./session/oidc";
import { OIDC_CALLBACK_PATH } from "./session/oidc";
import { parseTrustProxy, publicOrigin } from "./http/public-address";
import type { TrustProxy } from "./http/public-address";

/**
 * The only reader of the environment. Parsed once at boot; a bad value stops the start with a
 * message that names the variable. Secrets stay here and in authlete.ts, never in the page.
 */

const commaList = z
  .string()
  .default("")
  .transform((list) =>
    list
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const OIDC_REQUIRED = [
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "OIDC_REDIRECT_URI",
] as const;

const envSchema = z
  .object({
    AUTHLETE_BASE_URL: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .default("https://us.authlete.com")
      .transform((url) => url.replace(/\/+$/, "")),
    AUTHLETE_ACCESS_TOKEN: optional(z.string()),
    AUTHLETE_TIMEOUT_MS: z.coerce
      .number({ error: "must be a number of milliseconds" })
      .int("must be a whole number of milliseconds")
      .min(100, "must be at least 100 ms")
      .max(600_000, "must be at most 600000 ms")
      .default(10_000),
    AUTHLETE_TEST_CLIENT_ID: optional(z.string()),
    AUTHLETE_TEST_CLIENT_SECRET: optional(z.string()),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce
      .number({ error: "must be a port number" })
      .int()
      .min(0, "must be 0 to 65535")
      .max(65535, "must be 0 to 65535")
      .default(8787),
    SIMULATOR_ACCESS_TOKEN: optional(z.string()),
    SIMULATOR_TICKET_TTL_SECONDS: z.coerce.number().int().positive().default(600),
    SIMULATOR_SEED: optional(z.string()),
    SIMULATOR_FAULTS: optional(z.string()).transform((json, ctx) => {
      try {
        return parseFaults(json);
      } catch {
        ctx.addIssue({
          code: "custom",
          message: "must be a JSON array of faults (see README)",
        });
        return z.NEVER;
      }
    }),
    AUTH_MODE: z.enum(["local", "oidc"], { error: "must be local or oidc" }).default("local"),
    OIDC_ISSUER: optional(z.url({ protocol: /^https?$/, error: "must be an https:// URL" })),
    OIDC_CLIENT_ID: optional(z.string()),
    OIDC_CLIENT_SECRET: optional(z.string()),
    OIDC_REDIRECT_URI: optional(
      z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }),
    ),
    OIDC_SCOPES: z.string().default("openid email profile"),
    OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
    OIDC_SUPERVISOR_EMAILS: commaList,
    OIDC_SUPERVISOR_GROUPS: commaList,
    OIDC_OPERATOR_EMAILS: commaList,
    OIDC_VIEWER_EMAILS: commaList,
    OIDC_OPERATOR_GROUPS: commaList,
    OIDC_VIEWER_GROUPS: commaList,
    CONSOLE_ACCESS_CODE: optional(
      z.string().min(12, "must be at least 12 characters (or leave it empty to get a random one)"),
    ),
    CONSOLE_USERS: optional(z.string()),
    SIGN_IN_LOCKOUT_AFTER: z.coerce.number().int().min(2).max(1000).default(10),
    SIGN_IN_WINDOW_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    SESSION_ABSOLUTE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24)
      .default(12),
    CONSOLE_CONFIG: optional(z.string()),
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
    AUDIT_DB: z.string().min(1).default("./data/audit.db"),
    AUDIT_DB_SYNCHRONOUS: z
      .enum(["full", "normal"], { error: "must be full or normal" })
      .default("full"),
    DATABASE_URL: optional(
      z
        .string()
        .regex(/^postgres(?:ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .pipe(z.url({ error: "must be a postgres:// or postgresql:// URL" })),
    ),
    TICKET_ENCRYPTION_KEY: optional(z.string()),
    TICKET_ENCRYPTION_KEY_FILE: optional(z.string()),
    PUBLIC_URL: optional(z.string()).transform((value, ctx) => {
      if (value === undefined) return undefined;
      const origin = publicOrigin(value);
      if (typeof origin === "string") return origin;
      ctx.addIssue({ code: "custom", message: origin.error });
      return z.NEVER;
    }),
    TRUST_PROXY: optional(z.string()).transform((value, ctx) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
    AUDIT_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
    FAIL_RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(1, "must be at least 1")
      .max(1_000_000)
      .default(30),
    HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
    REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    BULK_TICKETS_PER_HOUR: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(1, "must be at least 1")
      .max(10_000_000)
      .default(10_000),
    BULK_MAX_OPEN_JOBS: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(1, "must be 1 to 100")
      .max(100, "must be 1 to 100")
      .default(3),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
  })
  .refine(
    (env) =>
      (env.AUTHLETE_TEST_CLIENT_ID === undefined) ===
      (env.AUTHLETE_TEST_CLIENT_SECRET === undefined),
    {
      path: ["AUTHLETE_TEST_CLIENT_SECRET"],
      message:
        "AUTHLETE_TEST_CLIENT_ID and AUTHLETE_TEST_CLIENT_SECRET go together: set both or neither",
    },
  )
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
    if (env.CONSOLE_USERS !== undefined && env.CONSOLE_ACCESS_CODE !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["CONSOLE_USERS"],
        message:
          "set CONSOLE_USERS (an account per person) or CONSOLE_ACCESS_CODE (one shared code), not both",
      });
    }
    if (env.CONSOLE_USERS !== undefined && env.AUTH_MODE === "oidc") {
      ctx.addIssue({
        code: "custom",
        path: ["CONSOLE_USERS"],
        message: "local accounts and AUTH_MODE=oidc exclude each other: unset one",
      });
    }
    if (env.AUTH_MODE !== "oidc") return;
    for (const name of OIDC_REQUIRED) {
      if (name === "OIDC_REDIRECT_URI" && env.PUBLIC_URL) continue;
      if (env[name] === undefined) {
        ctx.addIssue({ code: "custom", path: [name], message: "is required when AUTH_MODE=oidc" });
      }
    }
    if (env.OIDC_ISSUER && !env.OIDC_ISSUER.startsWith("https:") && !isLoopback(env.OIDC_ISSUER)) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_ISSUER"],
        message: "must be https:// (plain http only for a provider on this machine)",
      });
    }
    const rules = [
      env.OIDC_SUPERVISOR_EMAILS,
      env.OIDC_SUPERVISOR_GROUPS,
      env.OIDC_OPERATOR_EMAILS,
      env.OIDC_VIEWER_EMAILS,
      env.OIDC_OPERATOR_GROUPS,
      env.OIDC_VIEWER_GROUPS,
    ];
    if (rules.every((list) => list.length === 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["OIDC_OPERATOR_EMAILS"],
        message:
          "no one could sign in: set OIDC_SUPERVISOR_*, OIDC_OPERATOR_* or OIDC_VIEWER_* (EMAILS or GROUPS)",
      });
    }
  });

export interface ConsoleSettings {
  /** Absent: the console runs the embedded simulator and talks to it. */
  authlete:
    | { mode: "cluster"; baseUrl: string; accessToken: string }
    | {
        mode: "embedded-simulator";
        accessToken: string | undefined;
        ticketTtlSeconds: number;
        faults: SimulatorFault[];
        /** SIMULATOR_SEED, read and checked; absent: the built-in seed. */
        seed: SimulatorSeed | undefined;
      };
  timeoutMs: number;
  testClient: { clientId: string; clientSecret: string } | undefined;
  host: string;
  port: number;
  /** How long a client may take to send its headers, and its whole request. */
  requestTimeouts: RequestTimeouts;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  auth: {
    /** Local: an access code. Absent: main.ts makes a random one and prints it once. */
    method:
      | { mode: "local"; accessCode: string | undefined }
      | { mode: "accounts"; accounts: LocalAccounts }
      | ({ mode: "oidc" } & OidcSettings);
    idleMs: number;
    absoluteMs: number;
    /** Wrong sign-ins per address or account in a window before it is locked until the window ends. */
    lockoutAfter: number;
    lockoutWindowMs: number;
  };
  auditDbPath: string;
  auditBusyTimeoutMs: number;
  auditSynchronous: "full" | "normal";
  /** PostgreSQL; absent: SQLite at auditDbPath. */
  databaseUrl: string | undefined;
  /** 32 bytes for sealing bulk tickets in the database; absent: tickets stay in memory. */
  ticketKey: Buffer | undefined;
  /** The origin people use (scheme, host, port); absent: loopback behaviour. */
  publicUrl: string | undefined;
  trustProxy: TrustProxy;
  failsPerMinute: number;
  /** Budgets per person: bulk tickets per hour, and unfinished jobs at once. */
  bulkTicketsPerHour: number;
  bulkMaxOpenJobs: number;
  /** The services of CONSOLE_CONFIG, secrets resolved; absent without the file. */
  services: ServiceSettings[] | undefined;
  bulk: {
    concurrency: number;
    retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
    /** How long an ended job keeps its failed tickets for Retry failed. */
    retryWindowMs: number;
  };
}

export { ConfigError };

/** SIMULATOR_SEED's problems stop the start like any other setting's. */
function readSeed(path: string): SimulatorSeed {
  try {
    return readSeedFile(path);
  } catch (error) {
    if (error instanceof SeedError) {
      throw new ConfigError(error.problems.map((problem) => `SIMULATOR_SEED: ${problem}`));
    }
    throw error;
  }
}

/** The ticket key: base64 of 32 bytes, inline or in a file (a mounted secret). */
function readTicketKey(inline: string | undefined, file: string | undefined): Buffer | undefined {
  let encoded = inline;
  if (file !== undefined) {
    try {
      encoded = readFileSync(file, "utf8").trim();
    } catch {
      throw new ConfigError([`TICKET_ENCRYPTION_KEY_FILE: cannot read ${file}`]);
    }
  }
  if (encoded === undefined) return undefined;
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32 || !/^[A-Za-z0-9+/=\s]+$/.test(encoded)) {
    const name = file === undefined ? "TICKET_ENCRYPTION_KEY" : "TICKET_ENCRYPTION_KEY_FILE";
    throw new ConfigError([
      `${name}: must be 32 bytes in base64 (openssl rand -base64 32); this is ${key.length} bytes`,
    ]);
  }
  return key;
}

/** Reads `.env` (when present) under the real environment, which wins. */
export function readEnvironment(dotenvPath = ".env"): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...process.env };
}

export function parseSettings(env: Record<string, string | undefined>): ConsoleSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable and the rule, never the value: it may be a secret.
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    authlete: e.AUTHLETE_ACCESS_TOKEN
      ? { mode: "cluster", baseUrl: e.AUTHLETE_BASE_URL, accessToken: e.AUTHLETE_ACCESS_TOKEN }
      : {
          mode: "embedded-simulator",
          accessToken: e.SIMULATOR_ACCESS_TOKEN,
          ticketTtlSeconds: e.SIMULATOR_TICKET_TTL_SECONDS,
          faults: e.SIMULATOR_FAULTS,
          seed: e.SIMULATOR_SEED === undefined ? undefined : readSeed(e.SIMULATOR_SEED),
        },
    timeoutMs: e.AUTHLETE_TIMEOUT_MS,
    testClient:
      e.AUTHLETE_TEST_CLIENT_ID && e.AUTHLETE_TEST_CLIENT_SECRET
        ? { clientId: e.AUTHLETE_TEST_CLIENT_ID, clientSecret: e.AUTHLETE_TEST_CLIENT_SECRET }
        : undefined,
    host: e.HOST,
    port: e.PORT,
    requestTimeouts: {
      headersMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
      requestMs: Math.max(e.REQUEST_TIMEOUT_SECONDS, e.HEADERS_TIMEOUT_SECONDS) * 1000,
    },
    logLevel: e.LOG_LEVEL,
    auth: {
      method:
        e.AUTH_MODE === "oidc"
          ? {
              mode: "oidc",
              // Present: checked by the refinement above.
              issuer: e.OIDC_ISSUER!,
              clientId: e.OIDC_CLIENT_ID!,
              clientSecret: e.OIDC_CLIENT_SECRET!,
              redirectUri: e.OIDC_REDIRECT_URI ?? `${e.PUBLIC_URL!}${OIDC_CALLBACK_PATH}`,
              scopes: e.OIDC_SCOPES,
              roles: {
                supervisorEmails: e.OIDC_SUPERVISOR_EMAILS,
                supervisorGroups: e.OIDC_SUPERVISOR_GROUPS,
                operatorEmails: e.OIDC_OPERATOR_EMAILS,
                viewerEmails: e.OIDC_VIEWER_EMAILS,
                groupsClaim: e.OIDC_GROUPS_CLAIM,
                operatorGroups: e.OIDC_OPERATOR_GROUPS,
                viewerGroups: e.OIDC_VIEWER_GROUPS,
              },
            }
          : e.CONSOLE_USERS !== undefined
            ? { mode: "accounts", accounts: readLocalAccounts(e.CONSOLE_USERS) }
            : { mode: "local", accessCode: e.CONSOLE_ACCESS_CODE },
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
      lockoutAfter: e.SIGN_IN_LOCKOUT_AFTER,
      lockoutWindowMs: e.SIGN_IN_WINDOW_MINUTES * 60_000,
    },
    auditDbPath: e.AUDIT_DB,
    auditBusyTimeoutMs: e.AUDIT_DB_BUSY_TIMEOUT_MS,
    auditSynchronous: e.AUDIT_DB_SYNCHRONOUS,
    databaseUrl: e.DATABASE_URL,
    ticketKey: readTicketKey(e.TICKET_ENCRYPTION_KEY, e.TICKET_ENCRYPTION_KEY_FILE),
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY,
    failsPerMinute: e.FAIL_RATE_LIMIT_PER_MINUTE,
    bulkTicketsPerHour: e.BULK_TICKETS_PER_HOUR,
    bulkMaxOpenJobs: e.BULK_MAX_OPEN_JOBS,
    services: e.CONSOLE_CONFIG === undefined ? undefined : readServices(e.CONSOLE_CONFIG, env),
    bulk: {
      concurrency: e.BULK_CONCURRENCY,
      retry: {
        attempts: e.BULK_RETRY_ATTEMPTS,
        baseDelayMs: e.BULK_RETRY_BASE_MS,
        maxDelayMs: Math.max(e.BULK_RETRY_BASE_MS, e.BULK_RETRY_MAX_MS),
      },
      retryWindowMs: e.BULK_RETRY_WINDOW_SECONDS * 1000,
    },
  };
}
