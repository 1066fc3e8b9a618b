import { afterEach, describe, expect, it } from "vitest";
import { bulkJobSchema } from "../../shared/bulk-job";
import { DIALECTS, createPostgresDatabase } from "../../testing/test-databases";
import type { Dialect } from "../../testing/test-databases";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

/**
 * GET /api/bulk-jobs reads what it shows in a constant number of queries, whatever the number
 * of jobs (it made 41 queries for 20 jobs: two per job). Counted at the driver, through
 * Kysely's log hook, on both databases.
 */
let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function queriesOfTheList(dialect: Dialect, jobs: number): Promise<number> {
  const queries: string[] = [];
  let counting = false;
  running = await startConsole({
    databaseUrl: dialect === "postgres" ? await createPostgresDatabase() : undefined,
    env: { BULK_MAX_OPEN_JOBS: "100" },
    onQuery: (sql) => {
      // The audit chain's sealer runs on its own, after writes: not the list's queries.
      if (counting && !sql.includes("chain_seq")) queries.push(sql);
    },
  });
  for (let job = 0; job < jobs; job++) {
    const started = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      reason: "SERVER_ERROR",
      tickets: [
        { ticket: `list-${dialect}-${jobs}-${job}-a` },
        { ticket: `list-${dialect}-${jobs}-${job}-b` },
      ],
    });
    expect(started.status).toBe(201);
  }
  await running.bulkRunner.idle();
  await running.auditChain.sealDue();
  counting = true;
  const list = await running.get("/api/bulk-jobs");
  counting = false;
  expect(bulkJobSchema.array().parse(list.json)).toHaveLength(jobs);
  await running.close();
  running = undefined;
  return queries.length;
}

describe.each(DIALECTS)("GET /api/bulk-jobs on %s", (dialect) => {
  it("makes as many queries for 20 jobs as for 2", async () => {
    const two = await queriesOfTheList(dialect, 2);
    const twenty = await queriesOfTheList(dialect, 20);
    expect(twenty).toBe(two);
    // The session, the jobs, their counts: a handful, not one per job.
    expect(two).toBeLessThanOrEqual(4);
  });
});
