import { afterEach, describe, expect, it } from "vitest";
import { labRunSchema } from "../../shared/lab";
import type { LabRun } from "../../shared/lab";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function finished(on: ConsoleUnderTest, id: string): Promise<LabRun> {
  let run: LabRun | undefined;
  await expect
    .poll(
      async () => {
        run = labRunSchema.parse((await on.get(`/api/lab/runs/${id}`)).json);
        return run.state;
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe("finished");
  return run!;
}

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
  }, 30_000);
});
