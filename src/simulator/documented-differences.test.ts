import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { listen } from "../server/http/listen";
import type { Listening } from "../server/http/listen";
import { createSimulator } from "./app";
import { BUILT_IN_SEED_FILE, DEFAULT_SIMULATOR_ACCESS_TOKEN, SEED_CLIENTS } from "./seed";
import { seedFrom } from "./seed-file";

/**
 * Issue 18, item 5: the simulator's last documented differences from Authlete, each over raw
 * HTTP against strict schemas written from the spec (authlete-openapi-3.0.16.yaml's
 * BackchannelAuthenticationResponse and Service; OIDC Core §5.4; RFC 8707; RFC 9396). The
 * README's simulator table gives each behaviour's source.
 */
const LIMITED_TOKEN = "limited-view-token";
const simulator = createSimulator({
  seed: seedFrom({
    ...BUILT_IN_SEED_FILE,
    clients: [
      ...BUILT_IN_SEED_FILE.clients,
      // A client registered without a backchannel token delivery mode.
      {
        clientId: 3000000099,
        clientSecret: "no-mode",
        clientName: "No mode",
        serviceApiKey: 1000000001,
      },
    ],
    accessTokens: [
      ...BUILT_IN_SEED_FILE.accessTokens,
      { token: LIMITED_TOKEN, services: "all", serviceView: "limited" },
    ],
  }),
});
let server: Listening;
beforeAll(async () => {
  server = await listen(simulator.app.fetch, "127.0.0.1", 0);
});
afterAll(() => server.close());

const POLL = SEED_CLIENTS.find((client) => client.clientId === "3000000001")!;

const result = { resultCode: z.string().regex(/^A\d{6}$/), resultMessage: z.string() };
/** The spec's BackchannelAuthenticationResponse, strict: a field it does not have fails. */
const identified = z.strictObject({
  ...result,
  action: z.literal("USER_IDENTIFICATION"),
  ticket: z.string(),
  clientId: z.number().int(),
  clientIdAliasUsed: z.boolean(),
  clientName: z.string(),
  deliveryMode: z.enum(["POLL", "PING", "PUSH"]),
  hintType: z.enum(["LOGIN_HINT", "LOGIN_HINT_TOKEN", "ID_TOKEN_HINT"]),
  hint: z.string(),
  sub: z.string().optional(),
  bindingMessage: z.string().optional(),
  userCode: z.string().optional(),
  userCodeRequired: z.boolean(),
  scopes: z.array(z.strictObject({ name: z.string(), defaultEntry: z.boolean() })),
  claimNames: z.array(z.string()).min(1).optional(),
  acrs: z.array(z.string()).min(1).optional(),
  requestedExpiry: z.number().int(),
  requestContext: z.string().optional(),
  resources: z.array(z.string()).optional(),
  authorizationDetails: z
    .strictObject({
      elements: z.array(z.looseObject({ type: z.string() })),
    })
    .optional(),
  clientNotificationToken: z.string().optional(),
});
const refused = z.strictObject({
  ...result,
  action: z.enum(["BAD_REQUEST", "UNAUTHORIZED", "INTERNAL_SERVER_ERROR"]),
  clientId: z.number().int().optional(),
  clientName: z.string().optional(),
  responseContent: z.string(),
});
/** An error's responseContent: error_uri on every one (RFC 6749 §5.2's three fields). */
const errorContent = z.strictObject({
  error: z.string(),
  error_description: z.string().regex(/^\[A\d{6}\] /),
  error_uri: z.url(),
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const answer = await fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      authorization: `Bearer ${init.token ?? DEFAULT_SIMULATOR_ACCESS_TOKEN}`,
      "content-type": "application/json",
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  return { status: answer.status, json: (await answer.json()) as Record<string, unknown> };
}

function authenticate(parameters: Record<string, string | string[]>, client = POLL) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  }
  return call(`/api/${client.serviceId}/backchannel/authentication`, {
    body: {
      parameters: form.toString(),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    },
  });
}

const jws = (payload: object) =>
  [{ alg: "RS256" }, payload]
    .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
    .join(".") + ".c2lnbmF0dXJl";

describe("the simulator's documented differences (issue 18, item 5)", () => {
  it("A169301 carries Authlete's own message and its documentation's error_uri", async () => {
    const answer = await authenticate(
      { scope: "openid", login_hint: "alice" },
      { ...POLL, clientId: "3000000099", clientSecret: "no-mode" },
    );
    const body = refused.parse(answer.json);
    expect(body).toMatchObject({
      resultCode: "A169301",
      resultMessage:
        "[A169301] The backchannel token delivery mode of the client application is not set.",
      action: "BAD_REQUEST",
    });
    expect(errorContent.parse(JSON.parse(body.responseContent))).toEqual({
      error: "unauthorized_client",
      error_description:
        "[A169301] The backchannel token delivery mode of the client application is not set.",
      error_uri: "https://docs.authlete.com/#A169301",
    });
  });

  it("claimNames is the expansion of the requested scopes the service supports, left out when empty", async () => {
    const expanded = identified.parse(
      (await authenticate({ scope: "openid profile phone address", login_hint: "alice" })).json,
    );
    // Demo Service supports profile and phone, not address (OIDC Core §5.4's lists).
    expect(expanded.claimNames).toEqual([
      "name",
      "family_name",
      "given_name",
      "middle_name",
      "nickname",
      "preferred_username",
      "profile",
      "picture",
      "website",
      "gender",
      "birthdate",
      "zoneinfo",
      "locale",
      "updated_at",
      "phone_number",
      "phone_number_verified",
    ]);
    const none = await authenticate({
      scope: "openid",
      login_hint: "alice",
      claims: '{"id_token":{"email":null}}',
    });
    expect(identified.parse(none.json)).not.toHaveProperty("claimNames");
  });

  it("acrs keeps only the service's supportedAcrs, in request order; requestedExpiry is 0 when not asked", async () => {
    const answer = identified.parse(
      (
        await authenticate({
          scope: "openid",
          login_hint: "alice",
          acr_values:
            "urn:example:unknown urn:mace:incommon:iap:bronze urn:mace:incommon:iap:silver",
        })
      ).json,
    );
    expect(answer.acrs).toEqual(["urn:mace:incommon:iap:bronze", "urn:mace:incommon:iap:silver"]);
    expect(answer.requestedExpiry).toBe(0);
    const unknownOnly = await authenticate({ scope: "openid", login_hint: "a", acr_values: "x:y" });
    expect(identified.parse(unknownOnly.json)).not.toHaveProperty("acrs");
  });

  it("reads a request object's payload (signature not checked) and returns its request_context", async () => {
    const answer = identified.parse(
      (
        await authenticate({
          request: jws({
            scope: "openid email",
            login_hint: "carol",
            binding_message: "W4SCT",
            requested_expiry: 90,
            request_context: { region: "eu", channel: "branch" },
          }),
        })
      ).json,
    );
    expect(answer).toMatchObject({
      hintType: "LOGIN_HINT",
      hint: "carol",
      bindingMessage: "W4SCT",
      requestedExpiry: 90,
      scopes: [{ name: "openid" }, { name: "email" }],
    });
    expect(JSON.parse(answer.requestContext!)).toEqual({ region: "eu", channel: "branch" });
    const notAJws = refused.parse((await authenticate({ request: "not-a-jws" })).json);
    expect(notAJws.action).toBe("BAD_REQUEST");
    expect(errorContent.parse(JSON.parse(notAJws.responseContent)).error).toBe("invalid_request");
  });

  it("returns resource and authorization_details as resources and authorizationDetails; a relative resource is invalid_target", async () => {
    const details = [
      { type: "payment_initiation", actions: ["initiate"], locations: ["https://bank.example"] },
    ];
    const answer = identified.parse(
      (
        await authenticate({
          scope: "openid",
          login_hint: "alice",
          resource: ["https://rs.example/accounts", "https://rs.example/payments"],
          authorization_details: JSON.stringify(details),
        })
      ).json,
    );
    expect(answer.resources).toEqual([
      "https://rs.example/accounts",
      "https://rs.example/payments",
    ]);
    expect(answer.authorizationDetails).toEqual({ elements: details });
    const relative = refused.parse(
      (await authenticate({ scope: "openid", login_hint: "alice", resource: "/accounts" })).json,
    );
    expect(relative.action).toBe("BAD_REQUEST");
    expect(errorContent.parse(JSON.parse(relative.responseContent)).error).toBe("invalid_target");
  });

  it("gives the full Service by default, built from the seed, at /service/get/list and /{serviceId}/service/get; limited tokens keep the limited view", async () => {
    const full = z.strictObject({
      apiKey: z.number().int(),
      serviceName: z.string(),
      number: z.number().int(),
      clientIdAliasEnabled: z.boolean(),
      backchannelAuthReqIdDuration: z.number().int(),
      backchannelPollingInterval: z.number().int(),
      backchannelUserCodeParameterSupported: z.boolean(),
      backchannelBindingMessageRequiredInFapi: z.boolean(),
      supportedScopes: z.array(z.strictObject({ name: z.string(), defaultEntry: z.boolean() })),
      supportedClaims: z.array(z.string()),
      supportedAcrs: z.array(z.string()),
      supportedGrantTypes: z.array(
        z.enum(["AUTHORIZATION_CODE", "REFRESH_TOKEN", "CIBA", "CLIENT_CREDENTIALS"]),
      ),
      supportedBackchannelTokenDeliveryModes: z.array(z.enum(["POLL", "PING", "PUSH"])),
    });
    const list = z
      .strictObject({
        start: z.number(),
        end: z.number(),
        totalCount: z.number(),
        services: z.array(full),
      })
      .parse((await call("/api/service/get/list")).json);
    const demo = list.services.find((service) => service.apiKey === 1000000001)!;
    expect(demo).toMatchObject({
      backchannelAuthReqIdDuration: 600,
      backchannelPollingInterval: 5,
      supportedAcrs: ["urn:mace:incommon:iap:silver", "urn:mace:incommon:iap:bronze"],
    });
    expect(demo.supportedGrantTypes).toContain("CIBA");
    expect(full.parse((await call("/api/1000000001/service/get")).json)).toEqual(demo);
    const limited = z.strictObject({
      apiKey: z.number().int(),
      serviceName: z.string(),
      number: z.number().int(),
      clientIdAliasEnabled: z.boolean(),
    });
    expect(
      limited.parse((await call("/api/1000000001/service/get", { token: LIMITED_TOKEN })).json),
    ).toEqual({
      apiKey: 1000000001,
      serviceName: "Demo Service",
      number: 1,
      clientIdAliasEnabled: false,
    });
  });

  it("puts error_uri on every error; the simulator's own codes point at its page listing them", async () => {
    const answer = refused.parse(
      (
        await authenticate(
          { scope: "openid", login_hint: "alice" },
          { ...POLL, clientSecret: "wrong" },
        )
      ).json,
    );
    const content = errorContent.parse(JSON.parse(answer.responseContent));
    expect(content.error_uri).toBe(`${server.url}/simulator/result-codes#${answer.resultCode}`);
    const page = await fetch(content.error_uri);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain(`<tr id="${answer.resultCode}">`);
    expect(html).toContain("The client credentials are wrong.");
    expect(html).not.toContain('id="A169301"');
  });

  it("lets a fault target one operation: only /auth/token answers 500", async () => {
    simulator.setFaults([{ kind: "status", status: 500, path: "/auth/token" }]);
    try {
      const token = await call("/api/1000000001/auth/token", {
        body: { parameters: "grant_type=urn:openid:params:grant-type:ciba&auth_req_id=x" },
      });
      expect(token.status).toBe(500);
      expect(z.strictObject(result).parse(token.json).resultCode).toMatch(/^A99/);
      const other = await authenticate({ scope: "openid", login_hint: "alice" });
      expect(identified.parse(other.json).action).toBe("USER_IDENTIFICATION");
    } finally {
      simulator.setFaults([]);
    }
  });

  it('treats "ticket": null on /fail as an absent ticket', async () => {
    const answer = await call("/api/1000000001/backchannel/authentication/fail", {
      body: { ticket: null, reason: "ACCESS_DENIED" },
    });
    expect(
      z
        .strictObject({ ...result, action: z.literal("FORBIDDEN"), responseContent: z.string() })
        .parse(answer.json),
    ).toEqual({
      resultCode: "A185001",
      resultMessage:
        "[A185001] Successfully generated an error response for the backchannel authentication request.",
      action: "FORBIDDEN",
      responseContent: '{"error":"access_denied"}',
    });
  });
});
