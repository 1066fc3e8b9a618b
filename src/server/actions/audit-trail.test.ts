import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SqlAuditTrail } from "./audit-trail";
import { DatabaseInUseError, openDatabase } from "../db/database";
import type { ConsoleDatabase } from "../db/database";
import { ticketHash } from "../db/ticket-fingerprint";
import { DIALECTS, openTestDatabase, storeOf } from "../../testing/test-databases";

const dirs: string[] = [];
const opened: ConsoleDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((database) => database.close().catch(() => undefined)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "audit-trail-"));
  dirs.push(dir);
  return join(dir, "nested", "audit.db");
}

async function sqliteAt(path: string) {
  const database = await openDatabase({
    path,
    busyTimeoutMs: 1000,
    synchronous: "full",
  });
  opened.push(database);
  return database;
}

describe.each(DIALECTS)("SqlAuditTrail on %s", (dialect) => {
  async function trail(now?: () => number) {
    const database = await openTestDatabase(dialect);
    opened.push(database);
    return { trail: new SqlAuditTrail(storeOf(database, now)), database };
  }

  it("never stores a ticket, only its SHA-256 and last 6 characters", async () => {
    const { trail: audit, database } = await trail();
    const ticket = "c2VjcmV0LXRpY2tldC12YWx1ZS1mb3ItdGVzdGluZw";
    const event = await audit.record({
      kind: "fail",
      outcome: "succeeded",
      operator: "Ada",
      ticket,
    });
    expect(event.ticketHash).toBe(ticketHash(ticket));
    expect(ticketHash("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(event.ticketTail).toBe("dGluZw");
    const dump = JSON.stringify(await database.db.selectFrom("audit_events").selectAll().execute());
    expect(dump).not.toContain(ticket);
  });

  it("completes a pending record with the outcome", async () => {
    const { trail: audit } = await trail();
    const id = await audit.begin({ kind: "fail", operator: "Ada", serviceId: "1" });
    expect((await audit.page({}, 1)).events[0]).toMatchObject({ id, outcome: "pending" });
    await audit.complete(id, {
      outcome: "refused",
      upstreamStatus: 500,
      resultCode: "A1",
      detail: "x",
    });
    expect((await audit.page({}, 1)).events[0]).toMatchObject({
      outcome: "refused",
      upstreamStatus: 500,
      resultCode: "A1",
      detail: "x",
    });
  });

  it("treats a time without an offset as UTC, and escapes LIKE wildcards in names", async () => {
    let now = new Date("2026-11-29T10:00:00Z");
    const { trail: audit } = await trail(() => now.getTime());
    await audit.record({ kind: "sign-in", outcome: "succeeded", operator: "100% Ada" });
    now = new Date("2026-11-29T12:00:00Z");
    await audit.record({ kind: "sign-in", outcome: "succeeded", operator: "Bob_" });
    const operators = async (filters: Parameters<SqlAuditTrail["page"]>[0]) =>
      (await audit.page(filters, 10)).events.map((e) => e.operator);
    expect(await operators({ from: "2026-11-29T11:00" })).toEqual(["Bob_"]);
    expect(await operators({ to: "2026-11-29T12:00:00+01:00" })).toEqual(["100% Ada"]);
    expect(await operators({ operator: "%" })).toEqual(["100% Ada"]);
    expect(await operators({ operator: "b_" })).toEqual(["Bob_"]);
    expect(await operators({ operator: "_" })).toEqual(["Bob_"]);
    expect(await operators({ operator: "ADA" })).toEqual(["100% Ada"]);
  });

  it("finds records by time even when two replicas' clocks disagree a little", async () => {
    let now = new Date("2026-11-29T10:00:30Z");
    const { trail: audit } = await trail(() => now.getTime());
    await audit.record({ kind: "sign-in", outcome: "succeeded", operator: "Fast clock" });
    // Written later (a larger id) by a replica whose clock is 20 s behind.
    now = new Date("2026-11-29T10:00:10Z");
    await audit.record({ kind: "sign-in", outcome: "succeeded", operator: "Slow clock" });
    now = new Date("2026-11-29T12:00:00Z");
    await audit.record({ kind: "sign-in", outcome: "succeeded", operator: "Later" });
    const operators = async (filters: Parameters<SqlAuditTrail["page"]>[0]) =>
      (await audit.page(filters, 10)).events.map((e) => e.operator);
    expect(await operators({ to: "2026-11-29T10:00:20Z" })).toEqual(["Slow clock"]);
    expect(await operators({ from: "2026-11-29T10:00:20Z", to: "2026-11-29T11:00Z" })).toEqual([
      "Fast clock",
    ]);
    expect(await operators({ from: "2026-11-30T00:00Z" })).toEqual([]);
    expect(await operators({ operator: "nobody" })).toEqual([]);
    expect(await operators({ operator: "CLOCK" })).toEqual(["Slow clock", "Fast clock"]);
    // One name with two emails: a part of one email selects only that person's records.
    await audit.record({
      kind: "fail",
      outcome: "succeeded",
      operator: "Ada",
      email: "ada@lab.example",
    });
    await audit.record({
      kind: "fail",
      outcome: "succeeded",
      operator: "Ada",
      email: "a@ops.test",
    });
    const emails = async (part: string) =>
      (await audit.page({ operator: part }, 10)).events.map((e) => e.email);
    expect(await emails("lab")).toEqual(["ada@lab.example"]);
    expect(await emails("ada")).toEqual(["a@ops.test", "ada@lab.example"]);
  });

  it("pages newest first with a cursor, and combines filters", async () => {
    const { trail: audit } = await trail();
    for (let i = 0; i < 5; i++) {
      await audit.record({
        kind: "fail",
        outcome: "succeeded",
        operator: `op${i}`,
        reason: "ACCESS_DENIED",
      });
    }
    await audit.record({ kind: "sign-in", outcome: "succeeded", operator: "op9" });
    const first = await audit.page({ kind: "fail" }, 2);
    expect(first.events.map((e) => e.operator)).toEqual(["op4", "op3"]);
    const second = await audit.page({ kind: "fail" }, 2, first.nextCursor!);
    expect(second.events.map((e) => e.operator)).toEqual(["op2", "op1"]);
    expect((await audit.page({ kind: "sign-in", reason: "ACCESS_DENIED" }, 10)).events).toEqual([]);
    const many = Array.from({ length: 1200 }, (_, i) => ({
      kind: "fail" as const,
      outcome: "not-attempted" as const,
      operator: "bulk",
      jobId: "job-1",
      ticketFingerprint: { hash: `h${i}`, tail: `t${i}` },
    }));
    await audit.recordMany(many);
    expect((await audit.page({ jobId: "job-1" }, 2000)).events).toHaveLength(1200);
  });

  it("finds a ticket by the 6-character tail the pages show, and by the whole ticket", async () => {
    const { trail: audit } = await trail();
    const ticket = "c2VjcmV0LXRpY2tldC12YWx1ZS1mb3ItdGVzdGluZw";
    const twin = "another-ticket-with-the-same-tail-dGluZw";
    await audit.record({ kind: "test-ticket", outcome: "succeeded", operator: "Ada", ticket });
    await audit.record({ kind: "fail", outcome: "succeeded", operator: "Ada", ticket });
    await audit.record({ kind: "fail", outcome: "succeeded", operator: "Bo", ticket: twin });
    await audit.record({ kind: "fail", outcome: "succeeded", operator: "Cy", ticket: "other" });
    const byTail = await audit.page({ ticket: "dGluZw" }, 10);
    expect(byTail.events.map((e) => `${e.kind} ${e.operator}`)).toEqual([
      "fail Bo",
      "fail Ada",
      "test-ticket Ada",
    ]);
    const byTicket = await audit.page({ ticket }, 10);
    expect(byTicket.events.map((e) => e.operator)).toEqual(["Ada", "Ada"]);
  });
});

describe("SQLite file", () => {
  it("creates its folder and schema, in WAL mode with synchronous=FULL, and keeps records across restarts", async () => {
    const path = tempPath();
    const first = await sqliteAt(path);
    await new SqlAuditTrail(storeOf(first)).record({
      kind: "sign-in",
      outcome: "succeeded",
      operator: "Ada",
    });
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
    const second = await sqliteAt(path);
    const events = (await new SqlAuditTrail(storeOf(second)).page({}, 10)).events;
    expect(events.map((e) => e.operator)).toEqual(["Ada"]);
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it("is readable by its owner only: folder 0700, file and journal 0600, whatever the umask", async () => {
    const path = tempPath();
    const previous = process.umask(0o022);
    try {
      const database = await sqliteAt(path);
      await new SqlAuditTrail(storeOf(database)).record({
        kind: "sign-in",
        outcome: "succeeded",
        operator: "Ada",
      });
      const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
      expect(mode(dirname(path))).toBe("700");
      expect(mode(path)).toBe("600");
      expect(mode(`${path}-wal`)).toBe("600");
    } finally {
      process.umask(previous);
    }
  });

  it("brings a file made by an older console (user_version 1) up to date, keeping its records", async () => {
    const path = tempPath();
    await sqliteAt(path); // makes the folder
    await opened.pop()!.close();
    rmSync(path);
    const legacy = new Database(path);
    legacy.exec(`CREATE TABLE audit_events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
      kind TEXT NOT NULL, outcome TEXT NOT NULL, operator TEXT NOT NULL, email TEXT, role TEXT,
      service_id TEXT, target TEXT, ticket_hash TEXT, ticket_tail TEXT, reason TEXT,
      error_description TEXT, error_uri TEXT, justification TEXT, result_code TEXT, action TEXT,
      upstream_status INTEGER, duration_ms INTEGER, request_id TEXT, detail TEXT);
      INSERT INTO audit_events (at, kind, outcome, operator) VALUES ('2026-01-01T00:00:00.000Z', 'sign-in', 'succeeded', 'Old');
      PRAGMA user_version = 1;`);
    legacy.close();
    const database = await sqliteAt(path);
    const audit = new SqlAuditTrail(storeOf(database));
    await audit.record({ kind: "fail", outcome: "succeeded", operator: "New", jobId: "j" });
    expect((await audit.page({}, 10)).events.map((e) => e.operator)).toEqual(["New", "Old"]);
    // The people of older records are known to the Operator filter too.
    expect((await audit.page({ operator: "ol" }, 10)).events.map((e) => e.operator)).toEqual([
      "Old",
    ]);
  });

  it("refuses a second console on the same file while the first runs", async () => {
    const path = tempPath();
    await sqliteAt(path);
    // Another live process on this host holds it: pretend by writing our parent's pid.
    const raw = new Database(path);
    raw
      .prepare("INSERT INTO console_instances (id, host, pid, heartbeat_at) VALUES (?, ?, ?, ?)")
      .run("other", (await import("node:os")).hostname(), process.ppid, Date.now());
    raw.close();
    await expect(
      openDatabase({ path, busyTimeoutMs: 1000, synchronous: "full" }),
    ).rejects.toBeInstanceOf(DatabaseInUseError);
  });
});
