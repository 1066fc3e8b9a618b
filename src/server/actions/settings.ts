import { z } from "zod";

/** The budgets per person (actions/budgets.ts). */
export const budgetSettings = z
  .object({
    FAIL_RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ error: "must be a number" })
      .int()
      .min(1, "must be at least 1")
      .max(1_000_000)
      .default(30),
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
  })
  .transform((e) => ({
    failsPerMinute: e.FAIL_RATE_LIMIT_PER_MINUTE,
    bulkTicketsPerHour: e.BULK_TICKETS_PER_HOUR,
    bulkMaxOpenJobs: e.BULK_MAX_OPEN_JOBS,
  }));
