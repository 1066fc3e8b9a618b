import { Authlete } from "@authlete/typescript-sdk";
import * as errors from "@authlete/typescript-sdk/models/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../server/http/listen";
import type { Listening } from "../server/http/listen";
import { DOCUMENTED_REASONS } from "../shared/documented-reasons";
import { REQUEST_LOG_LIMIT, createSimulator } from "./app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, SEED_CLIENTS } from "./seed";

// The simulator is tested through the official SDK over real HTTP: every answer must parse with
// the SDK's own schemas, exactly as the console will parse it.

const SERVICE = "1000000001";
const OTHER_SERVICE = "1000000002";
let now = Date.now();
const simulator = createSimulator({
  ticketTtlSeconds: 60,
  now: () => now,
  extraServices: Array.from({ length: 10 }, (_, i) => ({
    serviceId: String(2000000000 + i),
    name: `Extra ${i}`,
  })),
  restrictedTokens: { "token-for-service-2": { services: [OTHER_SERVICE] } },
});
let server: Listening;
let sdk: Authlete;

beforeAll(async () => {
  server = await listen(simulator.app.fetch, "127.0.0.1", 0);
  sdk = new Authlete({ serverURL: server.url, bearer: DEFAULT_SIMULATOR_ACCESS_TOKEN });
});
afterAll(() => server.close());

async function newTicket(serviceId = SERVICE): Promise<string> {
  const client = SEED_CLIENTS.find((c) => c.serviceId === serviceId)!;
  const answer = await sdk.ciba.processAuthentication({
    serviceId,
    backchannelAuthenticationRequest: {
      parameters: "scope=openid&login_hint=alice&binding_message=W4SCT",
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    },
  });
  expect(answer.action).toBe("USER_IDENTIFICATION");
  return answer.ticket!;
}

describe("/backchannel/authentication", () => {
  it("issues a 43-character base64url ticket recording client, hint and binding message", async () => {
    const answer = await sdk.ciba.processAuthentication({
      serviceId: SERVICE,
      backchannelAuthenticationRequest: {
        parameters: "scope=openid&login_hint=alice&binding_message=W4SCT",
        clientId: "3000000001",
        clientSecret: "demo-client-secret",
      },
    });
    expect(answer).toMatchObject({
      resultCode: "A179001",
      action: "USER_IDENTIFICATION",
      clientId: 3000000001,
      hintType: "LOGIN_HINT",
      hint: "alice",
      bindingMessage: "W4SCT",
    });
    expect(answer.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("answers UNAUTHORIZED for a wrong client secret or a client of another service", async () => {
    for (const [clientId, clientSecret] of [
      ["3000000001", "wrong"],
      ["3000000002", "demo-client-secret-2"],
    ] as const) {
      const answer = await sdk.ciba.processAuthentication({
        serviceId: SERVICE,
        backchannelAuthenticationRequest: {
          parameters: "scope=openid&login_hint=a",
          clientId,
          clientSecret,
        },
      });
      expect(answer.action).toBe("UNAUTHORIZED");
      expect(answer.ticket).toBeUndefined();
    }
  });

  it("answers BAD_REQUEST without openid scope or without a hint", async () => {
    for (const parameters of ["login_hint=a", "scope=openid"]) {
      const answer = await sdk.ciba.processAuthentication({
        serviceId: SERVICE,
        backchannelAuthenticationRequest: {
          parameters,
          clientId: "3000000001",
          clientSecret: "demo-client-secret",
        },
      });
      expect(answer.action).toBe("BAD_REQUEST");
    }
  });
});

describe("/backchannel/authentication/fail", () => {
  it.each(DOCUMENTED_REASONS)(
    "answers $reason with its action and error, and deletes the ticket",
    async ({ reason, action, error }) => {
      const ticket = await newTicket();
      const answer = await sdk.ciba.fail({
        serviceId: SERVICE,
        backchannelAuthenticationFailRequest: { ticket, reason },
      });
      expect(answer.resultCode).toBe("A185001");
      expect(answer.resultMessage).toMatch(/^\[A185001\] /);
      expect(answer.action).toBe(action);
      expect(JSON.parse(answer.responseContent!)).toEqual({ error });
      expect(simulator.tickets.has(ticket)).toBe(false);
    },
  );

  it("copies errorDescription and errorUri into responseContent only when given", async () => {
    const answer = await sdk.ciba.fail({
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: {
        ticket: await newTicket(),
        reason: "ACCESS_DENIED",
        errorDescription: "User declined",
        errorUri: "https://example.com/why",
      },
    });
    expect(JSON.parse(answer.responseContent!)).toEqual({
      error: "access_denied",
      error_description: "User declined",
      error_uri: "https://example.com/why",
    });
  });

  it("answers an unknown ticket exactly like a real one, deleting nothing", async () => {
    const answer = await sdk.ciba.fail({
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: { ticket: "made-up-ticket", reason: "SERVER_ERROR" },
    });
    expect(answer).toMatchObject({ resultCode: "A185001", action: "INTERNAL_SERVER_ERROR" });
  });

  it("leaves a ticket of another service alone", async () => {
    const ticket = await newTicket(OTHER_SERVICE);
    const answer = await sdk.ciba.fail({
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: { ticket, reason: "ACCESS_DENIED" },
    });
    expect(answer.resultCode).toBe("A185001");
    expect(simulator.tickets.has(ticket)).toBe(true);
  });

  it("treats an expired ticket as unknown", async () => {
    const ticket = await newTicket();
    now += 61_000;
    expect(simulator.tickets.has(ticket)).toBe(false);
    const issued = await sdk.ciba.issue({
      serviceId: SERVICE,
      backchannelAuthenticationIssueRequest: { ticket },
    });
    expect(issued.action).toBe("INVALID_TICKET");
  });

  it("makes /issue answer INVALID_TICKET for a failed ticket", async () => {
    const ticket = await newTicket();
    expect(
      (
        await sdk.ciba.issue({
          serviceId: SERVICE,
          backchannelAuthenticationIssueRequest: { ticket },
        })
      ).action,
    ).toBe("OK");
    await sdk.ciba.fail({
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: { ticket, reason: "UNKNOWN_USER_ID" },
    });
    const issued = await sdk.ciba.issue({
      serviceId: SERVICE,
      backchannelAuthenticationIssueRequest: { ticket },
    });
    expect(issued).toMatchObject({ resultCode: "A181201", action: "INVALID_TICKET" });
  });
});

describe("/backchannel/authentication/complete", () => {
  it("answers SERVER_ERROR with A186202 for an unknown ticket", async () => {
    const answer = await sdk.ciba.complete({
      serviceId: SERVICE,
      backchannelAuthenticationCompleteRequest: {
        ticket: "nope",
        result: "AUTHORIZED",
        subject: "alice",
      },
    });
    expect(answer).toMatchObject({ resultCode: "A186202", action: "SERVER_ERROR" });
  });
});

describe("authentication and authorisation", () => {
  it("answers 401 in Authlete's shape for a wrong token", async () => {
    const wrong = new Authlete({ serverURL: server.url, bearer: "wrong-token" });
    const error = await wrong.service.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.ResultError);
    expect((error as errors.ResultError).statusCode).toBe(401);
    expect((error as errors.ResultError).resultMessage).toMatch(/^\[A\d{6}\] /);
  });

  it("answers 401 without any Authorization header", async () => {
    const response = await fetch(`${server.url}/api/service/get/list`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { resultCode: string };
    expect(body.resultCode).toMatch(/^A\d{6}$/);
  });

  it("answers 403 when the token may not use the service", async () => {
    const limited = new Authlete({ serverURL: server.url, bearer: "token-for-service-2" });
    const error = await limited.ciba
      .fail({
        serviceId: SERVICE,
        backchannelAuthenticationFailRequest: { ticket: "t", reason: "SERVER_ERROR" },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.ResultError);
    expect((error as errors.ResultError).statusCode).toBe(403);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await fetch(`${server.url}/api/${SERVICE}/backchannel/authentication/fail`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${DEFAULT_SIMULATOR_ACCESS_TOKEN}`,
        "content-type": "application/json",
      },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ resultCode: "A990203" });
  });
});

describe("/service/get/list", () => {
  it("pages with start and end (exclusive) over every visible service", async () => {
    const first = await sdk.service.list({ start: 0, end: 5 });
    expect(first).toMatchObject({ start: 0, end: 5, totalCount: 13 });
    expect(first.services?.map((s) => s.apiKey)).toEqual([
      1000000001, 1000000002, 1000000003, 2000000000, 2000000001,
    ]);
    const last = await sdk.service.list({ start: 10, end: 15 });
    expect(last.services?.map((s) => s.serviceName)).toEqual(["Extra 7", "Extra 8", "Extra 9"]);
  });

  it("shows a restricted token only its services", async () => {
    const limited = new Authlete({ serverURL: server.url, bearer: "token-for-service-2" });
    const list = await limited.service.list();
    expect(list.totalCount).toBe(1);
    expect(list.services?.[0]).toMatchObject({
      apiKey: 1000000002,
      serviceName: "Second Demo Service",
    });
  });
});

describe("an older Authlete (service 1000000003)", () => {
  it("answers the reasons it does not know as unsupported, and the others as usual", async () => {
    const simulator = createSimulator();
    const legacy = await listen(simulator.app.fetch, "127.0.0.1", 0);
    try {
      const sdk = new Authlete({ serverURL: legacy.url, bearer: DEFAULT_SIMULATOR_ACCESS_TOKEN });
      const fail = (reason: "INVALID_TARGET" | "ACCESS_DENIED") =>
        sdk.ciba.fail({
          serviceId: "1000000003",
          backchannelAuthenticationFailRequest: { ticket: "t", reason },
        });
      expect(await fail("INVALID_TARGET")).toMatchObject({
        resultCode: "A990206",
        action: "INTERNAL_SERVER_ERROR",
      });
      expect(await fail("ACCESS_DENIED")).toMatchObject({
        resultCode: "A185001",
        action: "FORBIDDEN",
      });
    } finally {
      await legacy.close();
    }
  });
});

describe("simulator-only routes and memory", () => {
  it("keeps only the newest requests in its log", async () => {
    const small = createSimulator();
    for (let i = 0; i < REQUEST_LOG_LIMIT + 25; i++) await small.app.request("/api/nothing");
    expect(small.requestLog).toHaveLength(REQUEST_LOG_LIMIT);
  });

  it("switches faults only with its admin token, which may differ from the API token", async () => {
    const guarded = createSimulator({ adminToken: "admin-token-made-at-start" });
    const put = (token: string) =>
      guarded.app.request("/_simulator/faults", {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify([{ kind: "drop" }]),
      });
    expect((await put(DEFAULT_SIMULATOR_ACCESS_TOKEN)).status).toBe(401);
    expect((await put("admin-token-made-at-start")).status).toBe(200);
    // Without one, the standalone simulator's documented token (the API token) does it.
    const standalone = createSimulator();
    const answer = await standalone.app.request("/_simulator/faults", {
      headers: { authorization: `Bearer ${DEFAULT_SIMULATOR_ACCESS_TOKEN}` },
    });
    expect(answer.status).toBe(200);
  });
});
