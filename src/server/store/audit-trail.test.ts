import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { SqliteAuditTrail } from "./audit-trail";
import { openDatabase } from "./database";
import type { SqliteDatabase } from "./database";
import { ticketHash } from "./fingerprint";
import { MIGRATIONS } from "./migrations";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "audit-trail-"));
  dirs.push(dir);
  return join(dir, "nested", "audit.db");
}

const silent = createLogger("silent");
const opened: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

/** The real store on a real database, as the composition root makes it. */
function trailAt(path: string, now?: () => Date) {
  const db = openDatabase({ path, busyTimeoutMs: 1000 });
  opened.push(db);
  return { trail: new SqliteAuditTrail(db, silent, now), close: () => db.close() };
}

describe("SqliteAuditTrail", () => {
  it("creates its folder and schema, in WAL mode, and keeps records across restarts", () => {
    const path = tempPath();
    const first = trailAt(path);
    first.trail.record({ kind: "sign-in", outcome: "succeeded", operator: "Ada" });
    first.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(raw.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    raw.close();

    const second = trailAt(path);
    expect(second.trail.page({}, 10).events.map((e) => e.operator)).toEqual(["Ada"]);
  });

  it("never stores a ticket, only its SHA-256 and last 6 characters", () => {
    const path = tempPath();
    const { trail, close } = trailAt(path);
    const ticket = "c2VjcmV0LXRpY2tldC12YWx1ZS1mb3ItdGVzdGluZw";
    const event = trail.record({
      kind: "fail",
      outcome: "succeeded",
      operator: "Ada",
      ticket,
    });
    close();
    expect(event.ticketHash).toBe(ticketHash(ticket));
    expect(ticketHash("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(event.ticketTail).toBe("dGluZw");
    const raw = new Database(path, { readonly: true });
    const dump = JSON.stringify(raw.prepare("SELECT * FROM audit_events").all());
    raw.close();
    expect(dump).not.toContain(ticket);
  });

  it("completes a pending record with the outcome", () => {
    const { trail } = trailAt(":memory:");
    const id = trail.begin({ kind: "fail", operator: "Ada", serviceId: "1" });
    expect(trail.page({}, 1).events[0]).toMatchObject({ id, outcome: "pending" });
    trail.complete(id, { outcome: "refused", upstreamStatus: 500, resultCode: "A1", detail: "x" });
    expect(trail.page({}, 1).events[0]).toMatchObject({
      outcome: "refused",
      upstreamStatus: 500,
      resultCode: "A1",
      detail: "x",
    });
  });

  it("treats a time without an offset as UTC, and escapes LIKE wildcards in names", () => {
    let now = new Date("2026-11-29T10:00:00Z");
    const { trail } = trailAt(":memory:", () => now);
    trail.record({ kind: "sign-in", outcome: "succeeded", operator: "100% Ada" });
    now = new Date("2026-11-29T12:00:00Z");
    trail.record({ kind: "sign-in", outcome: "succeeded", operator: "Bob_" });
    const operators = (filters: Parameters<SqliteAuditTrail["page"]>[0]) =>
      trail.page(filters, 10).events.map((e) => e.operator);
    expect(operators({ from: "2026-11-29T11:00" })).toEqual(["Bob_"]);
    expect(operators({ to: "2026-11-29T12:00:00+01:00" })).toEqual(["100% Ada"]);
    expect(operators({ operator: "%" })).toEqual(["100% Ada"]);
    expect(operators({ operator: "b_" })).toEqual(["Bob_"]);
    expect(operators({ operator: "_" })).toEqual(["Bob_"]);
  });
});
