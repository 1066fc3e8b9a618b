import { afterEach, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { endOutcomeSchema } from "../../shared/end-outcome";
import { problemSchema } from "../../shared/problem";
import { testTicketSchema } from "../../shared/test-ticket";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest, HarnessOptions } from "../../testing/test-harness";

/**
 * Issue 17: POST /api/backchannel/authentication/complete over HTTP against the simulator, each
 * result × each delivery mode, read with strict schemas; bad input; delivery on and off.
 */
const SERVICE = "1000000001";
const strictOutcome = endOutcomeSchema.strict();
let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: HarnessOptions = {}) {
  running = await startConsole(options);
  return running;
}

async function issued(on: ConsoleUnderTest, deliveryMode: string) {
  const made = await on.post("/api/test-tickets", {
    serviceId: SERVICE,
    issued: true,
    deliveryMode,
  });
  expect(made.status).toBe(201);
  return testTicketSchema.parse(made.json);
}

const end = (on: ConsoleUnderTest, ticket: string, result: string, extra: object = {}) =>
  on.post("/api/backchannel/authentication/complete", {
    serviceId: SERVICE,
    backchannelAuthenticationCompleteRequest: { ticket, result },
    ...extra,
  });

const ERRORS = { TRANSACTION_FAILED: "expired_token", ACCESS_DENIED: "access_denied" } as const;

describe("ending an issued request", () => {
  it.each(["POLL", "PING", "PUSH"] as const)(
    "%s: each result gives what the client then receives",
    async (mode) => {
      const on = await start();
      for (const result of ["TRANSACTION_FAILED", "ACCESS_DENIED"] as const) {
        const request = await issued(on, mode);
        expect(request).toMatchObject({ issued: true, deliveryMode: mode });
        expect(request.authReqIdTail).toMatch(/^[\w-]{6}$/);
        const answer = await end(on, request.ticket, result);
        expect(answer.status).toBe(200);
        const outcome = strictOutcome.parse(answer.json);
        expect(outcome.authlete).toMatchObject({
          resultCode: "A198001",
          action: mode === "POLL" ? "NO_ACTION" : "NOTIFICATION",
          deliveryMode: mode,
          authReqIdTail: request.authReqIdTail,
        });
        const error = ERRORS[result];
        if (mode === "PUSH") {
          expect(outcome.client.tokenResponse).toBeNull();
          expect(outcome.client.notification?.body).toEqual({
            auth_req_id: `…${request.authReqIdTail}`,
            error,
          });
        } else {
          expect(outcome.client.tokenResponse).toEqual({
            status: 400,
            headers: {
              "Content-Type": "application/json",
              "Cache-Control": "no-store",
              Pragma: "no-cache",
            },
            body: { error },
          });
        }
        if (mode === "PING") {
          expect(outcome.client.notification?.body).toEqual({
            auth_req_id: `…${request.authReqIdTail}`,
          });
        }
        if (mode !== "POLL") {
          expect(outcome.client.notification?.headers.Authorization).toMatch(/^Bearer …[\w-]{4}$/);
          expect(outcome.delivery.state).toBe("not-asked");
        }
      }
      // What reached Authlete: the SDK's fields only, subject "" (never AUTHORIZED here).
      const sent = on
        .upstreamCalls("/backchannel/authentication/complete")
        .map((call) => call.body);
      expect(sent).toHaveLength(2);
      for (const body of sent) {
        expect(Object.keys(body as object).sort()).toEqual(["result", "subject", "ticket"]);
        expect((body as { subject: string }).subject).toBe("");
      }
    },
  );

  it("says plainly when Authlete holds no such ticket (A186202)", async () => {
    const on = await start();
    const answer = await end(on, "no-such-ticket-abcdef", "TRANSACTION_FAILED");
    const outcome = strictOutcome.parse(answer.json);
    expect(outcome.authlete).toMatchObject({ resultCode: "A186202", action: "SERVER_ERROR" });
    expect(outcome.client.noSuchTicket).toBe(true);
    expect(outcome.client.summary).toContain("Authlete holds no such ticket");
    expect(outcome.client.tokenResponse).toBeNull();
  });

  it("refuses bad input with one error per field and sends nothing", async () => {
    const on = await start();
    const cases: [object, string[]][] = [
      [
        { ticket: "t-123456", result: "AUTHORIZED" },
        ["backchannelAuthenticationCompleteRequest.result"],
      ],
      [
        { ticket: "t-123456", result: "MAYBE" },
        ["backchannelAuthenticationCompleteRequest.result"],
      ],
      [
        { ticket: "t-123456", result: "ACCESS_DENIED", errorDescription: 'say "no"' },
        ["backchannelAuthenticationCompleteRequest.errorDescription"],
      ],
      [
        { ticket: "", result: "AUTHORIZED" },
        [
          "backchannelAuthenticationCompleteRequest.ticket",
          "backchannelAuthenticationCompleteRequest.result",
        ],
      ],
    ];
    for (const [inner, paths] of cases) {
      const answer = await on.post("/api/backchannel/authentication/complete", {
        serviceId: SERVICE,
        backchannelAuthenticationCompleteRequest: inner,
      });
      expect(answer.status).toBe(400);
      const problem = problemSchema.parse(answer.json);
      expect(problem.errors?.map((error) => error.path).sort()).toEqual([...paths].sort());
    }
    const authorized = problemSchema.parse(
      (
        await on.post("/api/backchannel/authentication/complete", {
          serviceId: SERVICE,
          backchannelAuthenticationCompleteRequest: { ticket: "t-123456", result: "AUTHORIZED" },
        })
      ).json,
    );
    expect(authorized.errors?.[0]?.message).toContain("never authorizes anyone");
    expect(on.upstreamCalls("/backchannel/authentication/complete")).toHaveLength(0);
  });

  it("asks first about a ticket failed here before, and fails none already ended without asking", async () => {
    const on = await start();
    const request = await issued(on, "POLL");
    const failed = await on.post("/api/backchannel/authentication/fail", {
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: { ticket: request.ticket, reason: "ACCESS_DENIED" },
    });
    expect(failed.status).toBe(200);
    const asked = await end(on, request.ticket, "TRANSACTION_FAILED");
    expect(asked.status).toBe(409);
    expect(problemSchema.parse(asked.json)).toMatchObject({
      type: "urn:ciba-fail-console:problem:already-acted",
      previousActions: [expect.objectContaining({ kind: "fail", reason: "ACCESS_DENIED" })],
    });
    expect(on.upstreamCalls("/backchannel/authentication/complete")).toHaveLength(0);
    // Failing a ticket this console already ended is asked about too.
    const other = await issued(on, "POLL");
    expect((await end(on, other.ticket, "TRANSACTION_FAILED")).status).toBe(200);
    const failAsked = await on.post("/api/backchannel/authentication/fail", {
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: { ticket: other.ticket, reason: "ACCESS_DENIED" },
    });
    expect(failAsked.status).toBe(409);
    expect(problemSchema.parse(failAsked.json).previousActions).toEqual([
      expect.objectContaining({ kind: "end", reason: "TRANSACTION_FAILED" }),
    ]);
  });

  it("with delivery off, sends nothing and records the refusal; with it on, delivers to the simulator's sink and records both", async () => {
    let on = await start();
    const quiet = await issued(on, "PING");
    const off = strictOutcome.parse(
      (await end(on, quiet.ticket, "ACCESS_DENIED", { deliverNotification: true })).json,
    );
    expect(off.delivery.state).toBe("off");
    expect(on.simulator.notifications()).toEqual([]);
    await on.close();

    on = await start({ env: { DELIVER_CLIENT_NOTIFICATIONS: "true" } });
    const push = await issued(on, "PUSH");
    const delivered = strictOutcome.parse(
      (await end(on, push.ticket, "TRANSACTION_FAILED", { deliverNotification: true })).json,
    );
    expect(delivered.delivery).toMatchObject({ state: "delivered", status: 204, held: null });
    const [received] = on.simulator.notifications();
    expect(received).toMatchObject({ tokenMatched: true, body: { error: "expired_token" } });
    const records = auditPageSchema.parse((await on.get("/api/audit?limit=10")).json).events;
    const notification = records.find((event) => event.kind === "notification")!;
    expect(notification).toMatchObject({
      outcome: "succeeded",
      upstreamStatus: 204,
      deliveryMode: "PUSH",
      authReqIdTail: push.authReqIdTail,
      target: new URL(on.simulatorUrl).origin,
    });
    const ended = records.find((event) => event.kind === "end")!;
    expect(ended).toMatchObject({
      outcome: "succeeded",
      reason: "TRANSACTION_FAILED",
      action: "NOTIFICATION",
      deliveryMode: "PUSH",
      notification: "delivered",
      authReqIdTail: push.authReqIdTail,
    });
    expect(ended.authReqIdHash).toMatch(/^[0-9a-f]{64}$/);
    // No log line or export holds the ticket (only Create test ticket's answer shows it, by
    // design), and nothing anywhere the auth_req_id or the notification token.
    const authReqId = (received!.body as { auth_req_id: string }).auth_req_id;
    const parameters = on.upstreamCalls("/backchannel/authentication").at(-1)!.body as {
      parameters: string;
    };
    const token = new URLSearchParams(parameters.parameters).get("client_notification_token")!;
    const exported = await on.get("/api/audit/export?format=csv");
    const answers = on.exchanges.map((exchange) => exchange.text);
    for (const text of [...on.logLines, exported.text]) expect(text).not.toContain(push.ticket);
    for (const secret of [authReqId, token]) {
      for (const text of [...answers, ...on.logLines, exported.text]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(exported.text).toContain(push.authReqIdTail);
  });
});
