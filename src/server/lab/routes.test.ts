import { afterEach, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { labBudgetSchema, labRunSchema } from "../../shared/lab";
import { finishedLabRun as finished } from "../../testing/lab-runs";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("QA lab runs", () => {
  it("passes every cell for poll, ping and push against the embedded simulator", async () => {
    running = await startConsole({
      notifyConsole: true,
      env: { LAB_REQUESTED_EXPIRY_SECONDS: "1" },
    });
    const started = await running.post("/api/lab/runs", {
      serviceId: "1000000001",
      errorDescription: "QA lab",
      errorUri: "https://qa.example/lab",
    });
    expect(started.status).toBe(202);
    const run = await finished(running, labRunSchema.parse(started.json).id);
    const notPassing = run.cells.filter((cell) => cell.verdict !== "pass");
    expect(
      notPassing.map((cell) => [
        cell.outcome,
        cell.mode,
        cell.detail,
        cell.checks.filter((c) => !c.ok),
      ]),
    ).toEqual([]);
    expect(run.modes).toEqual(["POLL", "PING", "PUSH"]);
    expect(run.cells).toHaveLength(13 * 3);

    // Lab calls are the lab's: none of them fills the person's recent fails.
    const recent = auditPageSchema.parse((await running.get("/api/audit/recent")).json);
    expect(recent.events).toEqual([]);
    // One record per cell, of kind lab.
    const labRecords = auditPageSchema.parse(
      (await running.get("/api/audit?kind=lab&limit=100")).json,
    );
    expect(labRecords.events).toHaveLength(13 * 3);

    // Secrets are tails only in what is stored and served: no whole ticket, auth_req_id,
    // notification token or access token appears anywhere in the run.
    const stored = JSON.stringify(run);
    const names =
      "ticket|auth_req_id|authReqId|access_token|accessToken|id_token|client_notification_token|authorization";
    const inJson = new RegExp(`\\\\?"(${names})\\\\?":\\\\?"([^"\\\\]*)`, "g");
    const inForm = new RegExp(`(${names})=([^&"\\\\]*)`, "g");
    const secrets = [...stored.matchAll(inJson), ...stored.matchAll(inForm)];
    expect(secrets.length).toBeGreaterThan(100);
    for (const [, field, value] of secrets)
      expect([field, value]).toEqual([field, expect.stringMatching(/^….{0,8}$/)]);
  }, 30_000);

  it("never runs on a production service: refused before any Authlete call, and no run counted", async () => {
    running = await startConsole({
      profiles: [{ serviceId: "1000000001", name: "Payments", environment: "production" }],
    });
    const refused = await running.post("/api/lab/runs", { serviceId: "1000000001" });
    expect(refused.status).toBe(409);
    expect(running.upstreamCalls("/backchannel/authentication")).toEqual([]);
    expect(labBudgetSchema.parse((await running.get("/api/lab/budget")).json)).toMatchObject({
      remaining: 20,
    });
  });
});
