import { sql } from "kysely";
import { signInDelayMs } from "../identity/sessions";
import { MAX_NAMES_TRIED } from "../identity/sessions";
import type { RefusalWindow, SignInAdmission, SignInThrottle } from "../identity/sessions";
import type { Store } from "../db/store";

export interface SignInThrottleOptions {
  /** How long a window of failures lasts, and a lockout at most. */
  windowMs: number;
  /** Failures in one window after which the key is locked out until the window ends. */
  lockoutAfter: number;
  /** Told of every refusal, before its record (the metrics). */
  refused?: (outcome: string) => void;
}

export const SIGN_IN_THROTTLE_DEFAULTS: SignInThrottleOptions = {
  windowMs: 15 * 60_000,
  lockoutAfter: 10,
};

/** A window's row as its first attempt leaves it. */
const NEW_WINDOW = { failures: 1, audit_id: null, first_detail: null, names: null };

function namesOf(json: string | null): string[] {
  try {
    const names: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(names) ? names.filter((name) => typeof name === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Attempts one replica lets run at once per key: an office behind one address signs in at
 * 9 a.m. together, while one account has one person at one keyboard. The rest are told to
 * retry in a second, so a parallel burst never queues behind the delays.
 */
function inFlightLimit(key: string): number {
  return key.startsWith("account:") ? 1 : 4;
}

/**
 * The sign-in throttle (sessions.ts) in the console's database. Each attempt is counted in one
 * transaction before its code is checked; on PostgreSQL an advisory lock on the key makes
 * replicas count one after another, and SQLite's single writer does the same.
 */
export class SqlSignInThrottle implements SignInThrottle {
  readonly #inFlight = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly options: SignInThrottleOptions = SIGN_IN_THROTTLE_DEFAULTS,
  ) {}

  async admit(keys: string[]): Promise<SignInAdmission> {
    if (keys.some((key) => (this.#inFlight.get(key) ?? 0) >= inFlightLimit(key))) {
      return { admitted: false, retryAfterSeconds: 1, why: "in-flight" };
    }
    for (const key of keys) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    try {
      let delayMs = 0;
      for (const key of keys) {
        const counted = await this.#count(key);
        if ("retryAfterSeconds" in counted) {
          this.settle(keys);
          return {
            admitted: false,
            retryAfterSeconds: counted.retryAfterSeconds,
            why: "locked-out",
          };
        }
        delayMs = Math.max(delayMs, signInDelayMs(counted.failuresBefore));
      }
      return { admitted: true, delayMs };
    } catch (error) {
      this.settle(keys);
      throw error;
    }
  }

  settle(keys: string[]): void {
    for (const key of keys) {
      const left = (this.#inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(key, left);
      else this.#inFlight.delete(key);
    }
  }

  async succeeded(keys: string[]): Promise<void> {
    await this.store.db.deleteFrom("sign_in_attempts").where("key", "in", keys).execute();
  }

  async recordRefusal(
    key: string,
    refusal: { who: string; detail: string; outcome?: string },
    write: (openForMs: number) => Promise<number>,
    amend: (auditId: number, window: RefusalWindow) => Promise<void>,
  ): Promise<void> {
    this.options.refused?.(refusal.outcome ?? "refused");
    const { db } = this.store;
    // The first refusal of the window claims the record (-1 until it is written).
    const claimed = await db
      .updateTable("sign_in_attempts")
      .set({
        audit_id: -1,
        first_detail: refusal.detail,
        names: JSON.stringify([refusal.who]),
      })
      .where("key", "=", key)
      .where("audit_id", "is", null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) {
      let auditId: number;
      try {
        auditId = await write(this.options.windowMs);
      } catch (error) {
        // Unclaimed again, so that the next refusal of the window tries to write the record.
        await db
          .updateTable("sign_in_attempts")
          .set({ audit_id: null })
          .where("key", "=", key)
          .where("audit_id", "=", -1)
          .execute();
        throw error;
      }
      await db
        .updateTable("sign_in_attempts")
        .set({ audit_id: auditId })
        .where("key", "=", key)
        .where("audit_id", "=", -1)
        .execute();
      return;
    }
    const row = await db
      .selectFrom("sign_in_attempts")
      .select(["audit_id", "failures", "window_start", "first_detail", "names"])
      .where("key", "=", key)
      .executeTakeFirst();
    if (!row) {
      await write(this.options.windowMs);
      return;
    }
    const namesTried = namesOf(row.names);
    if (namesTried.length < MAX_NAMES_TRIED && !namesTried.includes(refusal.who)) {
      namesTried.push(refusal.who);
      await db
        .updateTable("sign_in_attempts")
        .set({ names: JSON.stringify(namesTried) })
        .where("key", "=", key)
        .execute();
    }
    if (row.audit_id !== null && row.audit_id > 0) {
      await amend(row.audit_id, {
        failures: row.failures,
        windowStart: row.window_start,
        firstDetail: row.first_detail ?? refusal.detail,
        namesTried,
      });
    }
  }

  async countWithoutLockout(key: string): Promise<void> {
    await this.#count(key, Number.POSITIVE_INFINITY);
  }

  /** Counts one attempt; says how many came before it in the window, or how long the lockout lasts. */
  #count(
    key: string,
    lockoutAfter = this.options.lockoutAfter,
  ): Promise<{ failuresBefore: number } | { retryAfterSeconds: number }> {
    const { windowMs } = this.options;
    return this.store.db.transaction().execute(async (trx) => {
      if (this.store.dialect === "postgres") {
        await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-in:${key}`}, 0))`.execute(
          trx,
        );
      }
      const at = this.store.clock.epochMs();
      const row = await trx
        .selectFrom("sign_in_attempts")
        .select(["failures", "window_start"])
        .where("key", "=", key)
        .executeTakeFirst();
      if (!row || at - row.window_start >= windowMs) {
        await trx
          .insertInto("sign_in_attempts")
          .values({ key, ...NEW_WINDOW, window_start: at })
          .onConflict((conflict) =>
            conflict.column("key").doUpdateSet({ ...NEW_WINDOW, window_start: at }),
          )
          .execute();
        return { failuresBefore: 0 };
      }
      if (row.failures >= lockoutAfter) {
        const endsIn = row.window_start + windowMs - at;
        return { retryAfterSeconds: Math.max(1, Math.ceil(endsIn / 1000)) };
      }
      await trx
        .updateTable("sign_in_attempts")
        .set({ failures: row.failures + 1 })
        .where("key", "=", key)
        .execute();
      return { failuresBefore: row.failures };
    });
  }
}
