import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servicesSchema } from "../../shared/console-info";
import { failResultSchema } from "../../shared/fail-result";
import { problemSchema } from "../../shared/problem";
import { DOCUMENTED_REASONS } from "../../shared/documented-reasons";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

const SERVICE = "1000000001";
let console_: ConsoleUnderTest;

beforeAll(async () => {
  console_ = await startConsole();
});
afterAll(() => console_.close());

async function testTicket(): Promise<string> {
  const created = await console_.post("/api/test-tickets", { serviceId: SERVICE });
  expect(created.status).toBe(201);
  return (created.json as { ticket: string }).ticket;
}

function failBody(fields: Record<string, unknown>, serviceId: unknown = SERVICE) {
  return { serviceId, backchannelAuthenticationFailRequest: fields };
}

describe("POST /api/backchannel/authentication/fail", () => {
  it.each(DOCUMENTED_REASONS)(
    "fails a real ticket with $reason and says what the client receives",
    async ({ reason, action, status, error }) => {
      const ticket = await testTicket();
      const answer = await console_.post(
        "/api/backchannel/authentication/fail",
        failBody({ ticket, reason }),
      );
      expect(answer.status).toBe(200);
      const result = failResultSchema.parse(answer.json);
      expect(result.authlete).toMatchObject({
        resultCode: "A185001",
        action,
      });
      expect(result.clientResponse).toEqual({
        status,
        headers: {
          "Content-Type": "application/json",
          "Cache-Control": "no-store",
          Pragma: "no-cache",
        },
        body: { error },
      });
      expect(result.meta.target.simulated).toBe(true);
      expect(result.meta.requestId).toBe(answer.headers.get("x-request-id"));
      expect(console_.simulator.tickets.has(ticket)).toBe(false);
    },
  );

  it("passes a trimmed ticket, description and URI through to Authlete", async () => {
    const ticket = await testTicket();
    const answer = await console_.post(
      "/api/backchannel/authentication/fail",
      failBody({
        ticket: `  ${ticket}\n`,
        reason: "ACCESS_DENIED",
        errorDescription: "The user declined on the device.",
        errorUri: "https://as.example.com/errors/declined",
      }),
    );
    const result = failResultSchema.parse(answer.json);
    expect(result.clientResponse.body).toEqual({
      error: "access_denied",
      error_description: "The user declined on the device.",
      error_uri: "https://as.example.com/errors/declined",
    });
    expect(console_.upstreamCalls("/fail").at(-1)?.body).toEqual({
      ticket,
      reason: "ACCESS_DENIED",
      errorDescription: "The user declined on the device.",
      errorUri: "https://as.example.com/errors/declined",
    });
  });

  it("treats empty optional fields as absent", async () => {
    const answer = await console_.post(
      "/api/backchannel/authentication/fail",
      failBody({ ticket: "abc", reason: "SERVER_ERROR", errorDescription: "", errorUri: "" }),
    );
    expect(answer.status).toBe(200);
    expect(console_.upstreamCalls("/fail").at(-1)?.body).toEqual({
      ticket: "abc",
      reason: "SERVER_ERROR",
    });
  });

  it("logs one line with serviceId, reason and resultCode, and never the ticket", async () => {
    const ticket = await testTicket();
    const answer = await console_.post(
      "/api/backchannel/authentication/fail",
      failBody({ ticket, reason: "UNKNOWN_USER_ID" }),
    );
    const requestId = answer.headers.get("x-request-id");
    const lines = console_.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.requestId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: "POST",
      path: "/api/backchannel/authentication/fail",
      status: 200,
      serviceId: SERVICE,
      reason: "UNKNOWN_USER_ID",
      resultCode: "A185001",
    });
    expect(typeof lines[0]!.durationMs).toBe("number");
    expect(console_.logLines.join("\n")).not.toContain(ticket);
  });
});

describe("validation", () => {
  const cases: [string, unknown, string[]][] = [
    ["everything missing", {}, ["serviceId", "backchannelAuthenticationFailRequest"]],
    [
      "a serviceId with letters",
      failBody({ ticket: "t", reason: "SERVER_ERROR" }, "12a"),
      ["serviceId"],
    ],
    [
      "a 20-digit serviceId",
      failBody({ ticket: "t", reason: "SERVER_ERROR" }, "1".repeat(20)),
      ["serviceId"],
    ],
    [
      "a path trick in serviceId",
      failBody({ ticket: "t", reason: "SERVER_ERROR" }, "1/../../service"),
      ["serviceId"],
    ],
    ["no reason", failBody({ ticket: "t" }), ["backchannelAuthenticationFailRequest.reason"]],
    [
      "an unknown reason",
      failBody({ ticket: "t", reason: "NOPE" }),
      ["backchannelAuthenticationFailRequest.reason"],
    ],
    [
      "a blank ticket",
      failBody({ ticket: "   ", reason: "SERVER_ERROR" }),
      ["backchannelAuthenticationFailRequest.ticket"],
    ],
    [
      "a ticket with a slash",
      failBody({ ticket: "a/b", reason: "SERVER_ERROR" }),
      ["backchannelAuthenticationFailRequest.ticket"],
    ],
    [
      "a description with a quote and a 2,000-char URI",
      failBody({
        ticket: "t",
        reason: "SERVER_ERROR",
        errorDescription: 'say "no"',
        errorUri: `https://x.example/${"a".repeat(2000)}`,
      }),
      [
        "backchannelAuthenticationFailRequest.errorDescription",
        "backchannelAuthenticationFailRequest.errorUri",
      ],
    ],
    [
      "a relative URI",
      failBody({ ticket: "t", reason: "SERVER_ERROR", errorUri: "/errors/1" }),
      ["backchannelAuthenticationFailRequest.errorUri"],
    ],
    [
      "an extra field",
      { ...failBody({ ticket: "t", reason: "SERVER_ERROR" }), extra: 1 },
      ["extra"],
    ],
  ];

  it.each(cases)(
    "refuses %s with one error per field and sends nothing",
    async (_name, body, paths) => {
      const before = console_.upstreamCalls("/fail").length;
      const answer = await console_.post("/api/backchannel/authentication/fail", body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      const problem = problemSchema.parse(answer.json);
      expect(problem.errors?.map((e) => e.path).sort()).toEqual([...paths].sort());
      expect(console_.upstreamCalls("/fail")).toHaveLength(before);
    },
  );

  it("refuses a body that is not JSON with a problem, sending nothing", async () => {
    const before = console_.upstreamCalls("/fail").length;
    const answer = await console_.post("/api/backchannel/authentication/fail", "{oops");
    expect(answer.status).toBe(400);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(console_.upstreamCalls("/fail")).toHaveLength(before);
  });
});

describe("production services (CONSOLE_CONFIG)", () => {
  const PROFILES = [
    { serviceId: "1000000001", name: "Payments", environment: "production" as const },
    { serviceId: "1000000002", name: "QA", environment: "test" as const },
  ];

  it("needs the ticket's last 6 characters and a justification before anything is sent", async () => {
    const running = await startConsole({ profiles: PROFILES });
    try {
      const ticket = "prod-ticket-abcdef";
      const send = (extra: Record<string, unknown>) =>
        running.post("/api/backchannel/authentication/fail", {
          serviceId: "1000000001",
          backchannelAuthenticationFailRequest: { ticket, reason: "SERVER_ERROR" },
          ...extra,
        });
      const bare = await send({});
      expect(bare.status).toBe(400);
      const problem = problemSchema.parse(bare.json);
      expect(problem.type).toBe("urn:ciba-fail-console:problem:confirmation-required");
      expect(problem.title).toBe("Payments is a production service: confirm first");
      expect(problem.errors?.map((e) => e.path)).toEqual(["confirmation", "justification"]);
      expect((await send({ confirmation: "abcdeX", justification: "INC-1" })).status).toBe(400);
      expect(running.upstreamCalls("/fail")).toHaveLength(0);

      const confirmed = await send({ confirmation: " abcdef ", justification: "INC-1" });
      expect(confirmed.status).toBe(200);
      expect(running.upstreamCalls("/fail")).toHaveLength(1);
    } finally {
      await running.close();
    }
  });

  it("fails a test service without a confirmation, and refuses a service not configured", async () => {
    const running = await startConsole({ profiles: PROFILES });
    try {
      const body = (serviceId: string) => ({
        serviceId,
        backchannelAuthenticationFailRequest: { ticket: "t-1", reason: "SERVER_ERROR" },
      });
      expect(
        (await running.post("/api/backchannel/authentication/fail", body("1000000002"))).status,
      ).toBe(200);
      const unknown = await running.post(
        "/api/backchannel/authentication/fail",
        body("1000000009"),
      );
      expect(unknown.status).toBe(404);
      expect(problemSchema.parse(unknown.json).type).toBe(
        "urn:ciba-fail-console:problem:unknown-service",
      );
      const services = servicesSchema.parse((await running.get("/api/services")).json);
      expect(services.map((s) => [s.serviceId, s.environment, s.testClient])).toEqual([
        ["1000000001", "production", false],
        ["1000000002", "test", true],
      ]);
      const prodTicket = await running.post("/api/test-tickets", { serviceId: "1000000001" });
      expect(prodTicket.status).toBe(403);
    } finally {
      await running.close();
    }
  });
});
