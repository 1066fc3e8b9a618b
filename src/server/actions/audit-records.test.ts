import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_KINDS, auditPageSchema } from "../../shared/audit";
import type { AuditEvent, AuditKind } from "../../shared/audit";
import { bulkJobSchema } from "../../shared/bulk-job";
import { testTicketSchema } from "../../shared/test-ticket";
import { TEST_ACCESS_CODE, startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

/**
 * Decision 012 and conventions habit 17: every record is drafted from the caller in one place,
 * so every kind of record names the caller's own X-Request-Id and says whether the name was
 * verified. Each kind is made over HTTP here, with a request id of its own.
 */
let running: ConsoleUnderTest;
beforeAll(async () => {
  running = await startConsole();
});
afterAll(() => running.close());

const SERVICE = "1000000001";
const json = (requestId: string, body: unknown, method = "POST") => ({
  method,
  headers: { "content-type": "application/json", "x-request-id": requestId },
  body: JSON.stringify(body),
});

async function issuedTicket(deliveryMode = "POLL"): Promise<string> {
  const made = await running.post("/api/test-tickets", {
    serviceId: SERVICE,
    issued: true,
    deliveryMode,
  });
  return testTicketSchema.parse(made.json).ticket;
}

async function testTicket(): Promise<string> {
  const made = await running.post("/api/test-tickets", { serviceId: SERVICE });
  return testTicketSchema.parse(made.json).ticket;
}

/** Makes one record of the kind, sending `requestId` as X-Request-Id. */
const MAKE: Record<AuditKind, (requestId: string) => Promise<unknown>> = {
  end: async (requestId) =>
    running.request(
      "/api/backchannel/authentication/complete",
      json(requestId, {
        serviceId: SERVICE,
        backchannelAuthenticationCompleteRequest: {
          ticket: await issuedTicket(),
          result: "TRANSACTION_FAILED",
        },
      }),
    ),
  // Delivery is off here: the refusal is the notification's record.
  notification: async (requestId) =>
    running.request(
      "/api/backchannel/authentication/complete",
      json(requestId, {
        serviceId: SERVICE,
        backchannelAuthenticationCompleteRequest: {
          ticket: await issuedTicket("PING"),
          result: "ACCESS_DENIED",
        },
        deliverNotification: true,
      }),
    ),
  fail: async (requestId) =>
    running.request(
      "/api/backchannel/authentication/fail",
      json(requestId, {
        serviceId: SERVICE,
        backchannelAuthenticationFailRequest: {
          ticket: await testTicket(),
          reason: "SERVER_ERROR",
        },
      }),
    ),
  // An operator asking for the supervisors' list: the refusal is the approval's record.
  approval: (requestId) =>
    running.request("/api/approvals", { headers: { "x-request-id": requestId } }),
  "test-ticket": (requestId) =>
    running.request("/api/test-tickets", json(requestId, { serviceId: SERVICE })),
  "sign-in": (requestId) =>
    running.request("/api/session", {
      ...json(requestId, { name: "Test Operator", accessCode: TEST_ACCESS_CODE }),
      headers: { "content-type": "application/json", "x-request-id": requestId, cookie: "" },
    }),
  "sign-out": async (requestId) => {
    const signIn = await running.request("/api/session", {
      ...json("sign-in-before-sign-out", { name: "Leaving", accessCode: TEST_ACCESS_CODE }),
      headers: { "content-type": "application/json", cookie: "" },
    });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    return running.request("/api/session", {
      method: "DELETE",
      headers: { cookie, "x-request-id": requestId },
    });
  },
  "bulk-job": async (requestId) => {
    const tickets = [await testTicket(), await testTicket()].map((ticket) => ({ ticket }));
    const started = await running.request(
      "/api/bulk-jobs",
      json(requestId, { serviceId: SERVICE, reason: "ACCESS_DENIED", tickets }),
    );
    expect(started.status).toBe(201);
    await running.bulkRunner.idle();
    return bulkJobSchema.parse(started.json).id;
  },
  // One cell: one record, written as the cell runs (after the 202).
  lab: async (requestId) => {
    const started = await running.request(
      "/api/lab/runs",
      json(requestId, {
        serviceId: SERVICE,
        only: { outcome: "fail:ACCESS_DENIED", mode: "POLL" },
      }),
    );
    expect(started.status).toBe(202);
    const { id } = started.json as { id: string };
    await expect
      .poll(
        async () => ((await running.get(`/api/lab/runs/${id}`)).json as { state: string }).state,
      )
      .toBe("finished");
  },
  "job-control": async (requestId) => {
    const tickets = [{ ticket: await testTicket() }];
    const started = await running.post("/api/bulk-jobs", {
      serviceId: SERVICE,
      reason: "ACCESS_DENIED",
      tickets,
    });
    await running.bulkRunner.idle();
    const { id } = bulkJobSchema.parse(started.json);
    // Finished already: the cancel is refused, and recorded all the same.
    return running.request(`/api/bulk-jobs/${id}/cancel`, json(requestId, {}));
  },
};

async function recordsOf(kind: AuditKind): Promise<AuditEvent[]> {
  const page = await running.get(`/api/audit?kind=${kind}&limit=100`);
  return auditPageSchema.parse(page.json).events;
}

describe("every kind of audit record", () => {
  it("covers each kind the trail knows", () => {
    expect(Object.keys(MAKE).sort()).toEqual([...AUDIT_KINDS].sort());
  });

  it.each(AUDIT_KINDS)(
    "%s: names the caller's X-Request-Id and whether the name is verified",
    async (kind) => {
      const requestId = `issue-16-${kind}`;
      await MAKE[kind](requestId);
      const made = (await recordsOf(kind)).filter((event) => event.callerRequestId === requestId);
      expect(made.length).toBeGreaterThan(0);
      for (const event of made) {
        expect(event.callerRequestId).toBe(requestId);
        expect(typeof event.nameVerified).toBe("boolean");
        expect(event.requestId).not.toBe(requestId);
      }
    },
  );

  it("names the starting request on each ticket record of a bulk job", async () => {
    const requestId = "issue-16-bulk-tickets";
    const jobId = await MAKE["bulk-job"](requestId);
    const page = await running.get(`/api/audit?jobId=${String(jobId)}&kind=fail`);
    const tickets = auditPageSchema.parse(page.json).events;
    expect(tickets).toHaveLength(2);
    for (const event of tickets) {
      expect(event.callerRequestId).toBe(requestId);
      expect(event.nameVerified).toBe(false);
    }
  });
});
