import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../server/http/listen";
import type { Listening } from "../server/http/listen";
import { createSimulator } from "./app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, SEED_CLIENTS } from "./seed";

/**
 * Issue 17: /complete on issued requests, per delivery mode, against literal values of the spec
 * (authlete-openapi-3.0.16.yaml, the A198001 example) and CIBA Core §10.3, never against the
 * simulator's own tables.
 */
let clock = 1_700_000_000_000;
const simulator = createSimulator({ ticketTtlSeconds: 2, now: () => clock });
let server: Listening;
beforeAll(async () => {
  server = await listen(simulator.app.fetch, "127.0.0.1", 0);
});
afterAll(() => server.close());

async function post(path: string, body: unknown) {
  const response = await fetch(`${server.url}/api/1000000001${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${DEFAULT_SIMULATOR_ACCESS_TOKEN}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

const clientOf = (mode: string) =>
  SEED_CLIENTS.find(
    (client) => client.serviceId === "1000000001" && client.bcDeliveryMode === mode,
  )!;

/** A ticket issued for the service's client of that mode: its auth_req_id handed out. */
async function issued(mode: "POLL" | "PING" | "PUSH", extra = "") {
  const client = clientOf(mode);
  const token = mode === "POLL" ? "" : "&client_notification_token=cnt-0123456789";
  const created = await post("/backchannel/authentication", {
    parameters: `scope=openid&login_hint=alice${token}${extra}`,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
  });
  const ticket = created.ticket as string;
  const issue = await post("/backchannel/authentication/issue", { ticket });
  return { ticket, authReqId: issue.authReqId as string, issue };
}

describe("the simulator's /complete (issue 17)", () => {
  it('takes ACCESS_DENIED and TRANSACTION_FAILED without a subject, or with an empty one (the SDK sends "")', async () => {
    for (const subject of [undefined, ""]) {
      for (const result of ["ACCESS_DENIED", "TRANSACTION_FAILED"]) {
        const { ticket } = await issued("POLL");
        const answer = await post("/backchannel/authentication/complete", {
          ticket,
          result,
          ...(subject !== undefined && { subject }),
        });
        expect(answer).toMatchObject({ resultCode: "A198001", action: "NO_ACTION" });
        expect(answer.resultMessage).toBe(
          `[A198001] Successfully updated the database so that the token endpoint can generate tokens (mode = poll, result = ${result}).`,
        );
      }
    }
    const { ticket } = await issued("POLL");
    const noSubject = await post("/backchannel/authentication/complete", {
      ticket,
      result: "AUTHORIZED",
    });
    expect(noSubject.action).toBe("SERVER_ERROR");
  });

  it("answers a push client NOTIFICATION carrying the error, description and URI (CIBA Core §10.3.1)", async () => {
    for (const [result, error] of [
      ["ACCESS_DENIED", "access_denied"],
      ["TRANSACTION_FAILED", "expired_token"],
    ]) {
      const { ticket, authReqId } = await issued("PUSH");
      const answer = await post("/backchannel/authentication/complete", {
        ticket,
        result,
        errorDescription: "The device was lost.",
        errorUri: "https://example.com/errors/lost",
      });
      expect(answer).toMatchObject({
        resultCode: "A198001",
        action: "NOTIFICATION",
        deliveryMode: "PUSH",
        authReqId,
        clientNotificationEndpoint: `${server.url}/client-notifications/3000000021`,
        clientNotificationToken: "cnt-0123456789",
      });
      expect(JSON.parse(answer.responseContent as string)).toEqual({
        auth_req_id: authReqId,
        error,
        error_description: "The device was lost.",
        error_uri: "https://example.com/errors/lost",
      });
    }
  });

  it("answers a ping client NOTIFICATION with the auth_req_id only, whatever the result", async () => {
    const { ticket, authReqId } = await issued("PING");
    const answer = await post("/backchannel/authentication/complete", {
      ticket,
      result: "TRANSACTION_FAILED",
      errorDescription: "not in a ping body",
    });
    expect(answer).toMatchObject({ action: "NOTIFICATION", deliveryMode: "PING" });
    expect(JSON.parse(answer.responseContent as string)).toEqual({ auth_req_id: authReqId });
  });

  it("keeps an issued request for the auth_req_id's lifetime from /issue, not the ticket's from creation", async () => {
    const { ticket, issue } = await issued("POLL");
    expect(issue.expiresIn).toBe(600);
    clock += 5_000; // past the 2 s ticket lifetime, well within the 600 s auth_req_id
    const answer = await post("/backchannel/authentication/complete", {
      ticket,
      result: "TRANSACTION_FAILED",
    });
    expect(answer.resultCode).toBe("A198001");
  });

  it("uses the client's requested_expiry, and forgets the request once it passes", async () => {
    const { ticket, issue } = await issued("POLL", "&requested_expiry=30");
    expect(issue.expiresIn).toBe(30);
    clock += 31_000;
    const answer = await post("/backchannel/authentication/complete", {
      ticket,
      result: "TRANSACTION_FAILED",
    });
    expect(answer).toMatchObject({ resultCode: "A186202", action: "SERVER_ERROR" });
  });

  it("receives a notification at its sink and says whether the bearer token was the one handed out", async () => {
    const { ticket } = await issued("PING");
    const answer = await post("/backchannel/authentication/complete", {
      ticket,
      result: "ACCESS_DENIED",
    });
    const send = (token: string) =>
      fetch(answer.clientNotificationEndpoint as string, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: answer.responseContent as string,
      });
    expect((await send("cnt-0123456789")).status).toBe(204);
    expect((await send("wrong-token")).status).toBe(204);
    const received = simulator.notifications().slice(-2);
    expect(received.map((entry) => entry.tokenMatched)).toEqual([true, false]);
    expect(received[0]!.body).toEqual({ auth_req_id: answer.authReqId });
  });
});
