import { z } from "zod";

/** Four-eyes approval (issue 21): how long a request waits, and whether break-glass exists. */
export const approvalSettings = z
  .object({
    APPROVAL_TTL_MINUTES: z.coerce
      .number({ error: "must be a number of minutes" })
      .int("must be a whole number of minutes")
      .min(1, "must be 1 to 10080 minutes")
      .max(10_080, "must be 1 to 10080 minutes")
      .default(60),
    /** Off unless set: without it, there is no way around a second person. */
    APPROVAL_BREAK_GLASS: z
      .enum(["true", "false"], { error: "must be true or false" })
      .default("false"),
  })
  .transform((e) => ({
    approvals: {
      ttlMs: e.APPROVAL_TTL_MINUTES * 60_000,
      breakGlass: e.APPROVAL_BREAK_GLASS === "true",
    },
  }));
