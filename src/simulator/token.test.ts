import { Authlete } from "@authlete/typescript-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { listen } from "../server/http/listen";
import type { Listening } from "../server/http/listen";
import { createSimulator } from "./app";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN, SEED_CLIENTS } from "./seed";

/**
 * Issue 18, item 1: the simulator's token endpoint for the CIBA grant, answers checked against a
 * strict schema written from the spec's token response, errors from CIBA Core 1.0 §11 (literal
 * error codes there, never read from the simulator's own tables).
 */
let clock = 1_700_000_000_000;
const simulator = createSimulator({ now: () => clock });
let server: Listening;
let sdk: Authlete;
beforeAll(async () => {
  server = await listen(simulator.app.fetch, "127.0.0.1", 0);
  sdk = new Authlete({ serverURL: server.url, bearer: DEFAULT_SIMULATOR_ACCESS_TOKEN });
});
afterAll(() => server.close());

const tokenAnswer = z.strictObject({
  resultCode: z.string().regex(/^A\d{6}$/),
  resultMessage: z.string(),
  action: z.enum(["INTERNAL_SERVER_ERROR", "INVALID_CLIENT", "BAD_REQUEST", "OK"]),
  responseContent: z.string(),
  clientId: z.number().int().optional(),
  clientIdAliasUsed: z.boolean().optional(),
  grantType: z.string().optional(),
  subject: z.string().optional(),
  accessToken: z.string().optional(),
  accessTokenDuration: z.number().int().optional(),
});

const POLL = SEED_CLIENTS.find((client) => client.clientId === "3000000001")!;
const OTHER = SEED_CLIENTS.find((client) => client.clientId === "3000000021")!;

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

async function issued() {
  const made = await post("/backchannel/authentication", {
    parameters: "scope=openid&login_hint=alice",
    clientId: POLL.clientId,
    clientSecret: POLL.clientSecret,
  });
  const issue = await post("/backchannel/authentication/issue", { ticket: made.ticket });
  return { ticket: made.ticket as string, authReqId: issue.authReqId as string };
}

async function token(authReqId: string, client = POLL) {
  const answer = tokenAnswer.parse(
    await post("/auth/token", {
      parameters: `grant_type=urn:openid:params:grant-type:ciba&auth_req_id=${authReqId}`,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    }),
  );
  return { ...answer, content: JSON.parse(answer.responseContent) as Record<string, unknown> };
}

describe("the simulator's token endpoint, CIBA grant", () => {
  it("answers authorization_pending, then slow_down when polled faster than the interval", async () => {
    const { authReqId } = await issued();
    const first = await token(authReqId);
    expect(first).toMatchObject({ action: "BAD_REQUEST" });
    expect(first.content.error).toBe("authorization_pending");
    clock += 1_000; // the service's interval is 5 s
    expect((await token(authReqId)).content.error).toBe("slow_down");
    clock += 5_000;
    expect((await token(authReqId)).content.error).toBe("authorization_pending");
  });

  it("answers access_denied after ACCESS_DENIED and expired_token after TRANSACTION_FAILED", async () => {
    for (const [result, error] of [
      ["ACCESS_DENIED", "access_denied"],
      ["TRANSACTION_FAILED", "expired_token"],
    ]) {
      const { ticket, authReqId } = await issued();
      await post("/backchannel/authentication/complete", { ticket, result });
      const answer = await token(authReqId);
      expect(answer.action).toBe("BAD_REQUEST");
      expect(answer.content.error).toBe(error);
    }
  });

  it("issues tokens once after AUTHORIZED (read by the SDK), then the auth_req_id is used up", async () => {
    const { ticket, authReqId } = await issued();
    await post("/backchannel/authentication/complete", {
      ticket,
      result: "AUTHORIZED",
      subject: "alice",
    });
    const answer = await sdk.token.process({
      serviceId: "1000000001",
      tokenRequest: {
        parameters: `grant_type=urn:openid:params:grant-type:ciba&auth_req_id=${authReqId}`,
        clientId: POLL.clientId,
        clientSecret: POLL.clientSecret,
      },
    });
    expect(answer).toMatchObject({ action: "OK", subject: "alice" });
    expect(JSON.parse(answer.responseContent!)).toMatchObject({ token_type: "Bearer" });
    expect((await token(authReqId)).content.error).toBe("invalid_grant");
  });

  it("answers expired_token past the auth_req_id's lifetime, invalid_grant for another client's, an unknown or a failed one, invalid_client for wrong credentials", async () => {
    const { authReqId } = await issued();
    expect((await token(authReqId, OTHER)).content.error).toBe("invalid_grant");
    expect((await token("no-such-auth-req-id")).content.error).toBe("invalid_grant");
    const wrong = await token(authReqId, { ...POLL, clientSecret: "wrong" });
    expect(wrong.action).toBe("INVALID_CLIENT");
    expect(wrong.content.error).toBe("invalid_client");
    const { ticket, authReqId: ended } = await issued();
    await post("/backchannel/authentication/complete", { ticket, result: "ACCESS_DENIED" });
    clock += 601_000; // past the service's 600 s
    expect((await token(ended)).content.error).toBe("expired_token");
    // Never ended, past its lifetime: expired_token too (CIBA Core §11).
    expect((await token(authReqId)).content.error).toBe("expired_token");
    // Failed through /fail after /issue: Authlete deleted it, the client gets invalid_grant.
    const failed = await issued();
    await post("/backchannel/authentication/fail", {
      ticket: failed.ticket,
      reason: "SERVER_ERROR",
    });
    expect((await token(failed.authReqId)).content.error).toBe("invalid_grant");
  });
});
