/**
 * Every budget on every path (issue 19, items 2 and 5), on SQLite and PostgreSQL: open jobs are
 * counted with the insert, also across two replicas, and Retry failed is admitted like a job.
 */
import { afterEach, describe, expect, it } from "vitest";
import { bulkJobSchema } from "../../shared/bulk-job";
import { auditPageSchema } from "../../shared/audit";
import { DIALECTS, createPostgresDatabase } from "../../testing/test-databases";
import { untilJobEnded } from "../../testing/bulk-jobs";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest, HarnessOptions } from "../../testing/test-harness";

const consoles: ConsoleUnderTest[] = [];
afterEach(async () => {
  for (const running of consoles.splice(0).reverse()) await running.close();
});

async function consoleOn(dialect: (typeof DIALECTS)[number], options: HarnessOptions = {}) {
  const databaseUrl = dialect === "postgres" ? await createPostgresDatabase() : undefined;
  const running = await startConsole({ databaseUrl, ...options });
  consoles.push(running);
  return { running, databaseUrl };
}

const job = (n: number, prefix: string) => ({
  serviceId: "1000000001",
  tickets: Array.from({ length: n }, (_, i) => ({ ticket: `${prefix}-${i}` })),
  reason: "SERVER_ERROR",
});

describe.each(DIALECTS)("bulk budgets on %s", (dialect) => {
  it("starts one of 6 parallel jobs with BULK_MAX_OPEN_JOBS=1 (item 5)", async () => {
    const slow = [
      { kind: "delay" as const, ms: 2000, fraction: 1, path: "/backchannel/authentication/fail" },
    ];
    const { running } = await consoleOn(dialect, {
      env: { BULK_MAX_OPEN_JOBS: "1" },
      simulator: { faults: slow },
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => running.post("/api/bulk-jobs", job(1, `p${i}`))),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 429, 429, 429, 429, 429]);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    }
  });

  it("admits Retry failed like a new job: hourly tickets, open jobs, recorded (item 2)", async () => {
    const down = [
      {
        kind: "status" as const,
        status: 500 as const,
        fraction: 1,
        path: "/backchannel/authentication/fail",
      },
    ];
    const { running } = await consoleOn(dialect, {
      env: { BULK_TICKETS_PER_HOUR: "20", BULK_MAX_OPEN_JOBS: "1" },
      simulator: { faults: down },
    });
    const ids: string[] = [];
    for (const prefix of ["a", "b"]) {
      const created = await running.post("/api/bulk-jobs", job(10, prefix));
      expect(created.status).toBe(201);
      const { id } = bulkJobSchema.parse(created.json);
      expect((await untilJobEnded(running, id)).counts.failed).toBe(10);
      ids.push(id);
    }
    const before = running.upstreamCalls("/backchannel/authentication/fail").length;
    // The hour's 20 tickets are spent by the two jobs: no retry may send more.
    for (let round = 0; round < 3; round++) {
      for (const id of ids) {
        const retried = await running.post(`/api/bulk-jobs/${id}/retry-failed`, {});
        expect(retried.status).toBe(429);
        expect(retried.headers.get("retry-after")).toMatch(/^\d+$/);
      }
    }
    expect(running.upstreamCalls("/backchannel/authentication/fail").length).toBe(before);
    const page = auditPageSchema.parse(
      (await running.get("/api/audit?kind=job-control&outcome=rate-limited")).json,
    );
    expect(page.events).toHaveLength(6);
  });
});

describe("open jobs across two PostgreSQL replicas (item 5)", () => {
  it("lets 3 + 3 parallel starts on two replicas open exactly BULK_MAX_OPEN_JOBS=1 job", async () => {
    const slow = [
      { kind: "delay" as const, ms: 2000, fraction: 1, path: "/backchannel/authentication/fail" },
    ];
    const env = { BULK_MAX_OPEN_JOBS: "1" };
    const { running: a, databaseUrl } = await consoleOn("postgres", {
      env,
      simulator: { faults: slow },
    });
    const b = await startConsole({
      databaseUrl,
      env,
      authleteBaseUrl: a.simulatorUrl,
      signedIn: false,
    });
    consoles.push(b);
    b.useCookie(a.cookie());
    const answers = await Promise.all(
      [a, a, a, b, b, b].map((replica, i) => replica.post("/api/bulk-jobs", job(1, `r${i}`))),
    );
    expect(answers.filter((x) => x.status === 201)).toHaveLength(1);
    expect(answers.filter((x) => x.status === 429)).toHaveLength(5);
  });
});
