import { afterEach, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { problemSchema } from "../../shared/problem";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("POST /api/test-tickets under the review's findings (issue 19)", () => {
  it("records who asked as the other records do: name not verified with the shared code, the caller's request id (item 8)", async () => {
    running = await startConsole();
    const created = await running.request("/api/test-tickets", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "qa-run-42" },
      body: JSON.stringify({ serviceId: "1000000001" }),
    });
    expect(created.status).toBe(201);
    const page = auditPageSchema.parse((await running.get("/api/audit?kind=test-ticket")).json);
    expect(page.events[0]).toMatchObject({ nameVerified: false, callerRequestId: "qa-run-42" });
  });

  it("charges each test ticket to the per-minute limit: 60 in parallel, 10 allowed (item 9)", async () => {
    running = await startConsole({ env: { FAIL_RATE_LIMIT_PER_MINUTE: "10" } });
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        running!.post("/api/test-tickets", { serviceId: "1000000001" }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    expect(running.upstreamCalls("/backchannel/authentication")).toHaveLength(10);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(problemSchema.parse(refused.json).type).toMatch(/rate-limited$/);
    const page = auditPageSchema.parse(
      (await running.get("/api/audit?kind=test-ticket&outcome=rate-limited")).json,
    );
    expect(page.events).toHaveLength(50);
  });
});
