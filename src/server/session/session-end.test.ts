/**
 * Issue 20, item 3: a 401 says why the session ended, so the page can say it; the config says
 * how long a session lasts idle, so the page can warn before. Over HTTP, with an injected clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { consoleConfigSchema } from "../../shared/console-info";
import { problemSchema } from "../../shared/problem";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("why a session ended", () => {
  it("answers idle after SESSION_IDLE_SECONDS without a request, and gone after that", async () => {
    let now = Date.parse("2026-12-04T03:00:00Z");
    running = await startConsole({
      env: { SESSION_IDLE_SECONDS: "20" },
      now: () => now,
      signedIn: true,
    });
    const config = consoleConfigSchema.parse((await running.get("/api/config")).json);
    expect(config.session.idleSeconds).toBe(20);

    now += 15_000;
    expect((await running.get("/api/services")).status).toBe(200);
    now += 15_000; // 15 s since the last request: still alive, the clock restarted at 15 s.
    expect((await running.get("/api/services")).status).toBe(200);

    now += 21_000;
    const idle = await running.get("/api/services");
    expect(idle.status).toBe(401);
    const problem = problemSchema.parse(idle.json);
    expect(problem.sessionEnded).toBe("idle");
    expect(problem.detail).toContain("without activity");

    // The session is gone now: the next answer cannot know more.
    const after = problemSchema.parse((await running.get("/api/session")).json);
    expect(after.sessionEnded).toBe("gone");
  });

  it("answers gone for a session signed out", async () => {
    running = await startConsole({ signedIn: true });
    expect((await running.request("/api/session", { method: "DELETE" })).status).toBe(204);
    const answer = await running.get("/api/config");
    expect(answer.status).toBe(401);
    expect(problemSchema.parse(answer.json).sessionEnded).toBe("gone");
  });
});
