import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemSchema } from "../shared/problem";
import { startConsole } from "./test-harness";
import type { ConsoleUnderTest } from "./test-harness";

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
    expect((await post({})).status).toBe(200);
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
