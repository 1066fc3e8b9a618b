import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { auditEventSchema, auditPageSchema } from "../../shared/audit";
import type { AuditEvent } from "../../shared/audit";
import { problemSchema } from "../../shared/problem";
import { ticketHash } from "../db/ticket-fingerprint";
import { startConsole } from "../../testing/test-harness";
import type { ConsoleUnderTest } from "../../testing/test-harness";

const SERVICE = "1000000001";
const FAIL = "/api/backchannel/authentication/fail";
let running: ConsoleUnderTest | undefined;
const tempDirs: string[] = [];

afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function testTicket(console_: ConsoleUnderTest): Promise<string> {
  const created = await console_.post("/api/test-tickets", { serviceId: SERVICE });
  expect(created.status).toBe(201);
  return (created.json as { ticket: string }).ticket;
}

async function auditPage(console_: ConsoleUnderTest, query = "") {
  const answer = await console_.get(`/api/audit${query}`);
  expect(answer.status).toBe(200);
  return auditPageSchema.parse(answer.json);
}

function failBody(ticket: string, extra: Record<string, unknown> = {}) {
  return {
    serviceId: SERVICE,
    backchannelAuthenticationFailRequest: { ticket, reason: "ACCESS_DENIED", ...extra },
  };
}

describe("the audit trail of fail calls", () => {
  it("records a fail with who, what, when and why, and the ticket only as hash and tail", async () => {
    running = await startConsole();
    const ticket = await testTicket(running);
    const answer = await running.post(FAIL, {
      ...failBody(ticket, { errorDescription: "User declined", errorUri: "https://e.example/x" }),
      justification: "INC-4711",
    });
    expect(answer.status).toBe(200);

    const { events } = await auditPage(running, "?kind=fail");
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({
      kind: "fail",
      outcome: "succeeded",
      operator: "Test Operator",
      role: "operator",
      serviceId: SERVICE,
      target: running.simulatorUrl,
      ticketHash: ticketHash(ticket),
      ticketTail: ticket.slice(-6),
      reason: "ACCESS_DENIED",
      errorDescription: "User declined",
      errorUri: "https://e.example/x",
      justification: "INC-4711",
      resultCode: "A185001",
      action: "FORBIDDEN",
      upstreamStatus: 200,
      requestId: answer.headers.get("x-request-id"),
    });
    expect(event.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(event.at)).toBeLessThan(10_000);
    // The same event as one structured log line, and the ticket nowhere in the log.
    const line = running.logLines.find((l) => l.includes('"msg":"audit"') && l.includes('"fail"'));
    expect(JSON.parse(line!)).toMatchObject({ audit: { id: event.id, outcome: "succeeded" } });
    for (const logLine of running.logLines) expect(logLine).not.toContain(ticket);
    // The justification never goes to Authlete.
    const sent = running.upstreamCalls("/backchannel/authentication/fail")[0]!.body;
    expect(JSON.stringify(sent)).not.toContain("INC-4711");
  });

  it("records Authlete's refusals and transport errors with their outcome", async () => {
    running = await startConsole({ env: { AUTHLETE_TIMEOUT_MS: "300" } });
    running.simulator.setFault({ kind: "status", status: 500 });
    expect((await running.post(FAIL, failBody("refused-ticket"))).status).toBe(502);
    running.simulator.setFault({ kind: "delay", ms: 1000 });
    expect((await running.post(FAIL, failBody("slow-ticket"))).status).toBe(504);
    running.simulator.setFault(null);

    const { events } = await auditPage(running, "?kind=fail");
    expect(events.map((e) => [e.ticketTail, e.outcome, e.upstreamStatus])).toEqual([
      ["ticket", "transport-error", null],
      ["ticket", "refused", 500],
    ]);
    expect(events[1]!.resultCode).toMatch(/^A\d{6}$/);
  });

  it("records an invalid attempt after sign-in, naming the invalid fields", async () => {
    running = await startConsole();
    const answer = await running.post(FAIL, {
      serviceId: "12ab",
      backchannelAuthenticationFailRequest: { ticket: "abc", reason: "NOPE" },
    });
    expect(answer.status).toBe(400);
    const [event] = (await auditPage(running)).events.filter((e) => e.kind === "fail");
    expect(event).toMatchObject({
      outcome: "invalid",
      serviceId: "12ab",
      ticketHash: ticketHash("abc"),
      reason: "NOPE",
      detail: "invalid: serviceId, backchannelAuthenticationFailRequest.reason",
    });
    expect(running.upstreamCalls("/fail")).toHaveLength(0);
  });

  it("records test tickets, sign-in and sign-out", async () => {
    running = await startConsole();
    const ticket = await testTicket(running);
    expect((await running.request("/api/session", { method: "DELETE" })).status).toBe(204);
    await running.signInAs({ name: "Auditor", email: null, role: "viewer" });
    const kinds = (await auditPage(running)).events.map((e) => [e.kind, e.outcome, e.operator]);
    expect(kinds).toEqual([
      ["sign-out", "succeeded", "Test Operator"],
      ["test-ticket", "succeeded", "Test Operator"],
      ["sign-in", "succeeded", "Test Operator"],
    ]);
    const [testTicketEvent] = (await auditPage(running, "?kind=test-ticket")).events;
    expect(testTicketEvent!.ticketHash).toBe(ticketHash(ticket));
  });

  it("does not call Authlete when the record cannot be written, and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "audit-"));
    tempDirs.push(dir);
    const path = join(dir, "audit.db");
    running = await startConsole({ databasePath: path, env: { AUDIT_DB_BUSY_TIMEOUT_MS: "50" } });
    const ticket = await testTicket(running);
    // Another process holds the write lock: a real way for a write to fail.
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE");
    try {
      const answer = await running.post(FAIL, failBody(ticket));
      expect(answer.status).toBe(503);
      expect(problemSchema.parse(answer.json)).toMatchObject({
        type: "urn:ciba-fail-console:problem:audit-unavailable",
        title: "The audit trail cannot be written",
      });
      expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(0);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect((await running.post(FAIL, failBody(ticket))).status).toBe(200);
  });
});

describe("roles", () => {
  it("lets a viewer read the audit trail but neither fail tickets nor create test tickets", async () => {
    running = await startConsole();
    await running.signInAs({ name: "Vera Viewer", email: "vera@example.com", role: "viewer" });
    const fail = await running.post(FAIL, failBody("any-ticket"));
    expect(fail.status).toBe(403);
    expect(problemSchema.parse(fail.json).type).toBe("urn:ciba-fail-console:problem:forbidden");
    const create = await running.post("/api/test-tickets", { serviceId: SERVICE });
    expect(create.status).toBe(403);
    expect(running.upstreamCalls("/fail")).toHaveLength(0);
    expect(running.upstreamCalls("/backchannel/authentication")).toHaveLength(0);

    const { events } = await auditPage(running, "?outcome=forbidden");
    expect(events.map((e) => [e.kind, e.operator, e.email, e.role])).toEqual([
      ["test-ticket", "Vera Viewer", "vera@example.com", "viewer"],
      ["fail", "Vera Viewer", "vera@example.com", "viewer"],
    ]);
  });
});

describe("rate limit per operator", () => {
  it("answers 429 with Retry-After past the limit, records it, and sends nothing", async () => {
    let now = 1_000_000;
    running = await startConsole({ env: { FAIL_RATE_LIMIT_PER_MINUTE: "2" }, now: () => now });
    for (let i = 0; i < 2; i++)
      expect((await running.post(FAIL, failBody(`t-${i}`))).status).toBe(200);
    const limited = await running.post(FAIL, failBody("t-2"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBe(60);
    expect(problemSchema.parse(limited.json).type).toBe(
      "urn:ciba-fail-console:problem:rate-limited",
    );
    expect(running.upstreamCalls("/fail")).toHaveLength(2);

    // With the shared code, a new typed name is the same budget: it is kept per address.
    await running.signInAs({ name: "Second Operator", email: null, role: "operator" });
    expect((await running.post(FAIL, failBody("t-3a"))).status).toBe(429);
    // A verified person (an account, OIDC) has their own allowance.
    await running.signInAs({
      name: "Second Operator",
      email: null,
      role: "operator",
      subject: "account:second operator",
    });
    expect((await running.post(FAIL, failBody("t-3"))).status).toBe(200);
    const events = (await auditPage(running, "?outcome=rate-limited")).events;
    expect(events.at(-1)).toMatchObject({ operator: "Test Operator", ticketTail: "t-2" });

    now += 60_001;
    running.useCookie(undefined);
    await running.signInAs({ name: "Test Operator", email: null, role: "operator" });
    expect((await running.post(FAIL, failBody("t-4"))).status).toBe(200);
  });
});

describe("GET /api/audit", () => {
  async function seed(console_: ConsoleUnderTest) {
    const tickets: string[] = [];
    for (const reason of ["ACCESS_DENIED", "SERVER_ERROR", "ACCESS_DENIED"]) {
      const ticket = await testTicket(console_);
      tickets.push(ticket);
      const answer = await console_.post(FAIL, {
        serviceId: SERVICE,
        backchannelAuthenticationFailRequest: { ticket, reason },
      });
      expect(answer.status).toBe(200);
    }
    return tickets;
  }

  it("filters by ticket (its hash), reason, operator, service and time", async () => {
    running = await startConsole();
    const tickets = await seed(running);
    const byTicket = await auditPage(running, `?kind=fail&ticket=${tickets[1]}`);
    expect(byTicket.events.map((e) => e.reason)).toEqual(["SERVER_ERROR"]);
    const byReason = await auditPage(running, "?reason=ACCESS_DENIED");
    expect(byReason.events.map((e) => e.ticketHash)).toEqual([
      ticketHash(tickets[2]!),
      ticketHash(tickets[0]!),
    ]);
    expect((await auditPage(running, "?operator=test%20OPER")).events.length).toBeGreaterThan(6);
    expect((await auditPage(running, "?operator=nobody")).events).toEqual([]);
    expect((await auditPage(running, "?serviceId=1000000002")).events).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await auditPage(running, `?from=${future}`)).events).toEqual([]);
    expect((await auditPage(running, `?to=${future}&kind=fail`)).events).toHaveLength(3);
  });

  it("pages newest first with a cursor, without gaps or repeats", async () => {
    running = await startConsole();
    await seed(running);
    const seen: AuditEvent[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const page = await auditPage(running, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.events);
      cursor = page.nextCursor;
      pages++;
    }
    const all = (await auditPage(running, "?limit=200")).events;
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect([...all.map((e) => e.id)].sort((a, b) => b - a)).toEqual(all.map((e) => e.id));
  });

  it.each([
    ["?reason=NOPE", "reason"],
    ["?from=yesterday", "from"],
    ["?limit=0", "limit"],
    ["?cursor=abc", "cursor"],
    ["?operater=x", "operater"],
    ["?serviceId=1/../2", "serviceId"],
  ])("refuses %s naming %s", async (query, field) => {
    running ??= await startConsole();
    const answer = await running.get(`/api/audit${query}`);
    expect(answer.status).toBe(400);
    expect(problemSchema.parse(answer.json).errors?.map((e) => e.path)).toEqual([field]);
  });
});

describe("GET /api/audit/export", () => {
  it("exports what the filters select as CSV, with formula-looking text defused", async () => {
    running = await startConsole();
    const ticket = await testTicket(running);
    await running.post(FAIL, { ...failBody(ticket), justification: "=HYPERLINK(1)" });
    const answer = await running.get("/api/audit/export?format=csv&kind=fail");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-filtered-unverifiable-[\dTZ-]+\.csv"$/,
    );
    const lines = answer.text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      auditEventSchema
        .keyof()
        .options.map((c) => `"${c}"`)
        .join(","),
    );
    expect(lines[1]).toContain(`"${ticketHash(ticket)}"`);
    expect(lines[1]).toContain(`"'=HYPERLINK(1)"`);
    expect(answer.text).not.toContain(ticket);
  });

  it("exports JSON that parses back into the same events as the API pages", async () => {
    running = await startConsole();
    for (let i = 0; i < 3; i++) await testTicket(running);
    // Chained now: records enter the chain a moment after they close, and would otherwise
    // gain their chainSeq between the export and the page read.
    await running.auditChain.sealDue();
    const answer = await running.get("/api/audit/export?format=json");
    const exported = auditEventSchema.array().parse(JSON.parse(answer.text));
    expect(exported).toEqual((await auditPage(running)).events);
  });
});

describe("a fail of a ticket this console already failed", () => {
  it("is answered 409 already-acted with who, when and which reason, and sent only with again: true", async () => {
    running = await startConsole();
    const ticket = await testTicket(running);
    expect((await running.post(FAIL, failBody(` ${ticket} `))).status).toBe(200);
    const before = running.upstreamCalls("/fail").length;
    const repeat = await running.post(FAIL, failBody(ticket));
    expect(repeat.status).toBe(409);
    const problem = problemSchema.parse(repeat.json);
    expect(problem.type).toBe("urn:ciba-fail-console:problem:already-acted");
    expect(problem.previousActions).toEqual([
      {
        at: expect.any(String) as string,
        operator: "Test Operator",
        kind: "fail",
        reason: "ACCESS_DENIED",
      },
    ]);
    expect(problem.confirm).toBeUndefined();
    expect(running.upstreamCalls("/fail")).toHaveLength(before);
    const again = await running.post(FAIL, { ...failBody(ticket), again: true });
    expect(again.status).toBe(200);
    expect(running.upstreamCalls("/fail")).toHaveLength(before + 1);
  });

  it("is not asked about when the earlier fail did not succeed, or was another service's", async () => {
    running = await startConsole({
      simulator: { faults: [{ kind: "status", status: 500, fraction: 1 }] },
    });
    expect((await running.post(FAIL, failBody("never-took"))).status).toBe(502);
    running.simulator.setFaults([]);
    expect((await running.post(FAIL, failBody("never-took"))).status).toBe(200);
    const other = { ...failBody("never-took"), serviceId: "1000000002" };
    expect((await running.post(FAIL, other)).status).toBe(200);
  });
});

describe("GET /api/audit/recent", () => {
  it("lists the signed-in person's own latest fail attempts, not others'", async () => {
    running = await startConsole();
    await running.post(FAIL, failBody("mine-1"));
    await running.post(FAIL, { ...failBody("mine-2"), justification: "INC-2" });
    await running.signInAs({ name: "Someone Else", email: null, role: "operator" });
    await running.post(FAIL, failBody("theirs-1"));
    const theirs = auditPageSchema.parse((await running.get("/api/audit/recent")).json);
    expect(theirs.events.map((e) => e.ticketTail)).toEqual(["eirs-1"]);
    await running.signInAs({ name: "Test Operator", email: null, role: "operator" });
    const mine = auditPageSchema.parse((await running.get("/api/audit/recent")).json);
    expect(mine.events.map((e) => [e.ticketTail, e.justification])).toEqual([
      ["mine-2", "INC-2"],
      ["mine-1", null],
    ]);
  });
});
