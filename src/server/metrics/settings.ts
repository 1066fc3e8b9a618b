import { z } from "zod";

/**
 * GET /metrics (issue 22, part 3): never open by default. Either its own port, which the Host
 * check does not guard (Prometheus scrapes by address), or the console's port behind a bearer
 * token. The token's text is never echoed.
 */
export const metricsSettings = z
  .object({
    METRICS_PORT: z.coerce
      .number({ error: "must be a port number" })
      .int("must be a port number")
      .min(1, "must be 1 to 65535")
      .max(65_535, "must be 1 to 65535")
      .optional(),
    METRICS_TOKEN: z
      .string()
      .min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)")
      .optional(),
  })
  .transform((e) => ({
    metrics: { port: e.METRICS_PORT, token: e.METRICS_TOKEN },
  }));
