import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { failResultSchema } from "../../shared/fail-result";
import { problemSchema } from "../../shared/problem";
import type { SimulatorFault } from "../../simulator/faults";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

/**
 * Every fault the simulator can play, through the real BFF and SDK over HTTP: the right
 * problem+json within the configured timeout, the audit record with its outcome, and the very
 * next normal call succeeding (the BFF never wedges).
 */
const TIMEOUT_MS = 800;
let running: ConsoleUnderTest;

beforeAll(async () => {
  running = await startConsole({ env: { AUTHLETE_TIMEOUT_MS: String(TIMEOUT_MS) } });
});
afterAll(() => running.close());

const FAIL = "/api/backchannel/authentication/fail";
let counter = 0;
const body = () => ({
  serviceId: "1000000001",
  backchannelAuthenticationFailRequest: { ticket: `fault-${++counter}`, reason: "SERVER_ERROR" },
});

async function lastFailRecord() {
  const page = auditPageSchema.parse((await running.get("/api/audit?kind=fail&limit=1")).json);
  return page.events[0]!;
}

async function expectNextCallWorks() {
  running.simulator.setFaults([]);
  const answer = await running.post(FAIL, body());
  expect(answer.status).toBe(200);
  expect(failResultSchema.parse(answer.json).authlete.resultCode).toBe("A185001");
}

const CASES: {
  name: string;
  fault: SimulatorFault;
  status: number;
  type: string;
  outcome: string;
  upstreamStatus?: number;
  header?: [string, string];
}[] = [
  {
    name: "500 with an Authlete body",
    fault: { kind: "status", status: 500 },
    status: 502,
    type: "authlete-refused",
    outcome: "refused",
    upstreamStatus: 500,
  },
  {
    name: "429 with Retry-After",
    fault: { kind: "status", status: 429, retryAfterSeconds: 7 },
    status: 502,
    type: "authlete-refused",
    outcome: "refused",
    upstreamStatus: 429,
    header: ["retry-after", "7"],
  },
  {
    name: "401 (token revoked)",
    fault: { kind: "status", status: 401 },
    status: 502,
    type: "authlete-refused",
    outcome: "refused",
    upstreamStatus: 401,
  },
  {
    name: "a dropped connection",
    fault: { kind: "drop" },
    status: 502,
    type: "authlete-unreachable",
    outcome: "transport-error",
  },
  {
    name: "a non-JSON body",
    fault: { kind: "non-json" },
    status: 502,
    type: "authlete-bad-answer",
    outcome: "transport-error",
    upstreamStatus: 200,
  },
  {
    name: "a body that never finishes",
    fault: { kind: "stalled-body" },
    status: 504,
    type: "authlete-timeout",
    outcome: "transport-error",
  },
  {
    name: "latency past the timeout",
    fault: { kind: "delay", ms: TIMEOUT_MS + 700 },
    status: 504,
    type: "authlete-timeout",
    outcome: "transport-error",
  },
];

describe("faults through the BFF", () => {
  it.each(CASES)("$name → $status $type, recorded as $outcome", async (c) => {
    running.simulator.setFaults([c.fault]);
    const started = performance.now();
    const answer = await running.post(FAIL, body());
    const elapsed = performance.now() - started;
    expect(answer.status).toBe(c.status);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    const problem = problemSchema.parse(answer.json);
    expect(problem.type).toBe(`urn:ciba-fail-console:problem:${c.type}`);
    if (c.upstreamStatus) expect(problem.upstreamStatus).toBe(c.upstreamStatus);
    if (c.header) expect(answer.headers.get(c.header[0])).toBe(c.header[1]);
    // Within the configured timeout (plus scheduling slack), never a hang.
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
    expect(await lastFailRecord()).toMatchObject({
      outcome: c.outcome,
      upstreamStatus: c.upstreamStatus ?? null,
    });
    await expectNextCallWorks();
  });

  it("latency within the timeout only slows the answer down", async () => {
    running.simulator.setFaults([{ kind: "delay", ms: 200 }]);
    const started = performance.now();
    const answer = await running.post(FAIL, body());
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await expectNextCallWorks();
  });

  it("a fraction of requests failing fails about that fraction, each answered cleanly", async () => {
    running.simulator.setFaults([{ kind: "status", status: 503, fraction: 0.1 }]);
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await running.post(FAIL, body())).status);
    const failed = statuses.filter((status) => status === 502).length;
    expect(statuses.every((status) => status === 200 || status === 502)).toBe(true);
    // 10 % of 200 is 20; a binomial 99.99 % interval is about 5–40.
    expect(failed).toBeGreaterThan(4);
    expect(failed).toBeLessThan(41);
    await expectNextCallWorks();
  });

  it("the simulator's admin route switches faults at run time, with its token only", async () => {
    const admin = (method: string, value?: unknown, token = "simulator-access-token") =>
      fetch(`${running.simulatorUrl}/_simulator/faults`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: value === undefined ? undefined : JSON.stringify(value),
      });
    expect((await admin("PUT", [{ kind: "status", status: 500 }], "wrong")).status).toBe(401);
    expect((await admin("PUT", [{ kind: "explode" }])).status).toBe(400);
    expect((await admin("PUT", [{ kind: "status", status: 500 }])).status).toBe(200);
    expect((await running.post(FAIL, body())).status).toBe(502);
    expect((await admin("DELETE")).status).toBe(204);
    expect((await running.post(FAIL, body())).status).toBe(200);
  });
});
