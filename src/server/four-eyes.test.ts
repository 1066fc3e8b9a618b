import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { approvalAcceptedSchema, approvalListSchema, approvalSchema } from "../shared/approvals";
import { auditPageSchema } from "../shared/audit";
import { parseSettings } from "./config";
import { FIXTURE_SCRYPT_COST, hashAccessCodeSync } from "./session/local-accounts";
import { createPostgresDatabase } from "../testing/test-databases";
import { startConsole } from "../testing/test-harness";
import type { ConsoleUnderTest, HarnessOptions } from "../testing/test-harness";

/** Issue 21: four-eyes approval, over HTTP, with people told apart by their accounts. */

const ADA = { name: "Ada", role: "supervisor", code: "ada-long-secret-code-1" };
const SAM = { name: "Sam", role: "supervisor", code: "sam-long-secret-code-2" };
const BOB = { name: "Bob", role: "operator", code: "bob-long-secret-code-3" };
const VI = { name: "Vi", role: "viewer", code: "vi-long-secret-code-44" };
const SERVICE = "1000000001";

const dir = mkdtempSync(join(tmpdir(), "cfc-approvals-"));
const users = join(dir, "users.json");
writeFileSync(
  users,
  JSON.stringify({
    users: [ADA, SAM, BOB, VI].map(({ name, role, code }) => ({
      name,
      role,
      codeHash: hashAccessCodeSync(code, FIXTURE_SCRYPT_COST),
    })),
  }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const consoles: ConsoleUnderTest[] = [];
afterEach(async () => {
  await Promise.all(consoles.splice(0).map((running) => running.close()));
});

async function approvalConsole(options: HarnessOptions = {}) {
  const running = await startConsole({
    signedIn: false,
    profiles: [
      { serviceId: SERVICE, name: "Payments", environment: "staging", approval: "required" },
    ],
    ...options,
    env: { CONSOLE_USERS: users, ...options.env },
  });
  consoles.push(running);
  return running;
}

/** Signs each person in; `as(person)` makes the next requests theirs. */
async function people(running: ConsoleUnderTest) {
  const cookies = new Map<string, string | undefined>();
  for (const person of [ADA, SAM, BOB, VI]) {
    expect((await running.signInWith(person.name, person.code)).status).toBe(200);
    cookies.set(person.name, running.cookie());
  }
  return (person: { name: string }) => running.useCookie(cookies.get(person.name));
}

async function testTicket(running: ConsoleUnderTest): Promise<string> {
  const created = await running.post("/api/test-tickets", { serviceId: SERVICE });
  expect(created.status).toBe(201);
  return (created.json as { ticket: string }).ticket;
}

async function requestFail(running: ConsoleUnderTest, ticket: string) {
  const answer = await running.post("/api/backchannel/authentication/fail", {
    serviceId: SERVICE,
    backchannelAuthenticationFailRequest: { ticket, reason: "ACCESS_DENIED" },
    justification: "INC-42: the AS lost it",
  });
  expect(answer.status).toBe(202);
  return approvalAcceptedSchema.parse(answer.json).approval;
}

const failCalls = (running: ConsoleUnderTest) =>
  running.upstreamCalls("/backchannel/authentication/fail").length;

async function approvalRecords(running: ConsoleUnderTest, approvalId: string) {
  const page = auditPageSchema.parse((await running.get("/api/audit?limit=100")).json);
  return page.events.filter((event) => event.approvalId === approvalId);
}

describe("four-eyes approval (issue 21)", () => {
  it("holds a fail until another supervisor approves it, runs it once, and the records name both", async () => {
    const running = await approvalConsole();
    const as = await people(running);
    as(BOB);
    const ticket = await testTicket(running);
    const approval = await requestFail(running, ticket);
    expect(failCalls(running)).toBe(0);
    // The requester reads the state; a supervisor sees exactly what will be sent.
    expect(
      approvalSchema.parse((await running.get(`/api/approvals/${approval.id}`)).json).state,
    ).toBe("pending");
    as(ADA);
    const list = approvalListSchema.parse((await running.get("/api/approvals")).json);
    expect(list.pendingCount).toBe(1);
    const shown = list.approvals[0]!;
    expect(shown.action).toMatch(/^Fail ticket …\S{6} with ACCESS_DENIED$/);
    expect(shown.sends).toMatchObject({
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: {
        reason: "ACCESS_DENIED",
        ticket: `…${ticket.slice(-6)}`,
      },
    });
    expect(shown.clientGets).toBe('HTTP 403 Forbidden with "error": "access_denied"');
    expect(JSON.stringify(list)).not.toContain(ticket);

    const approved = await running.post(`/api/approvals/${approval.id}/approve`, {});
    expect(approved.status).toBe(200);
    const after = approvalSchema.parse(approved.json);
    expect(after).toMatchObject({ state: "approved", decidedBy: "Ada", breakGlass: false });
    expect(after.result).toMatchObject({ authlete: { action: "FORBIDDEN" } });
    expect(failCalls(running)).toBe(1);
    // A second approval of the same request is refused: it runs once.
    as(SAM);
    expect((await running.post(`/api/approvals/${approval.id}/approve`, {})).status).toBe(409);
    expect(failCalls(running)).toBe(1);

    const records = await approvalRecords(running, approval.id);
    const fail = records.find((record) => record.kind === "fail")!;
    expect(fail).toMatchObject({ operator: "Bob", approvedBy: "Ada", outcome: "succeeded" });
    expect(fail.justification).toBe("INC-42: the AS lost it");
    const steps = records.filter((record) => record.kind === "approval");
    expect(steps.map((step) => step.detail?.split(":")[0]).sort()).toEqual([
      "approved",
      "requested, waiting for a supervisor",
    ]);
    expect(steps.every((step) => step.ticketTail === ticket.slice(-6))).toBe(true);
  });

  it("refuses anyone approving their own request, a supervisor too", async () => {
    const running = await approvalConsole();
    const as = await people(running);
    as(ADA);
    const approval = await requestFail(running, await testTicket(running));
    const own = await running.post(`/api/approvals/${approval.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.json).toMatchObject({ title: "You cannot approve your own request" });
    // Break-glass is off by default: a justification changes nothing.
    const glass = await running.post(`/api/approvals/${approval.id}/approve`, {
      breakGlassJustification: "nobody else is awake",
    });
    expect(glass.status).toBe(403);
    expect(failCalls(running)).toBe(0);
    // An operator may not approve at all.
    as(BOB);
    expect((await running.post(`/api/approvals/${approval.id}/approve`, {})).status).toBe(403);
    // A viewer reads the records only: neither the list nor the request.
    as(VI);
    expect((await running.get("/api/approvals")).status).toBe(403);
    expect((await running.get(`/api/approvals/${approval.id}`)).status).toBe(403);
    const records = await approvalRecords(running, approval.id);
    expect(records.filter((record) => record.outcome === "forbidden")).toHaveLength(2);
  });

  it("sends nothing when a request is rejected, and says why to the requester", async () => {
    const running = await approvalConsole();
    const as = await people(running);
    as(BOB);
    const approval = await requestFail(running, await testTicket(running));
    as(SAM);
    expect((await running.post(`/api/approvals/${approval.id}/reject`, {})).status).toBe(400);
    const rejected = await running.post(`/api/approvals/${approval.id}/reject`, {
      reason: "wrong ticket, that user is fine",
    });
    expect(rejected.status).toBe(200);
    as(BOB);
    const seen = approvalSchema.parse((await running.get(`/api/approvals/${approval.id}`)).json);
    expect(seen).toMatchObject({
      state: "rejected",
      decidedBy: "Sam",
      rejectReason: "wrong ticket, that user is fine",
    });
    expect(failCalls(running)).toBe(0);
    as(ADA);
    expect((await running.post(`/api/approvals/${approval.id}/approve`, {})).status).toBe(409);
    expect(failCalls(running)).toBe(0);
  });

  it("expires a request after APPROVAL_TTL_MINUTES: recorded, never sent", async () => {
    let now = Date.parse("2026-12-04T03:00:00Z");
    const running = await approvalConsole({ now: () => now, env: { APPROVAL_TTL_MINUTES: "30" } });
    const as = await people(running);
    as(BOB);
    const approval = await requestFail(running, await testTicket(running));
    expect(approval.expiresAt).toBe("2026-12-04T03:30:00.000Z");
    now += 29 * 60_000;
    expect(
      approvalSchema.parse((await running.get(`/api/approvals/${approval.id}`)).json).state,
    ).toBe("pending");
    now += 60_000;
    expect(
      approvalSchema.parse((await running.get(`/api/approvals/${approval.id}`)).json).state,
    ).toBe("expired");
    as(ADA);
    expect((await running.post(`/api/approvals/${approval.id}/approve`, {})).status).toBe(409);
    expect(failCalls(running)).toBe(0);
    const expired = (await approvalRecords(running, approval.id)).filter((record) =>
      record.detail?.startsWith("expired"),
    );
    expect(expired).toHaveLength(1);
  });

  it("with APPROVAL_BREAK_GLASS, a supervisor runs their own request with a second justification; every supervisor sees it until acknowledged", async () => {
    const running = await approvalConsole({ env: { APPROVAL_BREAK_GLASS: "true" } });
    const as = await people(running);
    as(ADA);
    const approval = await requestFail(running, await testTicket(running));
    expect((await running.post(`/api/approvals/${approval.id}/approve`, {})).status).toBe(403);
    const same = await running.post(`/api/approvals/${approval.id}/approve`, {
      breakGlassJustification: "INC-42: the AS lost it",
    });
    expect(same.status).toBe(400);
    const glass = await running.post(`/api/approvals/${approval.id}/approve`, {
      breakGlassJustification: "3 a.m., Sam is on leave, the client is stuck",
    });
    expect(glass.status).toBe(200);
    expect(approvalSchema.parse(glass.json)).toMatchObject({ state: "approved", breakGlass: true });
    expect(failCalls(running)).toBe(1);
    as(SAM);
    let list = approvalListSchema.parse((await running.get("/api/approvals")).json);
    expect(list.unacknowledgedBreakGlass).toBe(1);
    expect((await running.post(`/api/approvals/${approval.id}/acknowledge`, {})).status).toBe(200);
    list = approvalListSchema.parse((await running.get("/api/approvals")).json);
    expect(list.unacknowledgedBreakGlass).toBe(0);
    expect(list.approvals[0]!.acknowledgedBy).toBe("Sam");
  });

  it("charges the requester's budget when the request is made, not the approver's when it runs", async () => {
    // Two calls a minute each: Bob's test ticket and his request use up his.
    const running = await approvalConsole({ env: { FAIL_RATE_LIMIT_PER_MINUTE: "2" } });
    const as = await people(running);
    as(BOB);
    const approval = await requestFail(running, await testTicket(running));
    const over = await running.post("/api/backchannel/authentication/fail", {
      serviceId: SERVICE,
      backchannelAuthenticationFailRequest: {
        ticket: "another-ticket-0001",
        reason: "SERVER_ERROR",
      },
    });
    expect(over.status).toBe(429);
    // Approved and run although Bob has nothing left: it was counted when he asked.
    as(ADA);
    expect((await running.post(`/api/approvals/${approval.id}/approve`, {})).status).toBe(200);
    expect(failCalls(running)).toBe(1);
  });

  it("asks the approver when the ticket was acted on while the request waited", async () => {
    const running = await approvalConsole();
    const as = await people(running);
    as(BOB);
    const ticket = await testTicket(running);
    const first = await requestFail(running, ticket);
    const second = await requestFail(running, ticket);
    as(ADA);
    expect((await running.post(`/api/approvals/${first.id}/approve`, {})).status).toBe(200);
    const asked = await running.post(`/api/approvals/${second.id}/approve`, {});
    expect(asked.status).toBe(409);
    expect((asked.json as { type: string }).type).toContain("already-acted");
    expect(failCalls(running)).toBe(1);
    expect(
      (await running.post(`/api/approvals/${second.id}/approve`, { again: true })).status,
    ).toBe(200);
    expect(failCalls(running)).toBe(2);
  });

  it("holds a bulk job and an end too; an approved job is started for its requester", async () => {
    const running = await approvalConsole();
    const as = await people(running);
    as(BOB);
    const tickets = [await testTicket(running), await testTicket(running)];
    const job = await running.post("/api/bulk-jobs", {
      serviceId: SERVICE,
      tickets: tickets.map((ticket) => ({ ticket })),
      reason: "SERVER_ERROR",
    });
    expect(job.status).toBe(202);
    const { id } = approvalAcceptedSchema.parse(job.json).approval;
    const end = await running.post("/api/backchannel/authentication/complete", {
      serviceId: SERVICE,
      backchannelAuthenticationCompleteRequest: {
        ticket: tickets[0],
        result: "TRANSACTION_FAILED",
      },
    });
    expect(end.status).toBe(202);
    as(SAM);
    const approved = approvalSchema.parse(
      (await running.post(`/api/approvals/${id}/approve`, {})).json,
    );
    const { jobId } = approved.result as { jobId: string };
    await running.bulkRunner.idle();
    const started = (await running.get(`/api/bulk-jobs/${jobId}`)).json as {
      counts: Record<string, number>;
    };
    expect(started.counts).toMatchObject({ succeeded: 2 });
    expect(failCalls(running)).toBe(2);
  });

  it("is approved on another replica than the one it was asked on (PostgreSQL)", async () => {
    const databaseUrl = await createPostgresDatabase();
    const a = await approvalConsole({ databaseUrl });
    const b = await approvalConsole({ databaseUrl, authleteBaseUrl: a.simulatorUrl });
    const asOnA = await people(a);
    asOnA(BOB);
    const approval = await requestFail(a, await testTicket(a));
    const asOnB = await people(b);
    asOnB(ADA);
    const approved = await b.post(`/api/approvals/${approval.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(failCalls(a)).toBe(1); // b's calls go to a's simulator
    expect(approvalSchema.parse((await a.get(`/api/approvals/${approval.id}`)).json).state).toBe(
      "approved",
    );
  });

  it("refuses to start with approval required and the shared access code", () => {
    const config = join(dir, "console.json");
    writeFileSync(
      config,
      JSON.stringify({
        services: [
          {
            serviceId: SERVICE,
            name: "Payments",
            environment: "staging",
            baseUrl: "http://127.0.0.1:1",
            tokenEnv: "T",
            approval: "required",
          },
        ],
      }),
    );
    const base = { CONSOLE_CONFIG: config, T: "token", ALLOW_INSECURE_AUTHLETE_URL: "true" };
    expect(() => parseSettings({ ...base, CONSOLE_ACCESS_CODE: "a-long-shared-code-123" })).toThrow(
      /1000000001 needs approval.*not the shared access code/,
    );
    expect(() => parseSettings({ ...base, CONSOLE_USERS: users })).not.toThrow();
  });
});
