/**
 * Two consoles on one PostgreSQL database, as two replicas behind a load balancer: the same
 * sessions, one fail budget, and bulk jobs that any replica can control and another can take
 * over. In-process but over real HTTP, each replica with its own database pool; a crash
 * (kill -9) of a real process is the end-to-end journey's (e2e/deployment.spec.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { bulkJobSchema } from "../shared/bulk-job";
import type { BulkJob } from "../shared/bulk-job";
import { createPostgresDatabase } from "../testing/test-databases";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN } from "../simulator/seed";
import { TEST_ACCESS_CODE, TEST_TICKET_KEY, startConsole } from "../testing/test-harness";
import { mainProcess, until } from "../testing/main-process";
import type { ConsoleUnderTest } from "../testing/test-harness";

const consoles: ConsoleUnderTest[] = [];
afterEach(async () => {
  for (const running of consoles.splice(0).reverse()) await running.close();
});

const timing = { leaseMs: 1500, heartbeatMs: 100 };

/** Replica A with its simulator, and replica B on the same database and simulator. */
async function twoReplicas(env: Record<string, string> = {}) {
  const databaseUrl = await createPostgresDatabase();
  const a = await startConsole({ databaseUrl, env, bulkTiming: timing });
  consoles.push(a);
  const b = await startConsole({
    databaseUrl,
    env,
    bulkTiming: timing,
    authleteBaseUrl: a.simulatorUrl,
    signedIn: false,
  });
  consoles.push(b);
  // B uses the session A's sign-in made: the proof that sessions are shared.
  b.useCookie(a.cookie());
  return { a, b };
}

async function freshTickets(on: ConsoleUnderTest, n: number) {
  const tickets: string[] = [];
  for (let i = 0; i < n; i++) {
    const created = await on.post("/api/test-tickets", { serviceId: "1000000001" });
    tickets.push((created.json as { ticket: string }).ticket);
  }
  return tickets;
}

/** A bulk job of these tickets on that replica; its id. */
async function startJob(on: ConsoleUnderTest, tickets: string[]): Promise<string> {
  const created = await on.post("/api/bulk-jobs", {
    serviceId: "1000000001",
    tickets: tickets.map((ticket) => ({ ticket })),
    reason: "ACCESS_DENIED",
  });
  expect(created.status).toBe(201);
  return bulkJobSchema.parse(created.json).id;
}

async function jobOn(on: ConsoleUnderTest, id: string): Promise<BulkJob> {
  return bulkJobSchema.parse((await on.get(`/api/bulk-jobs/${id}`)).json);
}

function failCalls(on: ConsoleUnderTest): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of on.upstreamCalls("/backchannel/authentication/fail")) {
    const ticket = (call.body as { ticket: string }).ticket;
    counts.set(ticket, (counts.get(ticket) ?? 0) + 1);
  }
  return counts;
}

describe("two replicas on one PostgreSQL database", () => {
  it("share sessions, the audit trail and one fail budget", async () => {
    // The 4 test tickets take 4 calls of the limit (issue 19, item 9): 3 fails are left.
    const { a, b } = await twoReplicas({ FAIL_RATE_LIMIT_PER_MINUTE: "7" });
    expect((await b.get("/api/session")).status).toBe(200);
    const tickets = await freshTickets(a, 4);
    const fail = (on: ConsoleUnderTest, ticket: string) =>
      on.post("/api/backchannel/authentication/fail", {
        serviceId: "1000000001",
        backchannelAuthenticationFailRequest: { ticket, reason: "ACCESS_DENIED" },
      });
    expect((await fail(a, tickets[0]!)).status).toBe(200);
    expect((await fail(b, tickets[1]!)).status).toBe(200);
    expect((await fail(a, tickets[2]!)).status).toBe(200);
    expect((await fail(b, tickets[3]!)).status).toBe(429);
    const onA = (await a.audit.page({ kind: "fail" }, 10)).events.map((e) => e.outcome);
    expect(onA).toEqual(["rate-limited", "succeeded", "succeeded", "succeeded"]);
    // Signing out on B ends the session on A too.
    expect((await b.request("/api/session", { method: "DELETE" })).status).toBe(204);
    expect((await a.get("/api/session")).status).toBe(401);
  });

  it("lets the other replica pause, resume and cancel a job within 2 s", async () => {
    const { a, b } = await twoReplicas({ BULK_CONCURRENCY: "1" });
    const tickets = await freshTickets(a, 40);
    a.simulator.setFault({ kind: "delay", ms: 50, fraction: 1 });
    const id = await startJob(a, tickets);
    expect((await b.post(`/api/bulk-jobs/${id}/pause`, {})).status).toBe(200);
    await until(2000, async () => (await jobOn(b, id)).status === "paused", "paused");
    // As on the replica running it: a paused job cannot pause again.
    expect((await b.post(`/api/bulk-jobs/${id}/pause`, {})).status).toBe(409);
    const sentWhenPaused = failCalls(a).size;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(failCalls(a).size).toBeLessThanOrEqual(sentWhenPaused + 1);

    expect((await b.post(`/api/bulk-jobs/${id}/resume`, {})).status).toBe(200);
    await until(2000, async () => (await jobOn(a, id)).status === "running", "running again");
    expect((await b.post(`/api/bulk-jobs/${id}/cancel`, {})).status).toBe(200);
    const settled = (job: BulkJob) =>
      (job.counts.succeeded ?? 0) + (job.counts.failed ?? 0) + (job.counts["not-attempted"] ?? 0);
    // The status turns first; the ticket in flight and the unsent ones settle just after.
    await until(
      2000,
      async () => {
        const job = await jobOn(b, id);
        return job.status === "cancelled" && settled(job) === 40;
      },
      "cancelled, every ticket final",
    );
    const job = await jobOn(b, id);
    expect(settled(job)).toBe(40);
    expect(job.counts["not-attempted"]).toBeGreaterThan(0);
    expect([...failCalls(a).values()].every((count) => count === 1)).toBe(true);
  });

  it("goes on with a job on the other replica when one stops on SIGTERM, sending no ticket twice", async () => {
    // Replica A is a real process running main.ts: the signal reaches main.ts's own handler.
    const databaseUrl = await createPostgresDatabase();
    const b = await startConsole({ databaseUrl, bulkTiming: timing });
    consoles.push(b);
    const a = await mainProcess({
      DATABASE_URL: databaseUrl,
      TICKET_ENCRYPTION_KEY: TEST_TICKET_KEY,
      AUTHLETE_BASE_URL: b.simulatorUrl,
      AUTHLETE_ACCESS_TOKEN: DEFAULT_SIMULATOR_ACCESS_TOKEN,
      CONSOLE_ACCESS_CODE: TEST_ACCESS_CODE,
      BULK_CONCURRENCY: "2",
      FAIL_RATE_LIMIT_PER_MINUTE: "1000",
    });
    try {
      const tickets = await freshTickets(b, 60);
      b.simulator.setFault({ kind: "delay", ms: 40, fraction: 1 });
      // Started on A, with the session B's sign-in made (sessions are shared).
      const created = await fetch(`${a.url}/api/bulk-jobs`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: b.cookie()! },
        body: JSON.stringify({
          serviceId: "1000000001",
          tickets: tickets.map((ticket) => ({ ticket })),
          reason: "ACCESS_DENIED",
        }),
      });
      expect(created.status).toBe(201);
      const { id } = bulkJobSchema.parse(await created.json());
      await until(5000, () => Promise.resolve(failCalls(b).size >= 10), "ten tickets sent");
      a.process.kill("SIGTERM");
      expect(await a.exited).toBe(0);
      const handedOverAfter = await until(
        5000,
        async () => (await jobOn(b, id)).status === "finished",
        "finished by B",
      );
      const job = await jobOn(b, id);
      // Every count in the message, so that a failure says what the other tickets became
      // (toMatchObject leaves out the properties it was not asked about).
      expect(job.counts).toEqual({ ...job.counts, succeeded: 60 });
      expect(failCalls(b).size).toBe(60);
      expect([...failCalls(b).values()].every((count) => count === 1)).toBe(true);
      const records = (await b.audit.page({ jobId: id, kind: "fail" }, 100)).events;
      // One success a ticket. A ticket handed over after A wrote its record but before its first
      // try (a window of microseconds) also keeps A's record, which says it was not sent.
      const succeeded = records.filter((record) => record.outcome === "succeeded");
      expect(new Set(succeeded.map((record) => record.ticketHash)).size).toBe(60);
      expect(succeeded).toHaveLength(60);
      const others = records.filter((record) => record.outcome !== "succeeded");
      expect(others.map((record) => record.outcome)).toEqual(others.map(() => "not-attempted"));
      expect(handedOverAfter).toBeLessThan(5000);
    } finally {
      a.process.kill("SIGKILL");
    }
  }, 60_000);

  it("retries the failed tickets on the replica that did not run the job", async () => {
    const { a, b } = await twoReplicas();
    a.simulator.setFault({ kind: "status", status: 500, fraction: 1 });
    const id = await startJob(a, ["retry-me-1", "retry-me-2"]);
    await until(5000, async () => (await jobOn(a, id)).status === "finished", "finished");
    expect((await jobOn(b, id)).canRetry).toBe(true);
    a.simulator.setFault(null);
    const before = failCalls(a).get("retry-me-1")!;
    expect((await b.post(`/api/bulk-jobs/${id}/retry-failed`, {})).status).toBe(200);
    await until(5000, async () => (await jobOn(b, id)).status === "finished", "retried");
    expect(failCalls(a).get("retry-me-1")).toBe(before + 1);
  });

  it("controls a job retried on the other replica from the one whose copy ended (issue 19, item 14)", async () => {
    const { a, b } = await twoReplicas({ BULK_CONCURRENCY: "1" });
    a.simulator.setFault({ kind: "status", status: 500, fraction: 1 });
    const tickets = Array.from({ length: 20 }, (_, i) => `stale-${i}`);
    const id = await startJob(a, tickets);
    await until(10_000, async () => (await jobOn(a, id)).status === "finished", "finished");
    // B retries slowly; A's own copy of the job still says finished.
    a.simulator.setFault({ kind: "delay", ms: 100, fraction: 1 });
    expect((await b.post(`/api/bulk-jobs/${id}/retry-failed`, {})).status).toBe(200);
    expect((await jobOn(a, id)).status).toBe("running");
    expect((await a.post(`/api/bulk-jobs/${id}/pause`, {})).status).toBe(200);
    await until(2000, async () => (await jobOn(b, id)).status === "paused", "paused by A");
    expect((await a.post(`/api/bulk-jobs/${id}/cancel`, {})).status).toBe(200);
    await until(2000, async () => (await jobOn(a, id)).status === "cancelled", "cancelled by A");
  });
});
