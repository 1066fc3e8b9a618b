import { z } from "zod";
import { optional } from "../../shared/fail-request";
import { insecureUrlProblem } from "../http/loopback";

/**
 * Which Authlete the console talks to: a cluster with a token, or (no token) the embedded
 * simulator, whose own settings the simulator reads (simulator/settings.ts).
 */
const clusterSettings = z
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
    ALLOW_INSECURE_AUTHLETE_URL: optional(
      z.enum(["true", "false"], { error: "must be true or false" }),
    ),
  })
  .superRefine((env, ctx) => {
    // Only a cluster's URL carries the token; without one the embedded simulator is used.
    if (!env.AUTHLETE_ACCESS_TOKEN) return;
    const problem = insecureUrlProblem(env.AUTHLETE_BASE_URL, env.ALLOW_INSECURE_AUTHLETE_URL);
    if (problem) ctx.addIssue({ code: "custom", path: ["AUTHLETE_BASE_URL"], message: problem });
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
  );

export const authleteSettings = clusterSettings.transform((e) => ({
  /** A cluster with a token; without one (undefined), the embedded simulator. */
  cluster: e.AUTHLETE_ACCESS_TOKEN
    ? {
        mode: "cluster" as const,
        baseUrl: e.AUTHLETE_BASE_URL,
        accessToken: e.AUTHLETE_ACCESS_TOKEN,
      }
    : undefined,
  timeoutMs: e.AUTHLETE_TIMEOUT_MS,
  testClient:
    e.AUTHLETE_TEST_CLIENT_ID && e.AUTHLETE_TEST_CLIENT_SECRET
      ? { clientId: e.AUTHLETE_TEST_CLIENT_ID, clientSecret: e.AUTHLETE_TEST_CLIENT_SECRET }
      : undefined,
}));
