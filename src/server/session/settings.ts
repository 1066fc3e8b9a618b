import { z } from "zod";
import { optional } from "../../shared/fail-request";
import { publicOrigin } from "../http/public-address";
import { weakCodeReason } from "./code-strength";
import { readLocalAccounts } from "./local-accounts";
import { isLoopbackUrl } from "../http/loopback";
import { OIDC_CALLBACK_PATH } from "./oidc";

/** How people sign in (a shared code, local accounts or OpenID Connect), and their sessions. */

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

const minutes = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const sessionSettings = z
  .object({
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
      z
        .string()
        .trim()
        .superRefine((code, ctx) => {
          const weak = weakCodeReason(code);
          if (weak !== undefined) {
            ctx.addIssue({
              code: "custom",
              message: `${weak} (or leave it empty to get a random one)`,
            });
          }
        }),
    ),
    CONSOLE_USERS: optional(z.string()),
    SIGN_IN_LOCKOUT_AFTER: z.coerce.number().int().min(2).max(1000).default(10),
    SIGN_IN_WINDOW_MINUTES: minutes(24 * 60, 15),
    SESSION_IDLE_MINUTES: minutes(24 * 60, 30),
    /** Overrides SESSION_IDLE_MINUTES, for demos and tests of the idle warning (10 s at least). */
    SESSION_IDLE_SECONDS: optional(
      z.coerce
        .number()
        .int()
        .min(10)
        .max(24 * 3600),
    ),
    SESSION_ABSOLUTE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24)
      .default(12),
    /** Read here for the OIDC redirect address it implies (checked by http/settings.ts). */
    PUBLIC_URL: optional(z.string()),
  })
  .superRefine((env, ctx) => {
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
    if (
      env.OIDC_ISSUER &&
      !env.OIDC_ISSUER.startsWith("https:") &&
      !isLoopbackUrl(env.OIDC_ISSUER)
    ) {
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
  })
  .transform((e) => ({
    auth: {
      /** Local: an access code. Absent: main.ts makes a random one and prints it once. */
      method:
        e.AUTH_MODE === "oidc"
          ? {
              mode: "oidc" as const,
              // Present: checked by the refinement above.
              issuer: e.OIDC_ISSUER!,
              clientId: e.OIDC_CLIENT_ID!,
              clientSecret: e.OIDC_CLIENT_SECRET!,
              redirectUri: e.OIDC_REDIRECT_URI ?? `${originOf(e.PUBLIC_URL)}${OIDC_CALLBACK_PATH}`,
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
            ? { mode: "accounts" as const, accounts: readLocalAccounts(e.CONSOLE_USERS) }
            : { mode: "local" as const, accessCode: e.CONSOLE_ACCESS_CODE },
      idleMs: (e.SESSION_IDLE_SECONDS ?? e.SESSION_IDLE_MINUTES * 60) * 1000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
      /** Wrong sign-ins per address or account in a window before it is locked until it ends. */
      lockoutAfter: e.SIGN_IN_LOCKOUT_AFTER,
      lockoutWindowMs: e.SIGN_IN_WINDOW_MINUTES * 60_000,
    },
  }));

/** PUBLIC_URL's origin (http/settings.ts reports a bad one). */
function originOf(publicUrl: string | undefined): string {
  const origin = publicUrl === undefined ? "" : publicOrigin(publicUrl);
  return typeof origin === "string" ? origin : "";
}
