import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditPageSchema } from "../shared/audit";
import type { AuditEvent } from "../shared/audit";
import { bulkBudgetSchema, bulkJobSchema } from "../shared/bulk-job";
import { problemSchema } from "../shared/problem";
import { FIXTURE_SCRYPT_COST, hashAccessCodeSync } from "./session/local-accounts";
import { TEST_ACCESS_CODE, startConsole } from "../testing/test-harness";
import type { ConsoleUnderTest } from "../testing/test-harness";

/**
 * Issue 11: every record names the right person, no operator steps on another, and no limit
 * can be walked around. Over HTTP, against the simulator.
 */
let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const FAIL = "/api/backchannel/authentication/fail";
const PEOPLE = {
  ada: { name: "Ada Lovelace", role: "operator", code: "ada-own-code-1" },
  bob: { name: "Bob Builder", role: "operator", code: "bob-own-code-2" },
  sam: { name: "Sam Supervisor", role: "supervisor", code: "sam-own-code-3" },
} as const;
let usersFile: string;

beforeAll(() => {
  // Fixture hashes name their cheaper cost: a sign-in here takes milliseconds, not a second.
  const users = Object.values(PEOPLE).map(({ name, role, code }) => ({
    name,
    role,
    codeHash: hashAccessCodeSync(code, FIXTURE_SCRYPT_COST),
  }));
  usersFile = join(mkdtempSync(join(tmpdir(), "cfc-trust-")), "users.json");
  writeFileSync(usersFile, JSON.stringify({ users }));
});

function withAccounts(env: Record<string, string> = {}) {
  return startConsole({ signedIn: false, env: { CONSOLE_USERS: usersFile, ...env } });
}

async function signIn(console: ConsoleUnderTest, who: keyof typeof PEOPLE) {
  const answer = await console.signInWith(PEOPLE[who].name, PEOPLE[who].code);
  expect(answer.status, answer.text).toBe(200);
}

function failBody(ticket: string, extra: Record<string, unknown> = {}) {
  return {
    serviceId: "1000000001",
    backchannelAuthenticationFailRequest: { ticket, reason: "ACCESS_DENIED" },
    ...extra,
  };
}

async function auditOf(console: ConsoleUnderTest, query = ""): Promise<AuditEvent[]> {
  return auditPageSchema.parse((await console.get(`/api/audit?limit=200${query}`)).json).events;
}

describe("identity", () => {
  it("local accounts: each person signs in with their own code, and their records say the name was verified", async () => {
    running = await withAccounts();
    expect((await running.get("/api/session/method")).json).toEqual({ mode: "accounts" });
    // Someone else's code, or the shared code, opens nothing.
    expect((await running.signInWith("Ada Lovelace", PEOPLE.bob.code)).status).toBe(401);
    expect((await running.signInWith("Ada Lovelace", TEST_ACCESS_CODE)).status).toBe(401);
    // The name is the account's, whatever case is typed.
    const answer = await running.signInWith("ada lovelace", PEOPLE.ada.code);
    expect(answer.json).toEqual({
      name: "Ada Lovelace",
      email: null,
      role: "operator",
      nameVerified: true,
    });
    expect((await running.post(FAIL, failBody("t-ada"))).status).toBe(200);
    const [fail] = await auditOf(running, "&kind=fail");
    expect(fail).toMatchObject({
      operator: "Ada Lovelace",
      nameVerified: true,
      outcome: "succeeded",
    });
  });

  it("shared code: the typed name is marked not verified in the record, the page's API and both exports", async () => {
    running = await startConsole();
    expect((await running.post(FAIL, failBody("t-shared"))).status).toBe(200);
    const [fail] = await auditOf(running, "&kind=fail");
    expect(fail).toMatchObject({ operator: "Test Operator", nameVerified: false });
    const csv = (await running.get("/api/audit/export?format=csv&kind=fail")).text;
    const [header, row] = csv.split("\r\n");
    const column = header!.split(",").indexOf('"nameVerified"');
    expect(column).toBeGreaterThan(0);
    expect(row!.split(",")[column]).toBe('"false"');
    const json = (await running.get("/api/audit/export?format=json&kind=fail"))
      .json as AuditEvent[];
    expect(json[0]).toMatchObject({ nameVerified: false });
  });

  it("refuses invisible characters as a justification or a name", async () => {
    running = await startConsole();
    const fail = await running.post(FAIL, failBody("t-zw", { justification: "\u200b" }));
    expect(fail.status).toBe(400);
    expect(problemSchema.parse(fail.json).errors?.map((error) => error.path)).toEqual([
      "justification",
    ]);
    const bidi = await running.signInWith("Ada\u202e", TEST_ACCESS_CODE);
    expect(bidi.status).toBe(400);
  });
});

describe("sign-in throttle", () => {
  it("answers a parallel burst of wrong codes without waiting, and records it once", async () => {
    running = await startConsole({ signedIn: false });
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => running!.signInWith("Mallory", "wrong-code-000000")),
    );
    const statuses = answers.map((answer) => answer.status);
    // At most four are checked at once per address (an office shares one), each counted before
    // it is decided, so each waits longer than the one before; the rest are told to come back.
    expect(statuses.filter((status) => status === 401).length).toBeLessThan(10);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(30);
    expect(answers.find((answer) => answer.status === 429)!.headers.get("retry-after")).toBe("1");
    expect(performance.now() - started).toBeLessThan(5_000);
    await running.signInWith("Checker", TEST_ACCESS_CODE);
    const refused = await auditOf(running, "&kind=sign-in&outcome=refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.detail).toMatch(/wrong access code; \d+ sign-in attempts from this address/);
  });

  it("locks an address out after SIGN_IN_LOCKOUT_AFTER wrong codes, even for the right code", async () => {
    running = await startConsole({ signedIn: false, env: { SIGN_IN_LOCKOUT_AFTER: "3" } });
    for (let i = 0; i < 3; i++) {
      expect((await running.signInWith("Mallory", `wrong-code-${i}-0000`)).status).toBe(401);
    }
    const locked = await running.signInWith("Ada", TEST_ACCESS_CODE);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
  });

  it("with accounts, also counts per account: a guesser moving between addresses still locks it", async () => {
    running = await withAccounts({ SIGN_IN_LOCKOUT_AFTER: "2", TRUST_PROXY: "127.0.0.1" });
    const from = (address: string, who: keyof typeof PEOPLE, code: string) =>
      running!.request("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ name: PEOPLE[who].name, accessCode: code }),
      });
    expect((await from("10.0.0.1", "ada", "guess-000000001")).status).toBe(401);
    expect((await from("10.0.0.2", "ada", "guess-000000002")).status).toBe(401);
    // Ada's account is locked, from any address; Bob, from the same new address, is not.
    expect((await from("10.0.0.3", "ada", PEOPLE.ada.code)).status).toBe(429);
    expect((await from("10.0.0.3", "bob", PEOPLE.bob.code)).status).toBe(200);
  });
});

describe("job control between operators", () => {
  async function startJob(console: ConsoleUnderTest, tickets: number) {
    const answer = await console.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      reason: "ACCESS_DENIED",
      tickets: Array.from({ length: tickets }, (_, i) => ({ ticket: `job-${Date.now()}-${i}` })),
    });
    expect(answer.status, answer.text).toBe(201);
    return bulkJobSchema.parse(answer.json);
  }

  it("only the owner or a supervisor may pause, cancel or retry; each attempt is audited with who and the request id", async () => {
    running = await withAccounts();
    // 40 tickets, 4 at a time, 0.5 s each: the job runs 5 s, long past the controls below.
    running.simulator.setFault({ kind: "delay", ms: 500 });
    await signIn(running, "ada");
    const job = await startJob(running, 40);
    expect(job.canControl).toBe(true);

    await signIn(running, "bob");
    expect(
      bulkJobSchema.parse((await running.get(`/api/bulk-jobs/${job.id}`)).json).canControl,
    ).toBe(false);
    const refused = await running.post(`/api/bulk-jobs/${job.id}/pause`, {});
    expect(refused.status).toBe(403);
    const refusedId = refused.headers.get("x-request-id");

    await signIn(running, "sam");
    expect((await running.post(`/api/bulk-jobs/${job.id}/pause`, {})).status).toBe(200);
    await signIn(running, "ada");
    expect((await running.post(`/api/bulk-jobs/${job.id}/cancel`, {})).status).toBe(200);

    const controls = (await auditOf(running, "&kind=job-control")).reverse();
    expect(controls.map((event) => [event.operator, event.outcome, event.detail])).toEqual([
      ["Bob Builder", "forbidden", "pause: Ada Lovelace's job (only its owner or a supervisor)"],
      ["Sam Supervisor", "succeeded", "pause"],
      ["Ada Lovelace", "succeeded", "cancel"],
    ]);
    expect(controls[0]!.requestId).toBe(refusedId);
    expect(controls.every((event) => event.jobId === job.id && event.requestId)).toBe(true);
  });

  it("a supervisor's Retry failed is recorded under the supervisor", async () => {
    running = await withAccounts();
    running.simulator.setFault({ kind: "status", status: 500 });
    await signIn(running, "ada");
    const job = await startJob(running, 2);
    await running.bulkRunner.idle();
    running.simulator.setFault(null);
    await signIn(running, "sam");
    expect((await running.post(`/api/bulk-jobs/${job.id}/retry-failed`, {})).status).toBe(200);
    await running.bulkRunner.idle();
    const fails = await auditOf(running, `&kind=fail&jobId=${job.id}&outcome=succeeded`);
    expect(fails.map((event) => event.operator)).toEqual(["Sam Supervisor", "Sam Supervisor"]);
  });
});

describe("budgets", () => {
  /** One lab cell: a fail on a fresh ticket. */
  const labCell = {
    serviceId: "1000000001",
    only: { outcome: "fail:ACCESS_DENIED", mode: "POLL" },
  };

  it("counts single fails against one minute limit, which also stops bulk jobs; lab runs have their own hourly budget", async () => {
    running = await withAccounts({ FAIL_RATE_LIMIT_PER_MINUTE: "2", LAB_RUNS_PER_HOUR: "1" });
    await signIn(running, "ada");
    // A lab run (dozens of Authlete calls) takes nothing of the fail limit...
    expect((await running.post("/api/lab/runs", labCell)).status).toBe(202);
    expect((await running.post(FAIL, failBody("t-1st"))).status).toBe(200);
    expect((await running.post(FAIL, failBody("t-2nd"))).status).toBe(200);
    const single = await running.post(FAIL, failBody("t-3rd"));
    expect(single.status).toBe(429);
    const bulk = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      reason: "ACCESS_DENIED",
      tickets: [{ ticket: "t-bulk" }],
    });
    expect(bulk.status).toBe(429);
    expect(Number(bulk.headers.get("retry-after"))).toBeGreaterThan(0);
    // ...and its own budget is spent: the second run is refused, with when to try again.
    const lab = await running.post("/api/lab/runs", labCell);
    expect(lab.status).toBe(429);
    expect(Number(lab.headers.get("retry-after"))).toBeGreaterThan(3500);
    expect((await running.get("/api/lab/budget")).json).toMatchObject({
      limit: 1,
      remaining: 0,
    });
    expect(running.upstreamCalls("/backchannel/authentication/fail")).toHaveLength(3);
    // Another person's budget is their own.
    await signIn(running, "bob");
    expect((await running.post(FAIL, failBody("t-bob"))).status).toBe(200);
    expect((await running.post("/api/lab/runs", labCell)).status).toBe(202);
  });

  it("refuses a bulk job larger than the hour's tickets left, and more than BULK_MAX_OPEN_JOBS unfinished jobs; refusals are audited", async () => {
    running = await withAccounts({ BULK_TICKETS_PER_HOUR: "5", BULK_MAX_OPEN_JOBS: "1" });
    running.simulator.setFault({ kind: "delay", ms: 300 });
    await signIn(running, "ada");
    const tickets = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ ticket: `${tag}-${i}` }));
    const post = (n: number, tag: string) =>
      running!.post("/api/bulk-jobs", {
        serviceId: "1000000001",
        reason: "ACCESS_DENIED",
        tickets: tickets(n, tag),
      });
    expect((await post(3, "first")).status).toBe(201);
    const budget = bulkBudgetSchema.parse((await running.get("/api/bulk-jobs/budget")).json);
    expect(budget).toEqual({
      ticketsPerHour: 5,
      ticketsLeftThisHour: 2,
      maxOpenJobs: 1,
      openJobs: 1,
    });
    const secondOpen = await post(1, "second");
    expect(secondOpen.status).toBe(429);
    expect(problemSchema.parse(secondOpen.json).title).toBe("Too many unfinished bulk jobs");
    await running.bulkRunner.idle();
    const tooLarge = await post(3, "third");
    expect(tooLarge.status).toBe(429);
    expect(problemSchema.parse(tooLarge.json).detail).toContain("you may send 2 more this hour");
    expect((await post(2, "fourth")).status).toBe(201);
    const refusals = await auditOf(running, "&kind=bulk-job&outcome=rate-limited");
    expect(refusals.map((event) => event.detail)).toEqual([
      expect.stringContaining("bulk job of 3 tickets: This job is larger"),
      expect.stringContaining("bulk job of 1 tickets: Too many unfinished bulk jobs"),
    ]);
  });

  it("audits a bulk job refused as invalid, like a single fail", async () => {
    running = await startConsole();
    const answer = await running.post("/api/bulk-jobs", {
      serviceId: "1000000001",
      tickets: [{ ticket: "ok-1" }, { ticket: "bad ticket" }],
    });
    expect(answer.status).toBe(400);
    const [record] = await auditOf(running, "&kind=bulk-job");
    expect(record).toMatchObject({ outcome: "invalid", serviceId: "1000000001" });
    expect(record!.detail).toMatch(/^bulk job of 2 tickets: invalid: /);
  });
});
