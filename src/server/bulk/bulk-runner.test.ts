import { afterEach, describe, expect, it } from "vitest";
import type { BackchannelAuthenticationFailResponse } from "@authlete/typescript-sdk/models";
import type { FailRequest } from "../../shared/fail-request";
import { AuditTrail, ticketHash } from "../audit/audit-trail";
import type { AuthleteGateway } from "../authlete";
import { createLogger } from "../logger";
import { ProblemError } from "../problem";
import type { ResolvedService } from "../service-directory";
import { BulkRunner } from "./bulk-runner";
import { BulkStore } from "./bulk-store";

/**
 * The runner's rules with a scripted Authlete (a function per call), so that concurrency,
 * retries and timing are exact. The HTTP suite (routes/bulk-jobs.test.ts) runs it against the
 * simulator.
 */
const principal = { name: "Ada", email: null, role: "operator" as const };
const FAST = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRateLimited: 5 };
const trails: AuditTrail[] = [];
afterEach(() => {
  for (const trail of trails.splice(0)) trail.close();
});

type Script = (
  request: FailRequest,
  call: number,
) => Promise<BackchannelAuthenticationFailResponse>;

function setup(script: Script, concurrency = 3, audit?: AuditTrail) {
  const trail = audit ?? new AuditTrail({ path: ":memory:", logger: createLogger("silent") });
  if (!audit) trails.push(trail);
  const store = new BulkStore(trail.database);
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const sent: string[] = [];
  const gateway = {
    target: { baseUrl: "http://authlete.test", simulated: true },
    async fail(request: FailRequest) {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sent.push(request.backchannelAuthenticationFailRequest.ticket);
      try {
        return await script(request, calls);
      } finally {
        inFlight--;
      }
    },
  } as unknown as AuthleteGateway;
  const service: ResolvedService = {
    gateway,
    environment: "test",
    name: "QA",
    testClient: undefined,
  };
  const runner = new BulkRunner({
    store,
    audit: trail,
    logger: createLogger("silent"),
    concurrency,
    retry: FAST,
  });
  const start = (tickets: string[]) =>
    runner.start(
      {
        serviceId: "1000000001",
        tickets: tickets.map((ticket) => ({ ticket })),
        reason: "SERVER_ERROR",
        justification: "INC-1",
      } as never,
      service,
      principal,
    );
  return { runner, store, trail, start, stats: () => ({ calls, maxInFlight, sent }) };
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

describe("BulkRunner", () => {
  it("fails every ticket with at most `concurrency` calls in flight, one audit record each", async () => {
    const { runner, store, trail, start, stats } = setup(ok, 3);
    const id = start(tickets(20));
    await runner.idle();
    expect(stats().maxInFlight).toBe(3);
    expect(stats().calls).toBe(20);
    const job = runner.view(id)!;
    expect(job.status).toBe("finished");
    expect(job.counts.succeeded).toBe(20);
    expect(store.items(id, undefined, 0, 100).every((item) => item.attempts === 1)).toBe(true);
    const records = trail.page({ jobId: id }, 100).events;
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.outcome === "succeeded" && r.justification === "INC-1")).toBe(
      true,
    );
  });

  it("retries 5xx and network errors with backoff, then gives up with the last error", async () => {
    let flakyCalls = 0;
    const { runner, store, start } = setup(async (request) => {
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
    const jobId = start(["flaky", "down"]);
    await runner.idle();
    const [flaky, down] = store.items(jobId, undefined, 0, 10);
    expect(flaky).toMatchObject({ state: "succeeded", attempts: 2 });
    expect(down).toMatchObject({
      state: "failed",
      attempts: 3,
      error: "Authlete could not be reached",
    });
    expect(runner.view(jobId)!.canRetry).toBe(true);
  });

  it("does not retry a refusal that would only repeat (403)", async () => {
    const { runner, store, start, stats } = setup(() => Promise.reject(problem(403)));
    const id = start(["t-1"]);
    await runner.idle();
    expect(store.items(id, undefined, 0, 10)[0]).toMatchObject({
      state: "failed",
      attempts: 1,
      upstreamStatus: 403,
    });
    expect(stats().calls).toBe(1);
  });

  it("honours 429 Retry-After for the whole job before sending anything else", async () => {
    const times: number[] = [];
    const { runner, store, start } = setup(async (_request, call) => {
      times.push(Date.now());
      if (call === 1) throw problem(429, 1);
      return ok();
    }, 1);
    const id = start(["a", "b"]);
    await runner.idle();
    expect(store.items(id, undefined, 0, 10).map((i) => i.state)).toEqual([
      "succeeded",
      "succeeded",
    ]);
    // The second call waited for Retry-After (1 s), and the 429 did not use up a try.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(store.items(id, undefined, 0, 10)[0]!.attempts).toBe(1);
  });

  it("pauses (calls in flight finish, nothing new starts) and resumes", async () => {
    const { runner, start, stats } = setup(ok, 2);
    const id = start(tickets(40));
    await new Promise((resolve) => setTimeout(resolve, 12));
    expect(runner.pause(id)).toBe(true);
    await runner.idle();
    const sentWhilePausing = stats().calls;
    expect(sentWhilePausing).toBeLessThan(40);
    expect(runner.view(id)!.status).toBe("paused");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stats().calls).toBe(sentWhilePausing);
    expect(runner.resume(id)).toBe(true);
    await runner.idle();
    expect(runner.view(id)!.counts.succeeded).toBe(40);
    expect(runner.view(id)!.status).toBe("finished");
  });

  it("cancels: queued tickets are never sent and are recorded as not attempted", async () => {
    const { runner, trail, start, stats } = setup(ok, 1);
    const id = start(tickets(30));
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(runner.cancel(id)).toBe(true);
    await runner.idle();
    const job = runner.view(id)!;
    expect(job.status).toBe("cancelled");
    expect(job.counts.succeeded).toBe(stats().calls);
    expect(job.counts["not-attempted"]).toBe(30 - stats().calls);
    expect(trail.page({ jobId: id, outcome: "not-attempted" }, 100).events).toHaveLength(
      30 - stats().calls,
    );
  });

  it("never has one ticket in flight twice, across jobs", async () => {
    let inFlightA = 0;
    let overlap = false;
    const { runner, start } = setup(async (request) => {
      if (request.backchannelAuthenticationFailRequest.ticket === "same") {
        inFlightA++;
        if (inFlightA > 1) overlap = true;
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlightA--;
      }
      return ok();
    }, 4);
    start(["same", "x-1"]);
    start(["same", "y-1"]);
    await runner.idle();
    expect(overlap).toBe(false);
  });

  it("after a restart, says what became of every ticket: interrupted or not attempted", async () => {
    const trail = new AuditTrail({ path: ":memory:", logger: createLogger("silent") });
    trails.push(trail);
    // The first process: one call hangs forever, as if the process died during it.
    const first = setup(() => new Promise(() => undefined), 1, trail);
    const id = first.start(["in-flight-one", "queued-one", "queued-two"]);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const second = setup(ok, 1, trail);
    expect(second.runner.recover()).toEqual([id]);
    const job = second.runner.view(id)!;
    expect(job.status).toBe("interrupted");
    expect(job.counts).toMatchObject({
      interrupted: 1,
      "not-attempted": 2,
      queued: 0,
      "in-flight": 0,
    });
    expect(job.canRetry).toBe(false);
    const records = trail.page({ jobId: id }, 10).events;
    expect(records.map((r) => [r.ticketHash, r.outcome]).sort()).toEqual(
      [
        [ticketHash("in-flight-one"), "interrupted"],
        [ticketHash("queued-one"), "not-attempted"],
        [ticketHash("queued-two"), "not-attempted"],
      ].sort(),
    );
  });

  it("retries the failed tickets of a stopped job on request", async () => {
    let down = true;
    const { runner, start, stats } = setup(() => (down ? Promise.reject(problem(500)) : ok()), 2);
    const id = start(["r-1", "r-2"]);
    await runner.idle();
    expect(runner.view(id)!.counts.failed).toBe(2);
    down = false;
    expect(runner.retryFailed(id)).toBe(2);
    await runner.idle();
    expect(runner.view(id)!.counts.succeeded).toBe(2);
    expect(stats().calls).toBe(2 * FAST.maxAttempts + 2);
  });
});
