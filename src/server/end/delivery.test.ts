import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { auditPageSchema } from "../../shared/audit";
import { endOutcomeSchema, notificationDeliverySchema } from "../../shared/end-outcome";
import { testTicketSchema } from "../../shared/test-ticket";
import { BUILT_IN_SEED_FILE } from "../../simulator/seed";
import { seedFrom } from "../../simulator/seed-file";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

/**
 * Issue 17: delivering a notification to a client's own endpoint (a receiver started here),
 * refusals recorded, and Deliver again for one that did not arrive.
 */
let running: ConsoleUnderTest | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const close of closers.splice(0)) close();
});

/** A client endpoint answering these statuses in turn (then 204), keeping what it received. */
async function receiver(statuses: number[]) {
  const received: { authorization?: string; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ authorization: request.headers.authorization, body });
      response.writeHead(statuses.shift() ?? 204).end("client says: try later");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  return { received, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The built-in seed, with the demo service's ping client notified at `endpoint`. */
function seedPingingAt(endpoint: string) {
  return seedFrom({
    ...BUILT_IN_SEED_FILE,
    clients: BUILT_IN_SEED_FILE.clients.map((client) =>
      client.clientId === 3000000011 ? { ...client, bcNotificationEndpoint: endpoint } : client,
    ),
  });
}

async function endPingRequest(on: ConsoleUnderTest) {
  const made = await on.post("/api/test-tickets", {
    serviceId: "1000000001",
    issued: true,
    deliveryMode: "PING",
  });
  const { ticket } = testTicketSchema.parse(made.json);
  const answer = await on.post("/api/backchannel/authentication/complete", {
    serviceId: "1000000001",
    backchannelAuthenticationCompleteRequest: { ticket, result: "TRANSACTION_FAILED" },
    deliverNotification: true,
  });
  return endOutcomeSchema.parse(answer.json);
}

describe("delivering a client notification from the console", () => {
  it("holds a notification the client did not take, and Deliver again sends it once more, only for its owner", async () => {
    const client = await receiver([503]);
    running = await startConsole({
      simulator: { seed: seedPingingAt(`${client.origin}/cb`) },
      env: {
        DELIVER_CLIENT_NOTIFICATIONS: "true",
        CLIENT_NOTIFICATION_ALLOWED_ORIGINS: client.origin,
      },
    });
    const outcome = await endPingRequest(running);
    expect(outcome.delivery).toMatchObject({ state: "failed", status: 503 });
    expect(outcome.delivery.body).toBe("client says: try later");
    const held = outcome.delivery.held!;
    expect(Date.parse(held.until) - Date.now()).toBeGreaterThan(9 * 60_000);

    // Someone else may not deliver it.
    const owner = running.cookie();
    await running.signInAs({ name: "Someone Else", email: null, role: "operator", subject: "x" });
    expect((await running.post(`/api/client-notifications/${held.id}/deliver`, {})).status).toBe(
      404,
    );
    running.useCookie(owner);
    const again = await running.post(`/api/client-notifications/${held.id}/deliver`, {});
    expect(notificationDeliverySchema.parse(again.json)).toMatchObject({
      state: "delivered",
      status: 204,
      held: null,
    });
    // Exactly what Authlete returned, twice, with the bearer token; then it is wiped.
    expect(client.received).toHaveLength(2);
    expect(client.received[1]).toEqual(client.received[0]);
    expect(client.received[0]!.authorization).toMatch(/^Bearer [\w-]{20,}$/);
    expect((await running.post(`/api/client-notifications/${held.id}/deliver`, {})).status).toBe(
      404,
    );
    const records = auditPageSchema.parse(
      (await running.get("/api/audit?kind=notification&limit=10")).json,
    ).events;
    expect(records.map((event) => event.outcome)).toEqual(["succeeded", "refused"]);
    const ended = auditPageSchema.parse((await running.get("/api/audit?kind=end")).json).events;
    expect(ended[0]!.notification).toBe("delivered");
  });

  it("refuses a plain http endpoint not listed, records why, and sends nothing", async () => {
    const client = await receiver([]);
    running = await startConsole({
      simulator: { seed: seedPingingAt(`${client.origin}/cb`) },
      env: { DELIVER_CLIENT_NOTIFICATIONS: "true" },
    });
    const outcome = await endPingRequest(running);
    expect(outcome.delivery).toMatchObject({ state: "refused", held: null });
    expect(outcome.delivery.detail).toContain("https only");
    expect(client.received).toEqual([]);
    const [record] = auditPageSchema.parse(
      (await running.get("/api/audit?kind=notification")).json,
    ).events;
    expect(record).toMatchObject({ outcome: "forbidden", target: client.origin });
    expect(record!.detail).toContain("https only");
  });

  it("delivers a test ticket's notification to the console's own receiver when the simulator's seeded endpoint is a path", async () => {
    // As in npm start: the seeded ping client's endpoint is a path, i.e. the console's
    // receiver, which knows the token the test ticket was made with; nothing else is allowed.
    running = await startConsole({
      notifyConsole: true,
      env: { DELIVER_CLIENT_NOTIFICATIONS: "true" },
    });
    const outcome = await endPingRequest(running);
    expect(outcome.delivery).toMatchObject({ state: "delivered", status: 204 });
    // The receiver still refuses a stranger's token, bare.
    const stranger = await fetch(`${running.url}/ciba-lab/notifications`, {
      method: "POST",
      headers: {
        authorization: "Bearer not-a-token-it-was-given",
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(stranger.status).toBe(401);
  });
});
