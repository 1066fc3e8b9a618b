import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { consoleConfigSchema, servicesSchema } from "../shared/console-info";
import { problemSchema } from "../shared/problem";
import { testTicketSchema } from "../shared/test-ticket";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN } from "../simulator/seed";
import { parseSettings } from "./config";
import { buildConsole } from "./console";
import { startConsole } from "../testing/test-harness";
import type { ConsoleUnderTest } from "../testing/test-harness";

let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("POST /api/test-tickets", () => {
  it("creates a real ticket with the seeded client of the service", async () => {
    running = await startConsole();
    const answer = await running.post("/api/test-tickets", {
      serviceId: "1000000002",
      loginHint: "bob",
      bindingMessage: "X1",
    });
    expect(answer.status).toBe(201);
    const created = testTicketSchema.parse(answer.json);
    expect(created).toMatchObject({
      serviceId: "1000000002",
      clientId: "3000000002",
      loginHint: "bob",
      bindingMessage: "X1",
    });
    expect(created.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(running.simulator.tickets.has(created.ticket)).toBe(true);
  });

  it("says which services have a test client when the service has none", async () => {
    running = await startConsole();
    const answer = await running.post("/api/test-tickets", { serviceId: "42" });
    expect(answer.status).toBe(404);
    expect(problemSchema.parse(answer.json).title).toBe("No test client is known for service 42");
  });

  it("explains how to configure test tickets on a cluster without a test client", async () => {
    running = await startConsole({ noTestClients: true });
    const answer = await running.post("/api/test-tickets", { serviceId: "1000000001" });
    expect(answer.status).toBe(409);
    expect(problemSchema.parse(answer.json).detail).toContain("AUTHLETE_TEST_CLIENT_ID");
    expect(running.upstreamCalls("/backchannel/authentication")).toHaveLength(0);
  });

  it("reports a test client that Authlete refuses, with Authlete's result", async () => {
    running = await startConsole({
      noTestClients: true,
      env: { AUTHLETE_TEST_CLIENT_ID: "3000000001", AUTHLETE_TEST_CLIENT_SECRET: "wrong" },
    });
    const answer = await running.post("/api/test-tickets", { serviceId: "1000000001" });
    expect(answer.status).toBe(502);
    const problem = problemSchema.parse(answer.json);
    expect(problem.title).toBe("Authlete did not create a ticket");
    expect(problem.detail).toContain("UNAUTHORIZED");
    expect(problem.resultCode).toMatch(/^A\d{6}$/);
  });
});

describe("GET /api/services", () => {
  it("lists every service the token sees, paging to the end", async () => {
    const extraServices = Array.from({ length: 43 }, (_, i) => ({
      serviceId: String(5000000000 + i),
      name: `S${i}`,
    }));
    running = await startConsole({ simulator: { extraServices } });
    const answer = await running.get("/api/services");
    const services = servicesSchema.parse(answer.json);
    expect(services).toHaveLength(46);
    expect(services[0]).toEqual({
      serviceId: "1000000001",
      name: "Demo Service",
      environment: null,
      cluster: null,
      testClient: true,
      testDeliveryModes: ["POLL", "PING", "PUSH"],
      approvalRequired: false,
    });
    expect(services.at(-1)).toMatchObject({
      serviceId: "5000000042",
      name: "S42",
      testClient: false,
    });
    expect(running.upstreamCalls("/service/get/list")).toHaveLength(3);
  });

  it("answers an empty list when the token may not list services", async () => {
    running = await startConsole({
      simulator: {
        restrictedTokens: { limited: { services: ["1000000001"], mayListServices: false } },
      },
      accessToken: "limited",
    });
    const answer = await running.get("/api/services");
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([]);
  });
});

describe("the embedded simulator", () => {
  it("takes fault switches only with a token made at start, not the documented API token", async () => {
    const built = await buildConsole(parseSettings({ CONSOLE_ACCESS_CODE: "embedded-code-1234" }), {
      databasePath: ":memory:",
      clientDir: null,
      logDestination: { write: () => undefined },
    });
    try {
      const answer = await built.simulator!.app.request("/_simulator/faults", {
        method: "PUT",
        headers: {
          authorization: `Bearer ${DEFAULT_SIMULATOR_ACCESS_TOKEN}`,
          "content-type": "application/json",
        },
        body: JSON.stringify([{ kind: "drop" }]),
      });
      expect(answer.status).toBe(401);
    } finally {
      await built.close();
    }
  });
});

describe("config and health", () => {
  it("tells the page the target and whether test tickets work, and nothing secret", async () => {
    running = await startConsole();
    const answer = await running.get("/api/config");
    const config = consoleConfigSchema.parse(answer.json);
    expect(config).toEqual({
      target: { baseUrl: running.simulatorUrl, simulated: true },
      testTickets: { available: true },
      notifications: { deliver: false },
      session: { idleSeconds: 1800 },
      version: "0.0.0-test",
    });
    expect(answer.text).not.toContain("simulator-access-token");
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("is alive and ready against a reachable Authlete; not ready with a wrong token", async () => {
    running = await startConsole();
    expect((await running.get("/healthz")).status).toBe(200);
    expect((await running.get("/readyz")).status).toBe(200);
    await running.close();
    running = await startConsole({ accessToken: "wrong" });
    const notReady = await running.get("/readyz");
    expect(notReady.status).toBe(502);
    expect(problemSchema.parse(notReady.json).title).toBe("Authlete rejected the access token");
  });

  it("answers unknown API paths with a problem+json 404", async () => {
    running = await startConsole();
    const answer = await running.get("/api/nope");
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("the built page", () => {
  function fakeBuild(): string {
    const dir = mkdtempSync(join(tmpdir(), "ciba-client-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
    return `${dir}/`;
  }

  it("caches hashed assets forever and revalidates index.html", async () => {
    running = await startConsole({ clientDir: fakeBuild() });
    const asset = await running.get("/assets/index-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const page = await running.get("/");
    expect(page.text).toContain("<title>console</title>");
    expect(page.headers.get("cache-control")).toBe("no-cache");
  });

  it("falls back to the page for unknown paths, but not for missing assets or APIs", async () => {
    running = await startConsole({ clientDir: fakeBuild() });
    const deep = await running.get("/some/page");
    expect(deep.status).toBe(200);
    expect(deep.text).toContain("<title>console</title>");
    expect((await running.get("/assets/missing.js")).status).toBe(404);
    expect((await running.get("/api/missing")).headers.get("content-type")).toBe(
      "application/problem+json",
    );
  });
});
