import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import type { z } from "zod";
import { embeddedSimulatorSettings } from "../simulator/settings";
import { budgetSettings } from "./actions/settings";
import { approvalSettings } from "./approvals/settings";
import { auditChainSettings } from "./audit-chain/settings";
import { auditStreamSettings } from "./audit-stream/settings";
import { readServices } from "./authlete/service-profiles";
import { authleteSettings } from "./authlete/settings";
import { bulkSettings } from "./bulk/settings";
import { ConfigError } from "./config-error";
import { databaseSettings } from "./db/settings";
import { httpSettings } from "./http/settings";
import { notificationSettings } from "./notifications/settings";
import { labSettings } from "./lab/settings";
import { metricsSettings } from "./metrics/settings";
import { sessionSettings } from "./session/settings";

/**
 * The only reader of the environment. Each area owns a zod schema of its variables whose output
 * is its part of the settings (http/, db/, authlete/, session/, bulk/, actions/ settings.ts, and
 * the simulator's own); the settings type is their outputs together, written nowhere else.
 * Parsed once at boot; every bad value stops the start with a message that names the variable.
 * Secrets stay in the settings and in authlete/gateway.ts, never in the page.
 */
export type ConsoleSettings = ReturnType<typeof parseSettings>;

export { ConfigError };

/** Reads `.env` (when present) under the real environment, which wins. */
export function readEnvironment(dotenvPath = ".env"): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...process.env };
}

export function parseSettings(env: Record<string, string | undefined>) {
  const problems: string[] = [];
  const parse = <T extends z.ZodType>(schema: T): z.output<T> | undefined => {
    const parsed = schema.safeParse(env);
    if (parsed.success) return parsed.data;
    // Name the variable and the rule, never the value: it may be a secret.
    problems.push(
      ...parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
    return undefined;
  };
  const http = parse(httpSettings);
  const database = parse(databaseSettings);
  const session = parse(sessionSettings);
  const bulk = parse(bulkSettings);
  const budgets = parse(budgetSettings);
  const notifications = parse(notificationSettings);
  const lab = parse(labSettings);
  const approvals = parse(approvalSettings);
  const auditChain = parse(auditChainSettings);
  const metrics = parse(metricsSettings);
  const auditStream = parse(auditStreamSettings);
  const connection = parse(authleteSettings);
  // Without a token, the embedded simulator; its settings are read only then.
  const authlete = connection?.cluster ?? parse(embeddedSimulatorSettings);
  if (
    !http ||
    !database ||
    !session ||
    !bulk ||
    !budgets ||
    !notifications ||
    !lab ||
    !approvals ||
    !auditChain ||
    !metrics ||
    !auditStream ||
    !connection ||
    !authlete
  ) {
    throw new ConfigError(problems);
  }
  const services = env.CONSOLE_CONFIG ? readServices(env.CONSOLE_CONFIG, env) : undefined;
  const needApproval = services?.filter((service) => service.approvalRequired) ?? [];
  if (needApproval.length > 0 && session.auth.method.mode === "local") {
    // A typed name proves nobody's identity, and the shared code has no supervisor.
    throw new ConfigError([
      `CONSOLE_CONFIG: ${needApproval.map((service) => service.serviceId).join(", ")} ${needApproval.length === 1 ? "needs" : "need"} approval, which needs people who can be told apart: sign in with CONSOLE_USERS or AUTH_MODE=oidc (with supervisors), not the shared access code`,
    ]);
  }
  return {
    ...http,
    ...database,
    ...session,
    ...bulk,
    ...budgets,
    ...notifications,
    ...lab,
    ...approvals,
    ...auditChain,
    ...metrics,
    ...auditStream,
    authlete,
    timeoutMs: connection.timeoutMs,
    testClient: connection.testClient,
    /** The services of CONSOLE_CONFIG, secrets resolved; absent without the file. */
    services,
  };
}
