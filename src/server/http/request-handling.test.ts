import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const FAIL = "/api/backchannel/authentication/fail";

/** Log lines of one level ("info" 30, "error" 50) whose message is `msg`. */
function logged(console: ConsoleUnderTest, level: number, msg?: string) {
  return console.logLines
    .map((line) => JSON.parse(line) as { level: number; msg: string } & Record<string, unknown>)
    .filter((entry) => entry.level === level && (msg === undefined || entry.msg === msg));
}

/** Sends the headers and the first bytes of a body, then nothing; resolves with what came back. */
function stallBody(url: string, path: string, cookie: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", () => undefined);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 400\r\nCookie: ${cookie}\r\n\r\n{"serviceId":`,
    );
  });
}

describe("request handling", () => {
  it("a client that stalls its body gets 408 and an info log line, no error", async () => {
    running = await startConsole({
      env: { HEADERS_TIMEOUT_SECONDS: "1", REQUEST_TIMEOUT_SECONDS: "2" },
    });
    const started = performance.now();
    const answer = await stallBody(running.url, FAIL, running.cookie()!);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
    expect(performance.now() - started).toBeLessThan(10_000);
    await sleep(200);
    expect(logged(running, 50)).toEqual([]);
    expect(logged(running, 30, "request body not received")).toHaveLength(1);
  }, 20_000);

  it("makes its own request id; a caller's X-Request-Id is kept apart, and only when well formed", async () => {
    running = await startConsole();
    const headers = { "content-type": "application/json", "x-request-id": "forged-id-1" };
    const body = JSON.stringify({
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: "t-request-id", reason: "ACCESS_DENIED" },
    });
    const answer = await running.request(FAIL, { method: "POST", headers, body });
    expect(answer.headers.get("x-request-id")).not.toBe("forged-id-1");
    await running.request(FAIL, {
      method: "POST",
      headers: { ...headers, "x-request-id": "two words" },
      body,
    });
    const { events } = (await running.get("/api/audit?limit=2")).json as {
      events: { requestId: string; callerRequestId: string | null }[];
    };
    expect(events[1]!.requestId).toBe(answer.headers.get("x-request-id"));
    expect(events[1]!.callerRequestId).toBe("forged-id-1");
    expect(events[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[0]!.callerRequestId).toBeNull();
  });

  it("answers no-store on every API answer made before a session is known", async () => {
    running = await startConsole({ signedIn: false });
    const answers = [
      await running.get("/api/audit"),
      await running.request("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://evil.example" },
        body: "{}",
      }),
      await running.request("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "x".repeat(20_000), accessCode: "y" }),
      }),
      await running.request("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([401, 403, 413, 400]);
    for (const answer of answers) expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses a large body without a session before reading it", async () => {
    running = await startConsole({ signedIn: false });
    const { hostname, port } = new URL(running.url);
    // 4 MiB announced, 1 KiB sent: a 401 can only come back if the body was never waited for.
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname);
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.write(
        `POST /api/bulk-jobs HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n{"tickets":[${'"x",'.repeat(200)}`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1.1 401/);
  });

  it("answers /readyz without details to anyone not signed in, and checks Authlete at most every few seconds", async () => {
    let now = Date.parse("2026-11-30T10:00:00Z");
    running = await startConsole({ signedIn: false, now: () => now });
    const listCalls = () => running!.upstreamCalls("/service/get/list").length;
    const before = listCalls();
    const ready = await running.get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: "ready" });
    expect(ready.headers.get("cache-control")).toBe("no-store");
    await Promise.all(Array.from({ length: 5 }, () => running!.get("/readyz")));
    expect(listCalls() - before).toBe(1);
    running.simulator.setFault({ kind: "status", status: 401 });
    now += 5_000;
    const notReady = await running.get("/readyz");
    expect(notReady.status).toBe(503);
    expect(notReady.json).toEqual({ status: "not-ready" });
    expect(notReady.text).not.toContain(running.simulatorUrl);
    expect(listCalls() - before).toBe(2);
  });
});
