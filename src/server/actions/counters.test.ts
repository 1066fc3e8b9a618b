import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../db/database";
import type { ConsoleDatabase } from "../db/database";
import { SqlSlidingWindowLimiter } from "./counters";
import { SqlSessionStore } from "../identity/session-store";
import type { RefusalWindow } from "../identity/sessions";
import { SqlSignInThrottle } from "../session/sign-in-throttle";
import {
  DIALECTS,
  createPostgresDatabase,
  openTestDatabase,
  storeOf,
} from "../../testing/test-databases";

/** These tests are about time and storage, not grants: every stored role holds. */
const grantAny = () => "operator" as const;
const guess = { who: "ada", detail: "wrong access code" };

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
  return new SqlSlidingWindowLimiter(storeOf(database, now), { name: "test", limit, windowMs });
}

describe.each(DIALECTS)("shared counters and sessions on %s", (dialect) => {
  it("allows `limit` actions in any window and says when the next one is allowed", async () => {
    const database = await open(dialect);
    let now = 0;
    const limiter = limiterOn(database, 3, 60_000, () => now);
    for (const [at, remaining] of [
      [0, 2],
      [10_000, 1],
      [20_000, 0],
    ] as const) {
      now = at;
      expect(await limiter.take("ada")).toEqual({ allowed: true, remaining });
    }
    now = 30_000;
    expect(await limiter.take("ada")).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 30,
    });
    expect(await limiter.take("grace")).toEqual({ allowed: true, remaining: 2 });
    // The oldest action leaves the window at 60 s: one more is allowed, then not.
    now = 60_000;
    expect(await limiter.take("ada")).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.take("ada")).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 10,
    });
  });

  it("takes an amount whole or not at all, and peeks without counting", async () => {
    const database = await open(dialect);
    let now = 0;
    const limiter = limiterOn(database, 10, 60_000, () => now);
    expect(await limiter.take("ada", 9)).toEqual({ allowed: true, remaining: 1 });
    now = 30_000;
    expect(await limiter.take("ada", 9)).toEqual({
      allowed: false,
      remaining: 1,
      retryAfterSeconds: 30,
    });
    expect(await limiter.peek("ada")).toEqual({ allowed: true, remaining: 1 });
    expect(await limiter.take("ada", 1)).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.peek("ada")).toMatchObject({ allowed: false, remaining: 0 });
    // More than the whole limit: waiting would not help, so no Retry-After.
    expect(await limiter.take("grace", 11)).toEqual({ allowed: false, remaining: 10 });
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
    const database = await open(dialect);
    const { db } = database;
    let now = 1_000_000;
    const limits = { idleMs: 60_000, absoluteMs: 3_600_000 };
    const id = await new SqlSessionStore(
      storeOf(database, () => now),
      limits,
      grantAny,
    ).create({
      name: "Ada",
      email: "ada@example.com",
      role: "operator",
    });
    // Another store on the same database: a restarted console, or the other replica.
    const again = new SqlSessionStore(
      storeOf(database, () => now),
      limits,
      grantAny,
    );
    now += 30_000;
    expect(await again.touch(id)).toMatchObject({ name: "Ada", role: "operator" });
    expect(await again.touch("not-a-session")).toBeUndefined();
    now += 61_000;
    expect(await again.touch(id)).toBeUndefined();
    const stored = await db.selectFrom("sessions").select("id_hash").execute();
    expect(stored).toEqual([]);
  });

  it("stores only a hash of the session id", async () => {
    const database = await open(dialect);
    const { db } = database;
    const sessions = new SqlSessionStore(
      storeOf(database),
      { idleMs: 60_000, absoluteMs: 60_000 },
      grantAny,
    );
    const id = await sessions.create({ name: "Ada", email: null, role: "viewer" });
    const rows = await db.selectFrom("sessions").select("id_hash").execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash).not.toContain(id);
    expect(rows[0]!.id_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts each sign-in before it is decided, slows the next ones, then locks out until the window ends", async () => {
    const database = await open(dialect);
    let now = 0;
    const throttle = new SqlSignInThrottle(
      storeOf(database, () => now),
      {
        windowMs: 60_000,
        lockoutAfter: 4,
      },
    );
    const keys = ["address:10.0.0.1"];
    const delays = [];
    for (let i = 0; i < 4; i++) {
      const admission = await throttle.admit(keys);
      throttle.settle(keys);
      delays.push(admission.admitted ? admission.delayMs : -1);
    }
    expect(delays).toEqual([0, 250, 500, 1000]);
    now = 20_000;
    expect(await throttle.admit(keys)).toEqual({
      admitted: false,
      retryAfterSeconds: 40,
      why: "locked-out",
    });
    expect(await throttle.admit(["address:10.0.0.2"])).toEqual({ admitted: true, delayMs: 0 });
    now = 60_000;
    expect(await throttle.admit(keys)).toEqual({ admitted: true, delayMs: 0 });
    throttle.settle(keys);
    await throttle.succeeded(keys);
    expect(await throttle.admit(keys)).toEqual({ admitted: true, delayMs: 0 });
  });

  it("lets one sign-in per account be checked at a time on a replica", async () => {
    const database = await open(dialect);
    const throttle = new SqlSignInThrottle(storeOf(database));
    const keys = ["address:10.0.0.1", "account:ada"];
    expect((await throttle.admit(keys)).admitted).toBe(true);
    expect(await throttle.admit(["address:10.0.0.9", "account:ada"])).toMatchObject({
      admitted: false,
      why: "in-flight",
    });
    throttle.settle(keys);
    expect((await throttle.admit(["address:10.0.0.9", "account:ada"])).admitted).toBe(true);
  });

  it("writes the window's record on the next refusal when writing it failed", async () => {
    const database = await open(dialect);
    const throttle = new SqlSignInThrottle(storeOf(database));
    const key = "address:10.0.0.7";
    const amend = () => Promise.resolve();
    await throttle.admit([key]);
    throttle.settle([key]);
    await expect(
      throttle.recordRefusal(key, guess, () => Promise.reject(new Error("disk full")), amend),
    ).rejects.toThrow("disk full");
    await throttle.admit([key]);
    throttle.settle([key]);
    let written = 0;
    await throttle.recordRefusal(key, guess, () => Promise.resolve(++written), amend);
    expect(written).toBe(1);
  });

  it("keeps one audit record per window of refusals, amended with the count, the first reason and the distinct names tried (the first 20)", async () => {
    const database = await open(dialect);
    const throttle = new SqlSignInThrottle(storeOf(database), {
      windowMs: 60_000,
      lockoutAfter: 100,
    });
    const key = "address:10.0.0.1";
    let written = 0;
    const amended: [number, RefusalWindow][] = [];
    const names = ["ada", "bob", "ada", ...Array.from({ length: 30 }, (_, i) => `user${i}`)];
    for (const [i, name] of names.entries()) {
      await throttle.admit([key]);
      throttle.settle([key]);
      await throttle.recordRefusal(
        key,
        { who: name, detail: `reason ${i}` },
        () => Promise.resolve(++written * 100),
        (auditId, window) => {
          amended.push([auditId, window]);
          return Promise.resolve();
        },
      );
    }
    expect(written).toBe(1);
    expect(amended.map(([auditId, w]) => [auditId, w.failures]).slice(0, 3)).toEqual([
      [100, 2],
      [100, 3],
      [100, 4],
    ]);
    const last = amended.at(-1)![1];
    expect(last.failures).toBe(names.length);
    expect(last.firstDetail).toBe("reason 0");
    expect(last.namesTried).toEqual([
      "ada",
      "bob",
      ...Array.from({ length: 18 }, (_, i) => `user${i}`),
    ]);
  });

  it("counts refusals that are not guesses without ever locking their key out", async () => {
    const database = await open(dialect);
    const throttle = new SqlSignInThrottle(storeOf(database), {
      windowMs: 60_000,
      lockoutAfter: 2,
    });
    for (let i = 0; i < 10; i++) await throttle.countWithoutLockout("oidc-callback:10.0.0.3");
    const row = await database.db
      .selectFrom("sign_in_attempts")
      .select("failures")
      .where("key", "=", "oidc-callback:10.0.0.3")
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(10);
    expect((await throttle.admit(["address:10.0.0.3"])).admitted).toBe(true);
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
