import { afterEach, describe, expect, it } from "vitest";
import { problemSchema } from "../../shared/problem";
import { judge, matrixToMarkdown, reasonMatrixResultSchema } from "../../shared/reason-matrix";
import { FAIL_REASONS } from "../../shared/reasons";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("POST /api/reason-matrix", () => {
  it("passes all nine reasons on a current Authlete, echoing description and URI", async () => {
    running = await startConsole();
    const answer = await running.post("/api/reason-matrix", {
      serviceId: "1000000001",
      errorDescription: "QA run",
      errorUri: "https://qa.example/errors",
    });
    expect(answer.status).toBe(200);
    const result = reasonMatrixResultSchema.parse(answer.json);
    expect(result.rows.map((row) => [row.reason, row.verdict])).toEqual(
      FAIL_REASONS.map((reason) => [reason, "pass"]),
    );
    expect(result.summary).toEqual({ pass: 9, fail: 0, unsupported: 0, error: 0 });
    expect(result.rows[0]!.actual).toMatchObject({
      errorDescription: "QA run",
      errorUri: "https://qa.example/errors",
    });
    // A fresh ticket per reason, each failed for real and recorded.
    expect(running.upstreamCalls("/backchannel/authentication")).toHaveLength(9);
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(9);
    const audit = (await running.get("/api/audit?kind=fail")).json as {
      events: { justification: string }[];
    };
    expect(audit.events.filter((e) => e.justification === "reason matrix")).toHaveLength(9);
  });

  it("tells a reason the service's Authlete does not know from a wrong answer", async () => {
    running = await startConsole();
    const result = reasonMatrixResultSchema.parse(
      (await running.post("/api/reason-matrix", { serviceId: "1000000003" })).json,
    );
    const verdicts = Object.fromEntries(result.rows.map((row) => [row.reason, row.verdict]));
    expect(verdicts).toMatchObject({
      INVALID_BINDING_MESSAGE: "unsupported",
      INVALID_TARGET: "unsupported",
      ACCESS_DENIED: "pass",
    });
    expect(result.summary).toEqual({ pass: 7, fail: 0, unsupported: 2, error: 0 });
    expect(matrixToMarkdown(result)).toContain("| INVALID_TARGET | unsupported |");
  });

  it("reports errors per reason when Authlete is down, and never runs on production", async () => {
    running = await startConsole({
      profiles: [
        { serviceId: "1000000001", name: "Payments", environment: "production" },
        { serviceId: "1000000002", name: "QA", environment: "test" },
      ],
    });
    const prod = await running.post("/api/reason-matrix", { serviceId: "1000000001" });
    expect(prod.status).toBe(403);
    expect(problemSchema.parse(prod.json).title).toContain("never runs on a production service");
    expect(running.upstreamCalls("/backchannel")).toHaveLength(0);
    // Refusals are recorded, as a single fail's are: production, and a service not configured.
    const unknown = await running.post("/api/reason-matrix", { serviceId: "1000000009" });
    expect(unknown.status).toBe(404);
    expect((await running.audit.page({ serviceId: "1000000001" }, 5)).events[0]).toMatchObject({
      kind: "fail",
      outcome: "forbidden",
    });
    expect((await running.audit.page({ serviceId: "1000000009" }, 5)).events[0]).toMatchObject({
      kind: "fail",
      outcome: "refused",
    });

    running.simulator.setFault({ kind: "status", status: 500 });
    const down = reasonMatrixResultSchema.parse(
      (await running.post("/api/reason-matrix", { serviceId: "1000000002" })).json,
    );
    expect(down.summary.error).toBe(9);
    expect(down.rows[0]!.detail).toBe(
      "No test ticket could be made: Authlete failed to process the request",
    );
  });
});

describe("judge", () => {
  const request = { serviceId: "1" };
  it("spells out each difference from the catalogue", () => {
    const row = judge(
      "ACCESS_DENIED",
      { ...request, errorDescription: "x" },
      {
        resultCode: "A185001",
        action: "BAD_REQUEST",
        responseContent: JSON.stringify({ error: "access_denied" }),
      },
    );
    expect(row.verdict).toBe("fail");
    expect(row.differences).toEqual([
      'action: expected "FORBIDDEN", got "BAD_REQUEST"',
      "client status: expected 403, got 400",
      'error_description: expected "x", got nothing',
    ]);
  });

  it("reads a body that is not JSON as having no fields", () => {
    const row = judge("SERVER_ERROR", request, {
      resultCode: "A185001",
      action: "INTERNAL_SERVER_ERROR",
      responseContent: "<html>",
    });
    expect(row.differences).toEqual(['error: expected "server_error", got nothing']);
  });
});
