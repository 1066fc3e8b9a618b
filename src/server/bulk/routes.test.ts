import { afterEach, describe, expect, it } from "vitest";
import { bulkItemsPageSchema, bulkJobSchema } from "../../shared/bulk-job";
import type { BulkJob } from "../../shared/bulk-job";
import { auditPageSchema } from "../../shared/audit";
import { problemSchema } from "../../shared/problem";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function freshTickets(console_: ConsoleUnderTest, n: number, serviceId = "1000000001") {
  const tickets: string[] = [];
  for (let i = 0; i < n; i++) {
    const created = await console_.post("/api/test-tickets", { serviceId });
    tickets.push((created.json as { ticket: string }).ticket);
  }
  return tickets;
}

async function untilStopped(console_: ConsoleUnderTest, id: string): Promise<BulkJob> {
  for (;;) {
    const job = bulkJobSchema.parse((await console_.get(`/api/bulk-jobs/${id}`)).json);
    if (job.status !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("bulk fail over HTTP, against the simulator", () => {
  it("asks once for the job when some tickets were failed here before, and sends them with again: true", async () => {
    running = await startConsole();
    const [failedBefore, fresh] = await freshTickets(running, 2);
    const single = await running.post("/api/backchannel/authentication/fail", {
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: failedBefore, reason: "SERVER_ERROR" },
    });
    expect(single.status).toBe(200);
    const before = running.upstreamCalls("/backchannel/authentication/fail").length;
    const job = {
      serviceId: "1000000001",
      tickets: [{ ticket: failedBefore }, { ticket: fresh }],
      reason: "ACCESS_DENIED",
    };
    const asked = await running.post("/api/bulk-jobs", job);
    expect(asked.status).toBe(409);
    const problem = problemSchema.parse(asked.json);
    expect(problem.type).toBe("urn:ciba-fail-console:problem:already-acted");
    expect(problem.alreadyActedCount).toBe(1);
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(before);

    const started = await running.post("/api/bulk-jobs", { ...job, again: true });
    expect(started.status).toBe(201);
    const { id } = bulkJobSchema.parse(started.json);
    expect((await untilStopped(running, id)).counts.succeeded).toBe(2);
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(before + 2);
  });

  it("fails every ticket, records each with the job's id, and exports the results", async () => {
    running = await startConsole();
    const tickets = await freshTickets(running, 25);
    const created = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: tickets.map((ticket, i) =>
        i === 0 ? { ticket, reason: "ACCESS_DENIED" } : { ticket },
      ),
      reason: "UNKNOWN_USER_ID",
      errorDescription: "Cleared after INC-7",
      justification: "INC-7",
    });
    expect(created.status).toBe(201);
    const { id, total } = bulkJobSchema.parse(created.json);
    expect(total).toBe(25);

    const job = await untilStopped(running, id);
    expect(job).toMatchObject({ status: "finished", operator: "Test Operator" });
    expect(job.counts.succeeded).toBe(25);
    const sent = running.upstreamCalls("/backchannel/authentication/fail");
    expect(sent).toHaveLength(25);
    expect(
      sent.map((call) => JSON.stringify(call.body)).filter((b) => b.includes("ACCESS_DENIED")),
    ).toHaveLength(1);
    // Every ticket is gone from the simulator: failed for real.
    for (const ticket of tickets) expect(running.simulator.tickets.has(ticket)).toBe(false);

    const page = bulkItemsPageSchema.parse(
      (await running.get(`/api/bulk-jobs/${id}/items?limit=10&offset=20`)).json,
    );
    expect(page.total).toBe(25);
    expect(page.items.map((item) => item.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(page.items[0]).toMatchObject({
      state: "succeeded",
      resultCode: "A185001",
      action: "BAD_REQUEST",
    });

    const audit = (await running.get(`/api/audit?jobId=${id}&kind=fail&limit=200`)).json as {
      events: unknown[];
    };
    expect(audit.events).toHaveLength(25);

    const csv = await running.get(`/api/bulk-jobs/${id}/export?format=csv`);
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="bulk-${id}.csv"`);
    expect(csv.text.trimEnd().split("\r\n")).toHaveLength(26);
    for (const ticket of tickets) expect(csv.text).not.toContain(ticket);
    const json = JSON.parse(
      (await running.get(`/api/bulk-jobs/${id}/export?format=json`)).text,
    ) as unknown[];
    expect(json).toHaveLength(25);

    const list = bulkJobSchema.array().parse((await running.get("/api/bulk-jobs")).json);
    expect(list.map((j) => j.id)).toEqual([id]);
  });

  it("refuses an invalid job with every reason, and sends nothing", async () => {
    running = await startConsole();
    const answer = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: [{ ticket: "t-1" }, { ticket: "bad ticket" }, { ticket: "t-1" }],
    });
    expect(answer.status).toBe(400);
    expect(problemSchema.parse(answer.json).errors?.map((e) => e.path)).toEqual([
      "tickets.1.ticket",
      "reason",
      "tickets.2.ticket",
    ]);
    expect(
      (
        await running.post("/api/bulk-jobs", {
          serviceId: "1000000001",
          tickets: [],
          reason: "SERVER_ERROR",
        })
      ).status,
    ).toBe(400);
    expect(running.upstreamCalls("/fail")).toHaveLength(0);
  });

  it("takes 10,000 tickets in one job (the bulk body limit), and no more than 4 MiB", async () => {
    running = await startConsole();
    const tickets = Array.from({ length: 10_000 }, (_, i) => ({
      ticket: `${String(i).padStart(6, "0")}${"x".repeat(37)}`,
    }));
    const created = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets,
      reason: "SERVER_ERROR",
    });
    expect(created.status).toBe(201);
    const { id, total } = bulkJobSchema.parse(created.json);
    expect(total).toBe(10_000);
    expect((await running.post(`/api/bulk-jobs/${id}/cancel`, {})).status).toBe(200);
    await running.bulkRunner.idle();

    const huge = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: [{ ticket: "a".repeat(4 * 1024 * 1024) }],
      reason: "SERVER_ERROR",
    });
    expect(huge.status).toBe(413);
    // Other APIs keep the small limit.
    const big = await running.post("/api/backchannel/authentication/fail", "x".repeat(17 * 1024));
    expect(big.status).toBe(413);
  });

  it("retries tickets that meet a 5xx and reports those that never got through", async () => {
    running = await startConsole();
    running.simulator.setFault({ kind: "status", status: 503 });
    const created = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: [{ ticket: "down-1" }, { ticket: "down-2" }],
      reason: "SERVER_ERROR",
    });
    const { id } = bulkJobSchema.parse(created.json);
    const job = await untilStopped(running, id);
    expect(job.counts.failed).toBe(2);
    expect(job.canRetry).toBe(true);
    // Three tries each (the harness's retry policy).
    expect(running.upstreamCalls("/fail")).toHaveLength(6);

    running.simulator.setFault(null);
    const retried = await running.post(`/api/bulk-jobs/${id}/retry-failed`, {});
    expect(retried.status).toBe(200);
    expect((await untilStopped(running, id)).counts.succeeded).toBe(2);
    const again = await running.post(`/api/bulk-jobs/${id}/retry-failed`, {});
    expect(again.status).toBe(409);
  });

  it("finishes under 10 % 5xx and some 429s with every ticket in a final, truthful state", async () => {
    running = await startConsole({ env: { BULK_CONCURRENCY: "8" } });
    running.simulator.setFaults([
      { kind: "status", status: 429, retryAfterSeconds: 1, fraction: 0.02 },
      { kind: "status", status: 500, fraction: 0.1 },
    ]);
    const tickets = Array.from({ length: 100 }, (_, i) => ({ ticket: `storm-${i}` }));
    const created = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets,
      reason: "SERVER_ERROR",
    });
    const { id } = bulkJobSchema.parse(created.json);
    const job = await untilStopped(running, id);
    expect(job.status).toBe("finished");
    expect(job.counts.succeeded + job.counts.failed).toBe(100);
    const items = bulkItemsPageSchema.parse(
      (await running.get(`/api/bulk-jobs/${id}/items?limit=500`)).json,
    ).items;
    for (const item of items) {
      // A ticket failed only after every try met a 5xx; succeeded ones say so with Authlete's code.
      if (item.state === "succeeded") expect(item.resultCode).toBe("A185001");
      else expect(item).toMatchObject({ state: "failed", attempts: 3, upstreamStatus: 500 });
    }
    // The simulator saw retries: more calls than tickets, and never two at once for one ticket.
    expect(running.upstreamCalls("/fail").length).toBeGreaterThan(100);
    const audit = (await running.get(`/api/audit?jobId=${id}&kind=fail&limit=200`)).json as {
      events: { outcome: string }[];
    };
    expect(audit.events).toHaveLength(100);
    expect(audit.events.filter((e) => e.outcome === "succeeded")).toHaveLength(
      job.counts.succeeded,
    );
    expect(audit.events.some((e) => e.outcome === "pending")).toBe(false);
  });

  it("needs the count typed and a justification for a production service", async () => {
    running = await startConsole({
      profiles: [{ serviceId: "1000000001", name: "Payments", environment: "production" }],
    });
    const body = {
      serviceId: "1000000001",
      tickets: [{ ticket: "p-1" }, { ticket: "p-2" }],
      reason: "SERVER_ERROR",
    };
    const bare = await running.post("/api/bulk-jobs", body);
    expect(bare.status).toBe(400);
    expect(problemSchema.parse(bare.json).errors?.map((e) => e.path)).toEqual([
      "confirmation",
      "justification",
    ]);
    const confirmed = await running.post("/api/bulk-jobs", {
      ...body,
      confirmation: "2",
      justification: "INC-8",
    });
    expect(confirmed.status).toBe(201);
    await untilStopped(running, bulkJobSchema.parse(confirmed.json).id);
  });

  it("refuses a job for a service not configured, and records the refusal like a single fail's", async () => {
    running = await startConsole({
      profiles: [{ serviceId: "1000000002", name: "QA", environment: "test" }],
    });
    const refused = await running.post("/api/bulk-jobs", {
      serviceId: "1000000009",
      tickets: [{ ticket: "u-1" }, { ticket: "u-2" }],
      reason: "SERVER_ERROR",
    });
    expect(refused.status).toBe(404);
    expect(problemSchema.parse(refused.json).type).toMatch(/unknown-service$/);
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(0);
    const [record] = (await running.audit.page({ serviceId: "1000000009" }, 10)).events;
    expect(record).toMatchObject({
      kind: "bulk-job",
      outcome: "refused",
      operator: "Test Operator",
    });
    expect(record!.detail).toContain("bulk job of 2 tickets");
  });

  it("lets a viewer watch jobs but not start or stop one", async () => {
    running = await startConsole();
    const created = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: [{ ticket: "v-1" }],
      reason: "SERVER_ERROR",
    });
    const { id } = bulkJobSchema.parse(created.json);
    await untilStopped(running, id);
    await running.signInAs({ name: "Vera", email: null, role: "viewer" });
    expect((await running.get(`/api/bulk-jobs/${id}`)).status).toBe(200);
    expect((await running.post(`/api/bulk-jobs/${id}/cancel`, {})).status).toBe(403);
    expect(
      (
        await running.post("/api/bulk-jobs", {
          serviceId: "1000000001",
          tickets: [{ ticket: "v-2" }],
          reason: "SERVER_ERROR",
        })
      ).status,
    ).toBe(403);
    expect((await running.get("/api/bulk-jobs/no-such-job")).status).toBe(404);
  });

  it("reads no viewer's body: the role comes first, and 4 MiB is only for an operator's job (issue 19, items 6 and 18)", async () => {
    running = await startConsole();
    const created = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: [{ ticket: "w-1" }],
      reason: "SERVER_ERROR",
    });
    const { id } = bulkJobSchema.parse(created.json);
    await untilStopped(running, id);
    await running.signInAs({ name: "Vera", email: null, role: "viewer" });
    // A key written twice is found only by reading the body: a viewer gets 403 before that.
    const twice =
      '{"serviceId":"1000000001","serviceId":"1000000002","tickets":[],"reason":"SERVER_ERROR"}';
    expect((await running.post("/api/bulk-jobs", twice)).status).toBe(403);
    // A job control takes no body: 20 KiB is over its 16 KiB limit (it was under 4 MiB).
    const big = JSON.stringify({ pad: "x".repeat(20 * 1024) });
    expect((await running.post(`/api/bulk-jobs/${id}/pause`, big)).status).toBe(413);
    // The viewer's refused control is a job control of that job, not a fail.
    expect((await running.post(`/api/bulk-jobs/${id}/cancel`, {})).status).toBe(403);
    const page = auditPageSchema.parse((await running.get("/api/audit?outcome=forbidden")).json);
    expect(page.events.map((e) => [e.kind, e.jobId, e.operator])).toEqual([
      ["job-control", id, "Vera"],
      ["bulk-job", null, "Vera"],
    ]);
  });
});
