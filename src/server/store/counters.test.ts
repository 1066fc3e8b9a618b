import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { openDatabase } from "./database";
import type { ConsoleDatabase } from "./database";
import { SqlFailedSignIns, SqlSlidingWindowLimiter } from "./counters";
import { SqlSessionStore } from "./session-store";
import { DIALECTS, createPostgresDatabase, openTestDatabase } from "./test-databases";

const opened: ConsoleDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((database) => database.close()));
});
async function open(dialect: (typeof DIALECTS)[number]) {
  const database = await openTestDatabase(dialect);
  opened.push(database);
  return database;
}

function limiterOn(database: ConsoleDatabase, limit: number, windowMs: number, now?: () => number) {
  const logger = createLogger("silent");
  return new SqlSlidingWindowLimiter({ database, name: "test", limit, windowMs, logger, now });
}

describe.each(DIALECTS)("shared counters and sessions on %s", (dialect) => {
  it("allows `limit` actions in any window and says when the next one is allowed", async () => {
    const database = await open(dialect);
    let now = 0;
    const limiter = limiterOn(database, 3, 60_000, () => now);
    for (const at of [0, 10_000, 20_000]) {
      now = at;
      expect(await limiter.take("ada")).toEqual({ allowed: true });
    }
    now = 30_000;
    expect(await limiter.take("ada")).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await limiter.take("grace")).toEqual({ allowed: true });
    // The oldest action leaves the window at 60 s: one more is allowed, then not.
    now = 60_000;
    expect(await limiter.take("ada")).toEqual({ allowed: true });
    expect(await limiter.take("ada")).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it("does not count refused attempts", async () => {
    const database = await open(dialect);
    let now = 0;
    const limiter = limiterOn(database, 1, 1000, () => now);
    expect((await limiter.take("k")).allowed).toBe(true);
    now = 500;
    for (let i = 0; i < 5; i++) expect((await limiter.take("k")).allowed).toBe(false);
    now = 1000;
    expect((await limiter.take("k")).allowed).toBe(true);
  });

  it("keeps sessions across a restart, and ends them when idle", async () => {
    const { db } = await open(dialect);
    let now = 1_000_000;
    const limits = { idleMs: 60_000, absoluteMs: 3_600_000 };
    const id = await new SqlSessionStore(db, limits, () => now).create({
      name: "Ada",
      email: "ada@example.com",
      role: "operator",
    });
    // Another store on the same database: a restarted console, or the other replica.
    const again = new SqlSessionStore(db, limits, () => now);
    now += 30_000;
    expect(await again.touch(id)).toMatchObject({ name: "Ada", role: "operator" });
    expect(await again.touch("not-a-session")).toBeUndefined();
    now += 61_000;
    expect(await again.touch(id)).toBeUndefined();
    const stored = await db.selectFrom("sessions").select("id_hash").execute();
    expect(stored).toEqual([]);
  });

  it("stores only a hash of the session id", async () => {
    const { db } = await open(dialect);
    const sessions = new SqlSessionStore(db, { idleMs: 60_000, absoluteMs: 60_000 });
    const id = await sessions.create({ name: "Ada", email: null, role: "viewer" });
    const rows = await db.selectFrom("sessions").select("id_hash").execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash).not.toContain(id);
    expect(rows[0]!.id_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts wrong sign-in codes per client and clears them", async () => {
    const { db } = await open(dialect);
    const failures = new SqlFailedSignIns(db);
    expect(await failures.delayMs("10.0.0.1")).toBe(0);
    await failures.record("10.0.0.1");
    await failures.record("10.0.0.1");
    expect(await failures.delayMs("10.0.0.1")).toBe(500);
    expect(await failures.delayMs("10.0.0.2")).toBe(0);
    await failures.clear("10.0.0.1");
    expect(await failures.delayMs("10.0.0.1")).toBe(0);
  });
});

describe("PostgreSQL: two replicas share one budget", () => {
  it("never lets two replicas together exceed the limit, however they race", async () => {
    const url = await createPostgresDatabase();
    const options = { url, path: ":memory:", busyTimeoutMs: 1000, synchronous: "full" as const };
    const replicas = [await openDatabase(options), await openDatabase(options)];
    opened.push(...replicas);
    const limiters = replicas.map((database) => limiterOn(database, 5, 60_000));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => limiters[index % 2]!.take("ada@example.com")),
    );
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(5);
  });
});
