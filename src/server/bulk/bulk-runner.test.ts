import { afterEach, describe, expect, it } from "vitest";
import type { BackchannelAuthenticationFailResponse } from "@authlete/typescript-sdk/models";
import type { FailRequest } from "../../shared/fail-request";
import type { AuthleteGateway } from "../authlete/gateway";
import { createDelivery } from "../notifications/delivery";
import { createLogger } from "../logger";
import { ProblemError } from "../http/problem";
import type { ResolvedService } from "../authlete/service-directory";
import { SqlAuditTrail } from "../actions/audit-trail";
import { sqlBulkJobStore } from "./bulk-job-store";
import type { Caller } from "../actions/caller";
import { SYSTEM_CLOCK } from "../db/clock";
import type { BulkJobStore } from "./bulk-job-store";
import type { ConsoleDatabase } from "../db/database";
import { openTestDatabase, storeOf } from "../../testing/test-databases";
import type { Dialect } from "../../testing/test-databases";
import { createTicketSeal } from "./ticket-seal";
import type { TicketSeal } from "./ticket-seal";
import { ticketHash } from "../db/ticket-fingerprint";
import { BulkRunner } from "./bulk-runner";

/**
 * The runner's rules with a scripted Authlete (a function per call) behind the gateway port, so
 * that concurrency, retries and timing are exact; the stores are the real ones on a real
 * database. The HTTP suite (routes/bulk-jobs.test.ts) runs the whole thing against the simulator.
 */
const caller: Caller = {
  principal: { name: "Ada", email: null, role: "operator", subject: "account:ada" },
  requestId: "start-request",
  callerRequestId: "caller-start-request",
  clientAddress: "127.0.0.1",
};
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const databases: ConsoleDatabase[] = [];
const runners: BulkRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  await Promise.all(databases.splice(0).map((database) => database.close()));
});
export const testSeal: TicketSeal = createTicketSeal(Buffer.alloc(32, 1));

type Script = (
  request: FailRequest,
  call: number,
) => Promise<BackchannelAuthenticationFailResponse>;

async function newDatabase(dialect: Dialect = "sqlite"): Promise<ConsoleDatabase> {
  const database = await openTestDatabase(dialect);
  databases.push(database);
  return database;
}

export async function setup(
  script: Script,
  concurrency = 3,
  options: {
    database?: ConsoleDatabase;
    retry?: typeof FAST;
    retryWindowMs?: number;
    seal?: TicketSeal;
    leaseMs?: number;
  } = {},
) {
  const database = options.database ?? (await newDatabase());
  const db = database.db;
  const trail = new SqlAuditTrail(storeOf(database));
  const store = sqlBulkJobStore(storeOf(database));
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const sent: { ticket: string; at: number }[] = [];
  const gateway: AuthleteGateway = {
    target: { baseUrl: "http://authlete.test", simulated: true },
    async fail(request: FailRequest) {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sent.push({ ticket: request.backchannelAuthenticationFailRequest.ticket, at: Date.now() });
      try {
        return await script(request, calls);
      } finally {
        inFlight--;
      }
    },
    createTicket: () => Promise.reject(new Error("not used by the runner")),
    complete: () => Promise.reject(new Error("not used by these tests")),
    issue: () => Promise.reject(new Error("not used by the runner")),
    token: () => Promise.reject(new Error("not used by the runner")),
    deleteToken: () => Promise.reject(new Error("not used by the runner")),
    listServices: () => Promise.resolve([]),
    checkReachable: () => Promise.resolve(),
  };
  const service: ResolvedService = {
    gateway,
    environment: "test",
    approvalRequired: false,
    name: "QA",
    testClient: undefined,
    testClients: [],
  };
  const runner = new BulkRunner({
    store,
    audit: trail,
    services: {
      resolve: () => service,
      listServices: () => Promise.resolve([]),
      nameOf: () => Promise.resolve("QA"),
      checkReachable: () => Promise.resolve(),
      defaultTarget: gateway.target,
      testTicketsAvailable: false,
      testTicketsHint: undefined,
    },
    logger: createLogger("silent"),
    clock: SYSTEM_CLOCK,
    concurrency,
    retry: options.retry ?? FAST,
    retryWindowMs: options.retryWindowMs ?? 60_000,
    seal: options.seal,
    replicaId: `replica-${runners.length + 1}`,
    soleReplica: database.dialect === "sqlite",
    leaseMs: options.leaseMs ?? 10_000,
    heartbeatMs: 50,
    callTimeoutMs: 200,
    delivery: createDelivery({
      audit: trail,
      store: storeOf(database),
      settings: { deliver: false, allowedOrigins: [] },
      key: undefined,
      moreOrigins: () => [],
    }),
  });
  runners.push(runner);
  const start = async (tickets: string[]) => {
    const started = await runner.start(
      {
        serviceId: "1000000001",
        tickets: tickets.map((ticket) => ({ ticket })),
        reason: "SERVER_ERROR",
        justification: "INC-1",
      } as never,
      service,
      caller,
      "person:account:ada",
    );
    if (!started.ok) throw new Error("no open job slot");
    return started.id;
  };
  return {
    runner,
    store,
    trail,
    db,
    database,
    start,
    stats: () => ({ calls, maxInFlight, sent: sent.map((call) => call.ticket), times: sent }),
  };
}

const ok = async (): Promise<BackchannelAuthenticationFailResponse> => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return {
    resultCode: "A185001",
    action: "INTERNAL_SERVER_ERROR",
  };
};
const problem = (upstreamStatus: number, retryAfterSeconds?: number) =>
  new ProblemError({
    kind: "authlete-refused",
    status: 502,
    title: `HTTP ${upstreamStatus}`,
    upstreamStatus,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
const tickets = (n: number) => Array.from({ length: n }, (_, i) => `ticket-${i + 1}`);

/** A job as a killed process left it, made by hand in the store: every ticket queued. */
function jobMadeByHand(store: BulkJobStore, id: string, tickets: string[]) {
  return store.create({
    id,
    operator: "Ada",
    email: null,
    role: "operator",
    ownerKey: "person:account:ada",
    requestId: "start-request",
    callerRequestId: null,
    clientAddress: "127.0.0.1",
    serviceId: "1000000001",
    serviceName: "QA",
    concurrency: 1,
    action: "fail",
    deliverNotifications: false,
    reason: "ACCESS_DENIED",
    errorDescription: null,
    errorUri: null,
    justification: null,
    lease: { owner: "dead-replica", until: Date.now() + 60_000 },
    items: tickets.map((ticket, index) => ({
      seq: index + 1,
      line: null,
      ticketHash: ticketHash(ticket),
      ticketTail: ticket.slice(-6),
      reason: "ACCESS_DENIED",
      sealed: null,
    })),
  });
}

describe("BulkRunner", () => {
  it("fails every ticket with at most `concurrency` calls in flight, one audit record each", async () => {
    const { runner, store, trail, start, stats } = await setup(ok, 3);
    const id = await start(tickets(20));
    await runner.idle();
    expect(stats().maxInFlight).toBe(3);
    expect(stats().calls).toBe(20);
    const job = (await runner.view(id))!;
    expect(job.status).toBe("finished");
    expect(job.counts.succeeded).toBe(20);
    expect((await store.items(id, undefined, 0, 100)).every((item) => item.attempts === 1)).toBe(
      true,
    );
    // A finished job with nothing to retry lets go of its tickets at once.
    expect(runner.heldTickets(id)).toBe(0);
    const records = (await trail.page({ jobId: id }, 100)).events;
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.outcome === "succeeded" && r.justification === "INC-1")).toBe(
      true,
    );
  });

  it("retries 5xx and network errors with backoff, then gives up with the last error", async () => {
    let flakyCalls = 0;
    const { runner, store, start, stats } = await setup(async (request) => {
      const ticket = request.backchannelAuthenticationFailRequest.ticket;
      if (ticket === "flaky" && ++flakyCalls === 1) throw problem(503);
      if (ticket === "down") {
        throw new ProblemError({
          kind: "authlete-unreachable",
          status: 502,
          title: "Authlete could not be reached",
        });
      }
      return ok();
    });
    const jobId = await start(["flaky", "down"]);
    await runner.idle();
    // Each retry waited at least its backoff (5 ms, then 10 ms; randomised up to twice that).
    const downAt = stats()
      .times.filter((call) => call.ticket === "down")
      .map((call) => call.at);
    expect(downAt).toHaveLength(3);
    expect(downAt[1]! - downAt[0]!).toBeGreaterThanOrEqual(FAST.baseDelayMs - 1);
    expect(downAt[2]! - downAt[1]!).toBeGreaterThanOrEqual(2 * FAST.baseDelayMs - 1);
    const [flaky, down] = await store.items(jobId, undefined, 0, 10);
    expect(flaky).toMatchObject({ state: "succeeded", attempts: 2 });
    expect(down).toMatchObject({
      state: "failed",
      attempts: 3,
      error: "Authlete could not be reached",
    });
    expect((await runner.view(jobId))!.canRetry).toBe(true);
  });

  it("a 429 after the 5xx tries does not use up the ticket's last try", async () => {
    const answers = [problem(503), problem(503), problem(429, 0)];
    const { runner, store, start, stats } = await setup(async (_request, call) => {
      const answer = answers[call - 1];
      if (answer) throw answer;
      return ok();
    }, 1);
    const id = await start(["unlucky"]);
    await runner.idle();
    expect(stats().calls).toBe(4);
    expect((await store.items(id, undefined, 0, 10))[0]).toMatchObject({
      state: "succeeded",
      attempts: 3,
    });
  });

  it("does not retry a refusal that would only repeat (403)", async () => {
    const { runner, store, start, stats } = await setup(() => Promise.reject(problem(403)));
    const id = await start(["t-1"]);
    await runner.idle();
    expect((await store.items(id, undefined, 0, 10))[0]).toMatchObject({
      state: "failed",
      attempts: 1,
      upstreamStatus: 403,
    });
    expect(stats().calls).toBe(1);
  });

  it("honours 429 Retry-After for the whole job before sending anything else", async () => {
    const times: number[] = [];
    const { runner, store, start } = await setup(async (_request, call) => {
      times.push(Date.now());
      if (call === 1) throw problem(429, 1);
      return ok();
    }, 1);
    const id = await start(["a", "b"]);
    await runner.idle();
    expect((await store.items(id, undefined, 0, 10)).map((i) => i.state)).toEqual([
      "succeeded",
      "succeeded",
    ]);
    // The second call waited for Retry-After (1 s), and the 429 did not use up a try.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect((await store.items(id, undefined, 0, 10))[0]!.attempts).toBe(1);
  });

  it("pauses (calls in flight finish, nothing new starts) and resumes", async () => {
    const { runner, start, stats } = await setup(ok, 2);
    const id = await start(tickets(40));
    await new Promise((resolve) => setTimeout(resolve, 12));
    expect(await runner.pause(id)).toBe(true);
    await runner.idle();
    const sentWhilePausing = stats().calls;
    expect(sentWhilePausing).toBeLessThan(40);
    expect((await runner.view(id))!.status).toBe("paused");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stats().calls).toBe(sentWhilePausing);
    expect(await runner.resume(id)).toBe(true);
    await runner.idle();
    expect((await runner.view(id))!.counts.succeeded).toBe(40);
    expect((await runner.view(id))!.status).toBe("finished");
  });

  it("cancels: queued tickets are never sent and are recorded as not attempted", async () => {
    const { runner, trail, start, stats } = await setup(ok, 1);
    const id = await start(tickets(30));
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(await runner.cancel(id)).toBe(true);
    await runner.idle();
    const job = (await runner.view(id))!;
    expect(job.status).toBe("cancelled");
    expect(job.counts.succeeded).toBe(stats().calls);
    expect(job.counts["not-attempted"]).toBe(30 - stats().calls);
    expect((await trail.page({ jobId: id, outcome: "not-attempted" }, 100)).events).toHaveLength(
      30 - stats().calls,
    );
  });

  it("never has one ticket in flight twice, across jobs", async () => {
    let inFlightA = 0;
    let overlap = false;
    const { runner, start } = await setup(async (request) => {
      if (request.backchannelAuthenticationFailRequest.ticket === "same") {
        inFlightA++;
        if (inFlightA > 1) overlap = true;
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlightA--;
      }
      return ok();
    }, 4);
    await start(["same", "x-1"]);
    await start(["same", "y-1"]);
    await runner.idle();
    expect(overlap).toBe(false);
  });

  it("after a restart, says what became of every ticket: interrupted or not attempted", async () => {
    const database = await newDatabase();
    // The first process: one call hangs forever, as if the process died during it.
    const first = await setup(() => new Promise(() => undefined), 1, { database });
    const id = await first.start(["in-flight-one", "queued-one", "queued-two"]);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const second = await setup(ok, 1, { database });
    const trail = second.trail;
    expect(await second.runner.run()).toEqual([id]);
    const job = (await second.runner.view(id))!;
    expect(job.status).toBe("interrupted");
    expect(job.counts).toMatchObject({
      interrupted: 1,
      "not-attempted": 2,
      queued: 0,
      "in-flight": 0,
    });
    expect(job.canRetry).toBe(false);
    const records = (await trail.page({ jobId: id }, 10)).events;
    expect(records.map((r) => [r.ticketHash, r.outcome]).sort()).toEqual(
      [
        [ticketHash("in-flight-one"), "interrupted"],
        [ticketHash("queued-one"), "not-attempted"],
        [ticketHash("queued-two"), "not-attempted"],
      ].sort(),
    );
  });

  it("at start, finishes a cancel a crash cut short: the job's queued tickets become not-attempted, one record each", async () => {
    const database = await newDatabase();
    const first = await setup(ok, 1, { database });
    const jobId = "cut-cancel";
    await jobMadeByHand(
      first.store,
      jobId,
      Array.from({ length: 120 }, (_, index) => `cut-${index}`),
    );
    // The cancel had marked the first 50 before the process died.
    await first.store.setStatus(jobId, "cancelled", true);
    await first.store.moveItems(jobId, "queued", "not-attempted", { limit: 50, afterSeq: 0 });

    const second = await setup(ok, 1, { database });
    await second.runner.run();
    expect(await second.store.countItems(jobId, "queued")).toBe(0);
    expect(await second.store.countItems(jobId, "not-attempted")).toBe(120);
    const records = (await second.trail.page({ jobId, outcome: "not-attempted" }, 200)).events;
    expect(records).toHaveLength(70);
    expect(records.every((record) => record.operator === "Ada" && record.nameVerified)).toBe(true);
  });

  it("after a stop, resolves each ticket in flight from its record: answered, pending or never begun", async () => {
    const database = await newDatabase();
    const first = await setup(ok, 1, { database });
    // The job as a killed process left it: made by hand in the store.
    const jobId = "killed-job";
    await jobMadeByHand(first.store, jobId, ["answered", "pending", "never-begun"]);
    for (const seq of [1, 2, 3]) await first.store.updateItem(jobId, seq, { state: "in-flight" });
    const base = { kind: "fail" as const, operator: "Ada", jobId, reason: "ACCESS_DENIED" };
    await first.trail.record({
      ...base,
      ticket: "answered",
      outcome: "succeeded",
      resultCode: "A185001",
      upstreamStatus: 200,
    });
    await first.trail.begin({ ...base, ticket: "pending" });

    const second = await setup(ok, 1, { database });
    expect(await second.runner.run()).toEqual([jobId]);
    const items = await second.store.items(jobId, undefined, 0, 10);
    expect(items.map((item) => [item.seq, item.state])).toEqual([
      [1, "succeeded"],
      [2, "interrupted"],
      [3, "interrupted"],
    ]);
    const records = (await second.trail.page({ jobId }, 10)).events;
    expect(records.map((r) => [r.ticketHash, r.outcome]).sort()).toEqual(
      [
        [ticketHash("answered"), "succeeded"],
        [ticketHash("pending"), "interrupted"],
        [ticketHash("never-begun"), "interrupted"],
      ].sort(),
    );
    expect(second.stats().calls).toBe(0);
  });

  it("with a ticket key, the next start goes on with a job: each queued ticket sent once", async () => {
    const database = await newDatabase();
    // The first process: its calls hang, as if it died during them.
    const first = await setup(() => new Promise(() => undefined), 1, {
      database,
      seal: testSeal,
    });
    const id = await first.start(tickets(12));
    await new Promise((resolve) => setTimeout(resolve, 30));

    const second = await setup(ok, 3, { database, seal: testSeal });
    expect(await second.runner.run()).toEqual([id]);
    await second.runner.idle();
    const job = (await second.runner.view(id))!;
    expect(job.status).toBe("finished");
    expect(job.counts).toMatchObject({ succeeded: 11, interrupted: 1, queued: 0, "in-flight": 0 });
    // The one in flight when the first process stopped is not sent again; the rest once each.
    expect(second.stats().sent.sort()).toEqual(tickets(12).slice(1).sort());
    expect((await second.trail.page({ jobId: id }, 50)).events).toHaveLength(12);
  });

  it("stores tickets only sealed, and only while the job may still send them", async () => {
    const { runner, store, database, start } = await setup(
      (request) =>
        request.backchannelAuthenticationFailRequest.ticket === "sealed-bad"
          ? Promise.reject(problem(400))
          : ok(),
      2,
      { seal: testSeal },
    );
    const id = await start(["sealed-good-1", "sealed-bad", "sealed-good-2"]);
    const sealedNow = async () =>
      (
        await database.db
          .selectFrom("bulk_items")
          .select(["seq", "ticket_sealed"])
          .where("job_id", "=", id)
          .orderBy("seq")
          .execute()
      ).map((row) => row.ticket_sealed !== null);
    await runner.idle();
    // Succeeded: gone at once. Failed: kept for Retry failed, opening only for its own row.
    expect(await sealedNow()).toEqual([false, true, false]);
    const sealed = (await store.sealedTickets(id, "failed")).get(2)!;
    expect(sealed).not.toContain("sealed-bad");
    expect(testSeal.open(sealed, id, 2)).toBe("sealed-bad");
    expect(() => testSeal.open(sealed, id, 3)).toThrow();
    const dump = JSON.stringify(await database.db.selectFrom("bulk_items").selectAll().execute());
    expect(dump).not.toContain("sealed-good");
    // After the retry window (here: any end before "now + 1 s"), wiped.
    await store.wipeSealedTickets(new Date(Date.now() + 1000).toISOString());
    expect(await sealedNow()).toEqual([false, false, false]);
  });

  it("retries the failed tickets of a stopped job on request", async () => {
    let down = true;
    const { runner, start, stats } = await setup(
      () => (down ? Promise.reject(problem(500)) : ok()),
      2,
    );
    const id = await start(["r-1", "r-2"]);
    await runner.idle();
    expect((await runner.view(id))!.counts.failed).toBe(2);
    down = false;
    expect(await runner.retryFailed(id, caller)).toBe(2);
    await runner.idle();
    expect((await runner.view(id))!.counts.succeeded).toBe(2);
    expect(stats().calls).toBe(2 * FAST.attempts + 2);
  });

  it("waits the configured backoff between tries (measured with long delays)", async () => {
    const retry = { attempts: 3, baseDelayMs: 150, maxDelayMs: 1000 };
    const { runner, start, stats } = await setup(() => Promise.reject(problem(503)), 1, { retry });
    await start(["slow"]);
    await runner.idle();
    const at = stats().times.map((call) => call.at);
    expect(at).toHaveLength(3);
    // p-retry randomises ×1–2: the gaps are 150–300 ms, then 300–600 ms.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(145);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(295);
  });

  it("never waits longer than the maximum delay between tries", async () => {
    // Uncapped, the third wait would be 600–1,200 ms; capped, every wait is 150–200 ms. The
    // upper bound leaves 350 ms for a busy machine, and still fails if the cap is ignored.
    const retry = { attempts: 4, baseDelayMs: 150, maxDelayMs: 200 };
    const { runner, start, stats } = await setup(() => Promise.reject(problem(503)), 1, { retry });
    await start(["capped"]);
    await runner.idle();
    const at = stats().times.map((call) => call.at);
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((time, index) => time - at[index]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(145);
      expect(gap).toBeLessThan(550);
    }
  });

  it("cancel stops a ticket between retries: failed with its last error, not not-attempted", async () => {
    const retry = { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 };
    const { runner, store, trail, start, stats } = await setup(
      () => Promise.reject(problem(503)),
      1,
      {
        retry,
      },
    );
    const id = await start(["sent-once", "never-sent"]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stats().calls).toBe(1);
    expect(await runner.cancel(id)).toBe(true);
    await runner.idle();
    const [sentOnce, neverSent] = await store.items(id, undefined, 0, 10);
    expect(sentOnce).toMatchObject({ state: "failed", attempts: 1, error: "HTTP 503" });
    expect(neverSent).toMatchObject({ state: "not-attempted", attempts: 0 });
    const outcomes = (await trail.page({ jobId: id }, 10)).events.map((event) => [
      event.ticketTail,
      event.outcome,
    ]);
    expect(outcomes.sort()).toEqual(
      [
        ["r-sent", "not-attempted"],
        ["t-once", "refused"],
      ].sort(),
    );
    // A cancelled job holds no ticket.
    expect(runner.heldTickets(id)).toBe(0);
    expect((await runner.view(id))!.canRetry).toBe(false);
  });

  it("cancel during a 429's wait sends nothing more", async () => {
    const { runner, store, start, stats } = await setup(() => Promise.reject(problem(429, 10)), 1);
    const id = await start(["waiting"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await runner.cancel(id)).toBe(true);
    await runner.idle();
    expect(stats().calls).toBe(1);
    expect((await store.items(id, undefined, 0, 10))[0]).toMatchObject({
      state: "failed",
      upstreamStatus: 429,
    });
  });

  it("keeps only an ended job's failed tickets, and only for the retry window", async () => {
    const { runner, start } = await setup(
      (request) =>
        request.backchannelAuthenticationFailRequest.ticket === "bad"
          ? Promise.reject(problem(400))
          : ok(),
      2,
      { retryWindowMs: 100 },
    );
    const id = await start(["good-1", "bad", "good-2"]);
    await runner.idle();
    expect(runner.heldTickets(id)).toBe(1);
    expect((await runner.view(id))!.canRetry).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(runner.heldTickets(id)).toBe(0);
    expect((await runner.view(id))!.canRetry).toBe(false);
    expect(await runner.retryFailed(id, caller)).toBe(0);
  });
});
