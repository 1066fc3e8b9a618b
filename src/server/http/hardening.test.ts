import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemSchema } from "../../shared/problem";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest;
beforeAll(async () => {
  running = await startConsole();
});
afterAll(() => running.close());

const FAIL = "/api/backchannel/authentication/fail";
const validBody = JSON.stringify({
  serviceId: "1000000001",
  backchannelAuthenticationFailRequest: { ticket: "t", reason: "SERVER_ERROR" },
});

function post(headers: Record<string, string>, body = validBody) {
  return running.request(FAIL, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

describe("same-origin writes", () => {
  it.each([
    [{ "sec-fetch-site": "cross-site" }],
    [{ "sec-fetch-site": "same-site" }],
    [{ origin: "https://evil.example" }],
    [{ "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:1" }],
  ])("refuses a cross-site POST (%j) with 403 and sends nothing", async (headers) => {
    const before = running.upstreamCalls("/fail").length;
    const answer = await post(headers);
    expect(answer.status).toBe(403);
    expect(problemSchema.parse(answer.json).title).toBe("Cross-site request refused");
    expect(running.upstreamCalls("/fail")).toHaveLength(before);
  });

  it("accepts the console's own page and tools that send no browser headers", async () => {
    expect((await post({ "sec-fetch-site": "same-origin", origin: running.url })).status).toBe(200);
    // The same ticket again: the console asks first (409), it does not refuse the origin.
    expect((await post({})).status).toBe(409);
  });

  it("does not apply to reads", async () => {
    const answer = await running.request("/api/config", {
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(answer.status).toBe(200);
  });
});

describe("body limit", () => {
  it("refuses bodies over 16 KiB with a 413 problem, sending nothing", async () => {
    const before = running.upstreamCalls("/fail").length;
    const answer = await post({}, JSON.stringify({ padding: "x".repeat(17 * 1024) }));
    expect(answer.status).toBe(413);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(running.upstreamCalls("/fail")).toHaveLength(before);
  });
});

describe("guards on the routes", () => {
  const noSession = (path: string, body: string) =>
    running.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "" },
      body,
    });

  it("checks the session before reading a body: no session is 401, whatever the body says", async () => {
    // Duplicate keys, invalid JSON, a bulk-sized body: each would be refused for what it is
    // (400 or 413) if it were read; without a session it is never read.
    for (const [path, body] of [
      [FAIL, '{"serviceId":"1","serviceId":"2"}'],
      [FAIL, "{not json"],
      [FAIL, JSON.stringify({ padding: "x".repeat(64 * 1024) })],
      ["/api/bulk-jobs", '{"tickets":[],"tickets":[]}'],
      ["/api/lab/runs", "{not json"],
    ] as const) {
      const answer = await noSession(path, body);
      expect(answer.status, path).toBe(401);
      expect(problemSchema.parse(answer.json).type).toMatch(/not-signed-in$/);
    }
  });

  it("gives the bulk-jobs route alone its 4 MiB limit", async () => {
    const big = JSON.stringify({ padding: "x".repeat(64 * 1024) });
    expect((await running.post("/api/bulk-jobs", big)).status).toBe(400);
    expect((await running.post("/api/lab/runs", big)).status).toBe(413);
    expect((await running.post("/api/test-tickets", big)).status).toBe(413);
  });

  it("leaves only sign-in open, with the small limit", async () => {
    expect((await noSession("/api/session", "{}")).status).toBe(400);
    const big = JSON.stringify({ padding: "x".repeat(17 * 1024) });
    expect((await noSession("/api/session", big)).status).toBe(413);
  });
});

describe("security headers", () => {
  it.each(["/api/config", "/api/nope", "/healthz"])("are on %s", async (path) => {
    const answer = await running.get(path);
    const csp = answer.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
    // Served over plain http here: no HSTS.
    expect(answer.headers.get("strict-transport-security")).toBeNull();
  });

  it("are on validation errors, with no-store on API answers", async () => {
    const answer = await post({}, "{}");
    expect(answer.status).toBe(400);
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });
});
