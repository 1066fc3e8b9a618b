import { afterEach, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { DIALECTS, createPostgresDatabase } from "../../testing/test-databases";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** NUL broke PostgreSQL writes: 500 on a filter, 503 on invalid requests (issue 19, item 13). */
describe.each(DIALECTS)("control characters on %s", (dialect) => {
  async function start() {
    const databaseUrl = dialect === "postgres" ? await createPostgresDatabase() : undefined;
    running = await startConsole({ databaseUrl });
    return running;
  }

  it("refuses them in free-text filters with 400", async () => {
    const console = await start();
    for (const filter of ["operator=a%00b", "jobId=x%07y"]) {
      const answer = await console.get(`/api/audit?${filter}`);
      expect(answer.status, filter).toBe(400);
    }
  });

  it("keeps the record of an invalid request that carried one, without it", async () => {
    const console = await start();
    const answer = await console.post("/api/backchannel/authentication/fail", {
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: "tic\u0000ket", reason: "ACCESS_DENIED" },
    });
    expect(answer.status).toBe(400);
    const record = await console.audit.record({
      kind: "sign-in",
      outcome: "refused",
      operator: "mal\u0000lory",
      detail: "provider: x\u0000y",
    });
    expect(record.operator).toBe("mallory");
    const page = auditPageSchema.parse((await console.get("/api/audit?outcome=invalid")).json);
    expect(page.events.length).toBeGreaterThan(0);
  });
});
