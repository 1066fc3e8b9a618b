import { z } from "zod";

/** The QA lab's budget, and how short its expiry cells ask the request to live. */
export const labSettings = z
  .object({
    LAB_RUNS_PER_HOUR: z.coerce
      .number()
      .int()
      .min(1, "must be 1 to 1000")
      .max(1000, "must be 1 to 1000")
      .default(20),
    LAB_REQUESTED_EXPIRY_SECONDS: z.coerce
      .number()
      .int()
      .min(1, "must be 1 to 120")
      .max(120, "must be 1 to 120")
      .default(2),
  })
  .transform((e) => ({
    lab: {
      runsPerHour: e.LAB_RUNS_PER_HOUR,
      requestedExpirySeconds: e.LAB_REQUESTED_EXPIRY_SECONDS,
    },
  }));
