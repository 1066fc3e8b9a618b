import { afterEach, describe, expect, it } from "vitest";
import { problemSchema } from "../../shared/problem";
import { sessionSchema } from "../../shared/session";
import { secretsEqual } from "../identity/sessions";
import { TEST_ACCESS_CODE, startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  // The access code is shown once, at start: never in a log line, an answer or the audit trail.
  if (running) {
    expect(running.logLines.join("\n")).not.toContain(TEST_ACCESS_CODE);
    for (const exchange of running.exchanges) {
      expect(exchange.text).not.toContain(TEST_ACCESS_CODE);
      expect(JSON.stringify([...exchange.headers])).not.toContain(TEST_ACCESS_CODE);
    }
    await running.signInAs({ name: "Checker", email: null, role: "viewer" });
    const records = await running.get("/api/audit/export?format=json");
    expect(records.status).toBe(200);
    expect(records.text).not.toContain(TEST_ACCESS_CODE);
  }
  await running?.close();
  running = undefined;
});

const signIn = (c: ConsoleUnderTest, accessCode: string, name = "Ada") =>
  c.request("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, accessCode }),
  });

describe("without a session", () => {
  it.each([
    ["GET", "/api/config"],
    ["GET", "/api/services"],
    ["POST", "/api/test-tickets"],
    ["POST", "/api/backchannel/authentication/fail"],
  ])("%s %s is refused with 401 and reaches no Authlete", async (method, path) => {
    running = await startConsole({ signedIn: false });
    const answer = await running.request(path, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify({ serviceId: "1000000001" }) : undefined,
    });
    expect(answer.status).toBe(401);
    expect(problemSchema.parse(answer.json).title).toBe("Sign in first");
    expect(running.simulator.requestLog).toHaveLength(0);
  });

  it("health checks stay open", async () => {
    running = await startConsole({ signedIn: false });
    expect((await running.get("/healthz")).status).toBe(200);
    expect((await running.get("/readyz")).status).toBe(200);
  });
});

describe("local sign-in", () => {
  it("sets an HttpOnly SameSite=Strict session cookie and says who is signed in", async () => {
    running = await startConsole({ signedIn: false });
    const answer = await signIn(running, TEST_ACCESS_CODE, "  Ada Lovelace ");
    expect(answer.status).toBe(200);
    expect(sessionSchema.parse(answer.json)).toEqual({
      name: "Ada Lovelace",
      email: null,
      nameVerified: false,
      role: "operator",
    });
    const cookie = answer.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^cfc_session=[\w-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain("Secure"); // plain http on loopback
    const session = await running.request("/api/session", {
      headers: { cookie: cookie.split(";")[0]! },
    });
    expect(session.json).toEqual({
      name: "Ada Lovelace",
      email: null,
      nameVerified: false,
      role: "operator",
    });
  });

  it("refuses a wrong code, and slows down repeated wrong codes", async () => {
    running = await startConsole({ signedIn: false });
    const first = await signIn(running, "wrong-code-1");
    expect(first.status).toBe(401);
    expect(problemSchema.parse(first.json).errors).toEqual([
      { path: "accessCode", message: "This access code is not right." },
    ]);
    expect(first.headers.get("set-cookie")).toBeNull();
    await signIn(running, "wrong-code-2");
    const started = performance.now();
    await signIn(running, "wrong-code-3");
    // Third try waits 0.5 s (0.25 s after the first failure, doubling).
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    // One log line per refusal for a SIEM (issue 19, item 7), never with the code tried.
    const refusals = running.logLines.filter((line) => line.includes('"sign-in-refused"'));
    expect(refusals).toHaveLength(3);
    expect(refusals.join("\n")).not.toContain("wrong-code");
  });

  it("signs out: the session no longer works", async () => {
    running = await startConsole();
    expect((await running.get("/api/config")).status).toBe(200);
    expect((await running.request("/api/session", { method: "DELETE" })).status).toBe(204);
    expect((await running.get("/api/config")).status).toBe(401);
  });

  it("ends a session after the idle timeout and after the absolute timeout", async () => {
    let now = 1_000_000;
    const minute = 60_000;
    const limits = { SESSION_IDLE_MINUTES: "10", SESSION_ABSOLUTE_HOURS: "1" };
    running = await startConsole({ now: () => now, env: limits });
    now += 9 * minute;
    expect((await running.get("/api/session")).status).toBe(200);
    now += 9 * minute; // active: the idle clock restarted at the last request
    expect((await running.get("/api/session")).status).toBe(200);
    now += 11 * minute;
    expect((await running.get("/api/session")).status).toBe(401);

    await running.close();
    now = 1_000_000;
    running = await startConsole({ now: () => now, env: limits });
    for (let i = 0; i < 6; i++) {
      now += 9 * minute;
      expect((await running.get("/api/session")).status).toBe(200);
    }
    now += 9 * minute; // 63 minutes after sign-in: past the absolute limit though never idle
    expect((await running.get("/api/session")).status).toBe(401);
  });
});

describe("secretsEqual", () => {
  it("compares whole secrets of any length", () => {
    expect(secretsEqual("abc", "abc")).toBe(true);
    expect(secretsEqual("abc", "abd")).toBe(false);
    expect(secretsEqual("abc", "abcd")).toBe(false);
    expect(secretsEqual("", "abc")).toBe(false);
  });
});
