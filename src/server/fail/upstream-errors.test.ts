import { afterEach, describe, expect, it } from "vitest";
import { problemSchema } from "../../shared/problem";
import { listen } from "../http/listen";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

// How the BFF answers when Authlete refuses, fails, is away or is slow, and that it keeps
// serving afterwards. The secret token is chosen so a leak anywhere is easy to find.
const SECRET = "tok-SECRET-4f9a1c";
const FAIL = "/api/backchannel/authentication/fail";
const body = (serviceId = "1000000001") => ({
  serviceId,
  backchannelAuthenticationFailRequest: { ticket: "some-ticket", reason: "SERVER_ERROR" },
});

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  if (running) {
    for (const exchange of running.exchanges) {
      expect(exchange.text).not.toContain(SECRET);
      expect([...exchange.headers.values()].join(" ")).not.toContain(SECRET);
    }
    expect(running.logLines.join("\n")).not.toContain(SECRET);
    await running.close();
  }
  running = undefined;
});

async function expectProblem(
  promise: Promise<{ status: number; json: unknown; headers: Headers }>,
  status: number,
) {
  const answer = await promise;
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  return problemSchema.parse(answer.json);
}

async function expectStillServing(c: ConsoleUnderTest) {
  c.simulator.setFault(null);
  expect((await c.get("/healthz")).status).toBe(200);
}

describe("Authlete's refusals become problems an operator understands", () => {
  it("401: the access token is rejected", async () => {
    running = await startConsole({
      simulator: { accessToken: SECRET },
      accessToken: `${SECRET}-wrong`,
    });
    const problem = await expectProblem(running.post(FAIL, body()), 502);
    expect(problem).toMatchObject({
      title: "Authlete rejected the access token",
      upstreamStatus: 401,
    });
    expect(problem.resultCode).toMatch(/^A\d{6}$/);
    expect(problem.resultMessage).toMatch(/^\[A\d{6}\] /);
    await expectStillServing(running);
  });

  it("403: the token may not use the service", async () => {
    running = await startConsole({ simulator: { accessToken: SECRET } });
    const problem = await expectProblem(running.post(FAIL, body("1000000009")), 502);
    expect(problem).toMatchObject({
      title: "The access token may not use service 1000000009",
      upstreamStatus: 403,
    });
    await expectStillServing(running);
  });

  it.each([400, 500] as const)(
    "%i from Authlete keeps its resultCode and resultMessage",
    async (status) => {
      running = await startConsole({ simulator: { accessToken: SECRET } });
      running.simulator.setFault({ kind: "status", status });
      const problem = await expectProblem(running.post(FAIL, body()), 502);
      expect(problem).toMatchObject({
        upstreamStatus: status,
        resultCode: "A990101",
        resultMessage: `[A990101] The simulator was told to answer HTTP ${status} (fault injection).`,
      });
      expect(problem.title).toBe(
        status === 400
          ? "Authlete rejected the request as malformed"
          : "Authlete failed to process the request",
      );
      await expectStillServing(running);
      expect((await running.post(FAIL, body())).status).toBe(200);
    },
  );

  it("an answer that is not JSON is a 502, not a crash", async () => {
    running = await startConsole({ simulator: { accessToken: SECRET } });
    running.simulator.setFault({ kind: "non-json" });
    const problem = await expectProblem(running.post(FAIL, body()), 502);
    expect(problem.title).toBe("Authlete's answer could not be understood");
    await expectStillServing(running);
  });

  it.each([200, 400, 500])(
    "a body that is not JSON under Content-Type: application/json (HTTP %i) is a 502, and the audit says so",
    async (status) => {
      running = await startConsole({ simulator: { accessToken: SECRET } });
      running.simulator.setFault({ kind: "broken-json", status });
      const problem = await expectProblem(running.post(FAIL, body()), 502);
      expect(problem.title).toBe("Authlete's answer could not be understood");
      const audit = (await running.get("/api/audit?limit=1")).json as {
        events: { outcome: string; detail: string | null }[];
      };
      expect(audit.events[0]).toMatchObject({
        outcome: "transport-error",
        detail: expect.stringContaining("could not be understood") as unknown,
      });
      await expectStillServing(running);
    },
  );

  it("no answer within AUTHLETE_TIMEOUT_MS is a 504, and the call is not retried", async () => {
    running = await startConsole({
      simulator: { accessToken: SECRET },
      env: { AUTHLETE_TIMEOUT_MS: "300" },
    });
    running.simulator.setFault({ kind: "delay", ms: 1500 });
    const started = performance.now();
    const problem = await expectProblem(running.post(FAIL, body()), 504);
    expect(performance.now() - started).toBeLessThan(1400);
    expect(problem.title).toBe("Authlete did not answer in time");
    expect(running.upstreamCalls("/fail")).toHaveLength(1);
    await expectStillServing(running);
  });

  it("Authlete unreachable is a 502 naming the base URL", async () => {
    // A port that was just free: nothing listens there any more.
    const closed = await listen(() => new Response(), "127.0.0.1", 0);
    await closed.close();
    running = await startConsole({
      simulator: { accessToken: SECRET },
      authleteBaseUrl: closed.url,
    });
    const problem = await expectProblem(running.post(FAIL, body()), 502);
    expect(problem.title).toBe("Authlete could not be reached");
    expect(problem.detail).toContain(closed.url);
    expect((await running.get("/readyz")).status).toBe(502);
    await expectStillServing(running);
  });
});
