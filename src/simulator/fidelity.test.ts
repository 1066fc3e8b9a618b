import { Authlete } from "@authlete/typescript-sdk";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { listen } from "../server/http/listen";
import type { Listening } from "../server/http/listen";
import { createSimulator } from "./app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, SEED_CLIENTS } from "./seed";

/**
 * Issue 12: the simulator behaves as Authlete on each CIBA operation. Every answer is read by
 * the official SDK (its own schemas) and, over raw HTTP, checked against strict schemas written
 * here from the spec (authlete-openapi-3.0.16.yaml): an unknown or misspelt field fails.
 */
const simulator = createSimulator({
  restrictedTokens: {
    "management-token": { services: ["1000000001", "1000000002"], fullServiceView: true },
    "token-for-service-2": { services: ["1000000002"] },
  },
});
let server: Listening;
let sdk: Authlete;
beforeAll(async () => {
  server = await listen(simulator.app.fetch, "127.0.0.1", 0);
  sdk = new Authlete({ serverURL: server.url, bearer: DEFAULT_SIMULATOR_ACCESS_TOKEN });
});
afterAll(() => server.close());

const result = { resultCode: z.string().regex(/^A\d{6}$/), resultMessage: z.string() };
const failAnswer = z.strictObject({
  ...result,
  action: z.enum([
    "SERVER_ERROR",
    "NO_CONTENT",
    "BAD_REQUEST",
    "FORBIDDEN",
    "INTERNAL_SERVER_ERROR",
  ]),
  responseContent: z.string(),
});
const issueAnswer = z.strictObject({
  ...result,
  action: z.enum(["INTERNAL_SERVER_ERROR", "INVALID_TICKET", "OK"]),
  authReqId: z.string().optional(),
  expiresIn: z.number().int().optional(),
  interval: z.number().int().optional(),
  responseContent: z.string().optional(),
});
const completeAnswer = z.strictObject({
  ...result,
  action: z.enum(["SERVER_ERROR", "NO_ACTION", "NOTIFICATION"]),
  responseContent: z.string().optional(),
  clientId: z.number().int().optional(),
  clientIdAliasUsed: z.boolean().optional(),
  clientName: z.string().optional(),
  deliveryMode: z.enum(["POLL", "PING", "PUSH"]).optional(),
  clientNotificationEndpoint: z.string().optional(),
  clientNotificationToken: z.string().optional(),
  authReqId: z.string().optional(),
  accessTokenDuration: z.number().int().optional(),
  refreshTokenDuration: z.number().int().optional(),
  idTokenDuration: z.number().int().optional(),
});
const authenticationAnswer = z.strictObject({
  ...result,
  action: z.enum(["INTERNAL_SERVER_ERROR", "UNAUTHORIZED", "BAD_REQUEST", "USER_IDENTIFICATION"]),
  responseContent: z.string().optional(),
  clientId: z.number().int().optional(),
  clientIdAliasUsed: z.boolean().optional(),
  clientName: z.string().optional(),
  deliveryMode: z.enum(["POLL", "PING", "PUSH"]).optional(),
  ticket: z.string().optional(),
  hintType: z.enum(["LOGIN_HINT", "LOGIN_HINT_TOKEN", "ID_TOKEN_HINT"]).optional(),
  hint: z.string().optional(),
  sub: z.string().optional(),
  bindingMessage: z.string().optional(),
  userCode: z.string().optional(),
  scopes: z.array(z.strictObject({ name: z.string(), defaultEntry: z.boolean() })).optional(),
  claimNames: z.array(z.string()).optional(),
  acrs: z.array(z.string()).optional(),
  requestedExpiry: z.number().int().optional(),
  userCodeRequired: z.boolean().optional(),
  clientNotificationToken: z.string().optional(),
});
/** An error's responseContent as Authlete writes it. */
const errorContent = z.strictObject({
  error_description: z.string().regex(/^\[A\d{6}\] /),
  error: z.string(),
  error_uri: z.url().optional(),
});
const errorAnswer = z.strictObject(result);

/** A raw HTTP call, as any client of Authlete makes it; the body JSON or a form. */
async function raw(
  path: string,
  body: unknown,
  form = false,
  token = DEFAULT_SIMULATOR_ACCESS_TOKEN,
) {
  const answer = await fetch(`${server.url}/api${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
    },
    body: form
      ? new URLSearchParams(body as Record<string, string>).toString()
      : JSON.stringify(body),
  });
  expect(answer.headers.get("content-type")).toContain("application/json");
  return { status: answer.status, json: (await answer.json()) as Record<string, unknown> };
}

const POLL = SEED_CLIENTS.find((client) => client.clientId === "3000000001")!;
const PING = SEED_CLIENTS.find((client) => client.bcDeliveryMode === "PING")!;

async function newTicket(client = POLL, extra = ""): Promise<string> {
  const answer = await sdk.ciba.processAuthentication({
    serviceId: client.serviceId,
    backchannelAuthenticationRequest: {
      parameters: `scope=openid&login_hint=alice${extra}`,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    },
  });
  expect(answer.action).toBe("USER_IDENTIFICATION");
  return answer.ticket!;
}

describe("simulator fidelity (issue 12)", () => {
  it("1. /fail without a ticket generates the reason's error, as authlete-java-common documents the ticket optional", async () => {
    for (const body of [{ reason: "ACCESS_DENIED" }, { ticket: "", reason: "ACCESS_DENIED" }]) {
      const answer = await raw("/1000000001/backchannel/authentication/fail", body);
      expect(failAnswer.parse(answer.json)).toMatchObject({
        resultCode: "A185001",
        action: "FORBIDDEN",
        responseContent: '{"error":"access_denied"}',
      });
    }
    const wrongType = await raw("/1000000001/backchannel/authentication/fail", { ticket: 7 });
    expect(failAnswer.parse(wrongType.json).action).toBe("INTERNAL_SERVER_ERROR");
  });

  it("2. /issue reports the service's auth_req_id lifetime and interval, the same in expiresIn and responseContent", async () => {
    const ticket = await newTicket(SEED_CLIENTS.find((c) => c.serviceId === "1000000002"));
    const answer = await sdk.ciba.issue({
      serviceId: "1000000002",
      backchannelAuthenticationIssueRequest: { ticket },
    });
    expect(answer).toMatchObject({ action: "OK", expiresIn: 300, interval: 10 });
    expect(JSON.parse(answer.responseContent!)).toMatchObject({ expires_in: 300, interval: 10 });
    const rawAnswer = await raw("/1000000002/backchannel/authentication/issue", { ticket });
    expect(issueAnswer.parse(rawAnswer.json)).toMatchObject({ expiresIn: 300, interval: 10 });
  });

  it("3. /complete answers A198001 with the documented body: NO_ACTION in poll mode, NOTIFICATION in ping mode", async () => {
    const ticket = await newTicket();
    const poll = await sdk.ciba.complete({
      serviceId: "1000000001",
      backchannelAuthenticationCompleteRequest: { ticket, result: "AUTHORIZED", subject: "alice" },
    });
    expect(poll).toMatchObject({
      resultCode: "A198001",
      action: "NO_ACTION",
      clientName: POLL.clientName,
      deliveryMode: "POLL",
    });
    expect(poll.authReqId).toMatch(/^[\w-]{43}$/);
    expect(poll.resultMessage).toBe(
      "[A198001] Successfully updated the database so that the token endpoint can generate tokens (mode = poll, result = AUTHORIZED).",
    );

    const pingTicket = await newTicket(PING, "&client_notification_token=cnt-123456");
    const ping = await raw("/1000000001/backchannel/authentication/complete", {
      ticket: pingTicket,
      result: "ACCESS_DENIED",
      subject: "alice",
    });
    const pinged = completeAnswer.parse(ping.json);
    expect(pinged).toMatchObject({
      action: "NOTIFICATION",
      deliveryMode: "PING",
      // The seeded endpoint is a path: the simulator's own sink.
      clientNotificationEndpoint: `${server.url}${PING.bcNotificationEndpoint}`,
      clientNotificationToken: "cnt-123456",
    });
    expect(JSON.parse(pinged.responseContent!)).toEqual({ auth_req_id: pinged.authReqId });
  });

  it("3. /complete refuses a wrong request (unknown result, no subject) as SERVER_ERROR, and names an unknown ticket as Authlete does", async () => {
    const ticket = await newTicket();
    for (const body of [
      { ticket, result: "FOO", subject: "alice" },
      { ticket, result: "AUTHORIZED" },
    ]) {
      const answer = completeAnswer.parse(
        (await raw("/1000000001/backchannel/authentication/complete", body)).json,
      );
      expect(answer.action).toBe("SERVER_ERROR");
      expect(answer.resultCode).not.toBe("A198001");
    }
    const unknown = completeAnswer.parse(
      (
        await raw("/1000000001/backchannel/authentication/complete", {
          ticket: "no-such-ticket",
          result: "AUTHORIZED",
          subject: "alice",
        })
      ).json,
    );
    expect(unknown).toMatchObject({
      resultCode: "A186202",
      resultMessage: "[A186202] No record that holds the ticket.",
      action: "SERVER_ERROR",
    });
  });

  it("4. /backchannel/authentication: parameters missing or not a string is INTERNAL_SERVER_ERROR; a ping client needs a notification token", async () => {
    for (const parameters of [undefined, 42]) {
      const answer = await raw("/1000000001/backchannel/authentication", {
        parameters,
        clientId: POLL.clientId,
        clientSecret: POLL.clientSecret,
      });
      expect(authenticationAnswer.parse(answer.json).action).toBe("INTERNAL_SERVER_ERROR");
    }
    const ping = await raw("/1000000001/backchannel/authentication", {
      parameters: "scope=openid&login_hint=alice",
      clientId: PING.clientId,
      clientSecret: PING.clientSecret,
    });
    const refused = authenticationAnswer.parse(ping.json);
    expect(refused).toMatchObject({ action: "BAD_REQUEST", clientId: Number(PING.clientId) });
    expect(errorContent.parse(JSON.parse(refused.responseContent!))).toMatchObject({
      error: "invalid_request",
    });
  });

  it("4. returns what was asked (expiry, acrs, user code), drops scopes the service does not have, and reads an id_token_hint's sub", async () => {
    const idToken = [
      Buffer.from('{"alg":"RS256"}').toString("base64url"),
      Buffer.from('{"sub":"alice-42","iss":"https://as.example"}').toString("base64url"),
      "c2ln",
    ].join(".");
    const answer = await sdk.ciba.processAuthentication({
      serviceId: "1000000001",
      backchannelAuthenticationRequest: {
        parameters: new URLSearchParams({
          scope: "openid email payments",
          id_token_hint: idToken,
          claims: '{"id_token":{"name":null,"shoe_size":null}}',
          requested_expiry: "120",
          acr_values: "urn:mace:incommon:iap:silver",
          user_code: "1234",
        }).toString(),
        clientId: POLL.clientId,
        clientSecret: POLL.clientSecret,
      },
    });
    expect(answer).toMatchObject({
      action: "USER_IDENTIFICATION",
      sub: "alice-42",
      // The email scope's claims (OIDC Core §5.4), not the claims parameter's.
      claimNames: ["email", "email_verified"],
      requestedExpiry: 120,
      acrs: ["urn:mace:incommon:iap:silver"],
      userCode: "1234",
      scopes: [
        { name: "openid", defaultEntry: false },
        { name: "email", defaultEntry: false },
      ],
    });
    const notAJwt = await raw("/1000000001/backchannel/authentication", {
      parameters: "scope=openid&id_token_hint=not-a-jwt",
      clientId: POLL.clientId,
      clientSecret: POLL.clientSecret,
    });
    expect(authenticationAnswer.parse(notAJwt.json).action).toBe("BAD_REQUEST");
  });

  it("5. accepts form-encoded bodies on all four CIBA operations", async () => {
    const made = await raw(
      "/1000000001/backchannel/authentication",
      {
        parameters: "scope=openid&login_hint=alice",
        clientId: POLL.clientId,
        clientSecret: POLL.clientSecret,
      },
      true,
    );
    const { ticket } = authenticationAnswer.parse(made.json);
    expect(ticket).toMatch(/^[\w-]{43}$/);
    const issued = await raw(
      "/1000000001/backchannel/authentication/issue",
      { ticket: ticket! },
      true,
    );
    expect(issueAnswer.parse(issued.json).action).toBe("OK");
    const failed = await raw(
      "/1000000001/backchannel/authentication/fail",
      { ticket: "some-ticket", reason: "EXPIRED_LOGIN_HINT_TOKEN" },
      true,
    );
    expect(failAnswer.parse(failed.json).action).toBe("BAD_REQUEST");
    const completed = await raw(
      "/1000000001/backchannel/authentication/complete",
      { ticket: ticket!, result: "AUTHORIZED", subject: "alice" },
      true,
    );
    expect(completeAnswer.parse(completed.json).action).toBe("NO_ACTION");
  });

  it("6. a service id that is not a number is a 4xx in Authlete's shape on every operation, never a 5xx", async () => {
    for (const path of ["", "/issue", "/fail", "/complete"]) {
      const answer = await raw(`/not-a-number/backchannel/authentication${path}`, {
        parameters: "scope=openid&login_hint=alice",
        clientId: POLL.clientId,
        clientSecret: POLL.clientSecret,
        ticket: "t",
      });
      expect(answer.status).toBe(400);
      errorAnswer.parse(answer.json);
    }
    // And a token may not reach a service it does not cover, whatever the path.
    const other = await raw(
      "/1000000001/backchannel/authentication",
      { parameters: "scope=openid&login_hint=alice" },
      false,
      "token-for-service-2",
    );
    expect(other.status).toBe(403);
  });

  it("7. /service/get/list gives each service its own number, and the full view to a token that manages services", async () => {
    const limited = await fetch(`${server.url}/api/service/get/list?start=0&end=5`, {
      headers: { authorization: "Bearer token-for-service-2" },
    });
    const { services: onlySecond } = (await limited.json()) as {
      services: Record<string, unknown>[];
    };
    expect(onlySecond).toEqual([
      {
        apiKey: 1000000002,
        serviceName: "Second Demo Service",
        number: 2,
        clientIdAliasEnabled: false,
      },
    ]);
    const full = await fetch(`${server.url}/api/service/get/list`, {
      headers: { authorization: "Bearer management-token" },
    });
    const { services } = (await full.json()) as { services: Record<string, unknown>[] };
    expect(services[1]).toMatchObject({
      number: 2,
      backchannelAuthReqIdDuration: 300,
      backchannelPollingInterval: 10,
    });
    // The SDK reads both views.
    const viaSdk = new Authlete({ serverURL: server.url, bearer: "management-token" });
    expect((await viaSdk.service.list({ start: 0, end: 5 })).services).toHaveLength(2);
  });

  it("8. the simulator's own older-Authlete service says so in its name", async () => {
    const list = await sdk.service.list({ start: 0, end: 5 });
    const older = list.services!.find((service) => service.apiKey === 1000000003);
    expect(older?.serviceName).toMatch(/^Simulated older Authlete/);
  });
});

describe("no input makes the simulator fail", () => {
  it("answers 2,000 generated requests (any path, service id, content type, body) with JSON and never a 5xx", async () => {
    const path = fc.constantFrom(
      "backchannel/authentication",
      "backchannel/authentication/issue",
      "backchannel/authentication/fail",
      "backchannel/authentication/complete",
      "service/get/list",
      "nothing/here",
    );
    const serviceId = fc.oneof(
      fc.constantFrom("1000000001", "1000000002", "1000000003", "9", "0", "-1", "1e3", "%20", ""),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    );
    const fields = fc.constantFrom(
      "ticket",
      "reason",
      "parameters",
      "clientId",
      "clientSecret",
      "result",
      "subject",
      "errorDescription",
      "errorUri",
    );
    const body = fc.oneof(
      fc.dictionary(fields, value, { maxKeys: 6 }).map((object) => JSON.stringify(object)),
      fc.string({ maxLength: 60 }),
      fc.constant('{"parameters":"scope=openid&id_token_hint=a.b.c&claims=%7B"}'),
    );
    const type = fc.constantFrom(
      "application/json",
      "application/x-www-form-urlencoded",
      "text/plain",
      "",
    );
    await fc.assert(
      fc.asyncProperty(path, serviceId, body, type, async (p, id, b, t) => {
        const answer = await fetch(`${server.url}/api/${id}/${p}`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${DEFAULT_SIMULATOR_ACCESS_TOKEN}`,
            ...(t && { "content-type": t }),
          },
          body: b,
        });
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers.get("content-type")).toContain("application/json");
        await answer.json();
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});
