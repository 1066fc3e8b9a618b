import type { RequestIdVariables } from "hono/request-id";

/** Fields a route adds to its request's log line (e.g. serviceId, reason, resultCode). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type AppEnv = {
  Variables: RequestIdVariables & { logFields: LogFields };
};
