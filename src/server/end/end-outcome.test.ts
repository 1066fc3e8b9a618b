import { describe, expect, it } from "vitest";
import { endOutcomeOf } from "./end-outcome";

/** The page's reading of /complete answers written here, not made by the simulator. */
const META = { requestId: "r-1", durationMs: 3, target: { baseUrl: "x", simulated: false } };
const NOT_DUE = {
  state: "not-due" as const,
  detail: "",
  status: null,
  body: null,
  held: null,
};
const AUTH_REQ_ID = "_mzc-ZQdAhSPuMxTlO-MC_oqaOqYCrdNQ39PVxisaiE";

describe("what the page says the client gets", () => {
  it("reads a push notification carrying server_error as Authlete's own error, not the chosen result", () => {
    const outcome = endOutcomeOf(
      {
        resultCode: "A198001",
        action: "NOTIFICATION",
        deliveryMode: "PUSH",
        authReqId: AUTH_REQ_ID,
        clientNotificationEndpoint: "https://client.example.com/cb",
        clientNotificationToken: "token-0123456789abcdef",
        responseContent: JSON.stringify({ auth_req_id: AUTH_REQ_ID, error: "server_error" }),
      },
      { result: "TRANSACTION_FAILED" },
      NOT_DUE,
      META,
    );
    expect(outcome.client.summary).toContain("server_error, not the result you chose");
    expect(outcome.client.tokenResponse).toBeNull();
    expect(outcome.client.notification).toEqual({
      method: "POST",
      url: "https://client.example.com/cb",
      headers: { Authorization: "Bearer …cdef", "Content-Type": "application/json" },
      body: { auth_req_id: "…xisaiE", error: "server_error" },
    });
    expect(JSON.stringify(outcome)).not.toContain(AUTH_REQ_ID);
    expect(JSON.stringify(outcome)).not.toContain("token-0123456789abcdef");
  });

  it("reads the spec's A198001 poll example as ended, with the token endpoint's predicted 400", () => {
    // authlete-openapi-3.0.16.yaml, /backchannel/authentication/complete, 200 example.
    const outcome = endOutcomeOf(
      {
        resultCode: "A198001",
        resultMessage:
          "[A198001] Successfully updated the database so that the token endpoint can generate tokens (mode = poll, result = AUTHORIZED).",
        accessTokenDuration: 0,
        action: "NO_ACTION",
        authReqId: AUTH_REQ_ID,
        clientId: 26862190133482,
        clientIdAliasUsed: false,
        clientName: "My CIBA Client",
        deliveryMode: "POLL",
        idTokenDuration: 0,
        refreshTokenDuration: 0,
      },
      { result: "ACCESS_DENIED", errorDescription: "The user said no." },
      NOT_DUE,
      META,
    );
    expect(outcome.authlete).toMatchObject({
      clientId: "26862190133482",
      clientName: "My CIBA Client",
      authReqIdTail: "xisaiE",
    });
    expect(outcome.client.tokenResponse?.body).toEqual({
      error: "access_denied",
      error_description: "The user said no.",
    });
    expect(outcome.client.summary).toContain('400 {"error":"access_denied"}');
  });

  it("says Authlete holds no such ticket for A186202, and nothing of a token answer", () => {
    const outcome = endOutcomeOf(
      {
        resultCode: "A186202",
        resultMessage: "[A186202] No record that holds the ticket.",
        action: "SERVER_ERROR",
      },
      { result: "TRANSACTION_FAILED" },
      NOT_DUE,
      META,
    );
    expect(outcome.client).toMatchObject({ noSuchTicket: true, tokenResponse: null });
    expect(outcome.client.summary).toMatch(/^Authlete holds no such ticket/);
  });
});
