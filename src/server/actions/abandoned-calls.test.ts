import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startConsole } from "../../testing/test-harness";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("completes a single call's record left pending by a console that died, once no call could still run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "abandoned-"));
  dirs.push(dir);
  const databasePath = join(dir, "audit.db");
  // The console that died: its clock set an hour back, so its record is an hour old.
  const hourAgo = Date.now() - 3_600_000;
  const died = await startConsole({ databasePath, now: () => hourAgo, signedIn: false });
  const old = await died.audit.begin({ kind: "fail", operator: "Ada", serviceId: "1000000001" });
  await died.close();
  const recent = await startConsole({ databasePath, signedIn: false });
  // Still within the time a call may take (AUTHLETE_TIMEOUT_MS + 60 s): may be running.
  const fresh = await recent.audit.begin({ kind: "fail", operator: "Bo", serviceId: "1000000001" });
  await recent.close();

  const next = await startConsole({ databasePath, signedIn: false });
  try {
    const events = (await next.audit.page({ kind: "fail" }, 10)).events;
    expect(events.find((event) => event.id === old)).toMatchObject({
      outcome: "interrupted",
      detail: expect.stringContaining("stopped during the call") as unknown,
    });
    expect(events.find((event) => event.id === fresh)?.outcome).toBe("pending");
  } finally {
    await next.close();
  }
});
