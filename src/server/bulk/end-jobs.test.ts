import { afterEach, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { bulkItemsPageSchema, bulkJobSchema } from "../../shared/bulk-job";
import type { BulkJob } from "../../shared/bulk-job";
import { problemSchema } from "../../shared/problem";
import { testTicketSchema } from "../../shared/test-ticket";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

/** Issue 17: bulk jobs that end issued requests, over HTTP against the simulator. */
let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function issuedTickets(on: ConsoleUnderTest, n: number, deliveryMode = "POLL") {
  const tickets: string[] = [];
  for (let i = 0; i < n; i++) {
    const made = await on.post("/api/test-tickets", {
      serviceId: "1000000001",
      issued: true,
      deliveryMode,
    });
    tickets.push(testTicketSchema.parse(made.json).ticket);
  }
  return tickets;
}

async function untilStopped(on: ConsoleUnderTest, id: string): Promise<BulkJob> {
  for (;;) {
    const job = bulkJobSchema.parse((await on.get(`/api/bulk-jobs/${id}`)).json);
    if (job.status !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a bulk job that ends issued requests", () => {
  it("ends each ticket through /complete; one Authlete holds no record of ends apart, never retried", async () => {
    running = await startConsole();
    const tickets = await issuedTickets(running, 3);
    const started = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      action: "end",
      reason: "TRANSACTION_FAILED",
      tickets: [
        ...tickets.map((ticket) => ({ ticket })),
        { ticket: "made-up-ticket-0001", reason: "ACCESS_DENIED" },
      ],
    });
    expect(started.status).toBe(201);
    const job = await untilStopped(running, bulkJobSchema.parse(started.json).id);
    expect(job).toMatchObject({ action: "end", status: "finished" });
    expect(job.counts).toMatchObject({ succeeded: 3, "no-such-ticket": 1, failed: 0 });
    // Once each: the unknown ticket was not retried, and no /fail was sent.
    const calls = running.upstreamCalls("/backchannel/authentication/complete");
    expect(calls).toHaveLength(4);
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(0);
    const sentResults = calls.map((call) => (call.body as { result: string }).result).sort();
    expect(sentResults).toEqual([
      "ACCESS_DENIED",
      "TRANSACTION_FAILED",
      "TRANSACTION_FAILED",
      "TRANSACTION_FAILED",
    ]);
    const items = bulkItemsPageSchema.parse(
      (await running.get(`/api/bulk-jobs/${job.id}/items?state=no-such-ticket`)).json,
    );
    expect(items.items).toHaveLength(1);
    expect(items.items[0]).toMatchObject({ resultCode: "A186202", reason: "ACCESS_DENIED" });
    const records = auditPageSchema.parse(
      (await running.get(`/api/audit?jobId=${job.id}&kind=end&limit=10`)).json,
    ).events;
    expect(records).toHaveLength(4);
    expect(records.filter((event) => event.outcome === "succeeded")).toHaveLength(3);
  });

  it("refuses a line naming a reason of the other action, and AUTHORIZED, before anything is sent", async () => {
    running = await startConsole();
    const cases: [object, string][] = [
      [
        {
          action: "end",
          reason: "TRANSACTION_FAILED",
          tickets: [{ ticket: "t-1", reason: "UNKNOWN_USER_ID" }],
        },
        "tickets.0.reason",
      ],
      [
        { action: "fail", tickets: [{ ticket: "t-1", reason: "TRANSACTION_FAILED" }] },
        "tickets.0.reason",
      ],
      [{ action: "end", reason: "AUTHORIZED", tickets: [{ ticket: "t-1" }] }, "reason"],
    ];
    for (const [job, path] of cases) {
      const answer = await running.post("/api/bulk-jobs", { serviceId: "1000000001", ...job });
      expect(answer.status).toBe(400);
      expect(problemSchema.parse(answer.json).errors?.map((error) => error.path)).toContain(path);
    }
    expect(running.upstreamCalls("/backchannel/authentication/complete")).toHaveLength(0);
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(0);
  });

  it("delivers each ticket's notification when asked and allowed, recording each and counting them in the summary", async () => {
    running = await startConsole({ env: { DELIVER_CLIENT_NOTIFICATIONS: "true" } });
    const tickets = await issuedTickets(running, 3, "PING");
    const started = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      action: "end",
      reason: "ACCESS_DENIED",
      deliverNotification: true,
      tickets: tickets.map((ticket) => ({ ticket })),
    });
    const job = await untilStopped(running, bulkJobSchema.parse(started.json).id);
    expect(job.counts.succeeded).toBe(3);
    expect(job.notifications.delivered).toBe(3);
    expect(running.simulator.notifications().filter((entry) => entry.tokenMatched)).toHaveLength(3);
    const records = auditPageSchema.parse(
      (await running.get(`/api/audit?jobId=${job.id}&kind=notification&limit=10`)).json,
    ).events;
    expect(records.map((event) => event.outcome)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });
});
