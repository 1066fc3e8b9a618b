import { sql } from "kysely";
import type { Allowance, SlidingWindowLimiter } from "./rate-limit";
import { StorageUnavailable } from "../db/storage-error";
import type { Store } from "../db/store";

/**
 * A sliding-window limit in the database, counted in slices of a sixtieth of the window (a
 * second of a minute): at most 60 rows per key whatever the limit, so a check costs the same at
 * 30 a minute as at a million. Exact to the slice: Retry-After may be up to one slice early.
 * On PostgreSQL an advisory lock on the key makes replicas count one after another (without it
 * two could each see one slot left and both take it); SQLite's single writer does that itself.
 */
export class SqlSlidingWindowLimiter implements SlidingWindowLimiter {
  constructor(
    private readonly store: Store,
    private readonly options: {
      /** Which limit: keys of different limits never share a count. */
      name: string;
      limit: number;
      windowMs: number;
    },
  ) {}

  get limit(): number {
    return this.options.limit;
  }

  take(key: string, amount = 1): Promise<Allowance> {
    return this.#guarded(() => this.#take(`${this.options.name}:${key}`, amount, true));
  }

  peek(key: string): Promise<Allowance> {
    return this.#guarded(() => this.#take(`${this.options.name}:${key}`, 1, false));
  }

  async #guarded(count: () => Promise<Allowance>): Promise<Allowance> {
    try {
      return await count();
    } catch (error) {
      // The counters live beside the audit trail: if they cannot be written, neither can it.
      this.store.logger.error({ err: error }, "rate limit could not be counted");
      throw new StorageUnavailable("rate limit", { cause: error });
    }
  }

  #take(scoped: string, amount: number, count: boolean): Promise<Allowance> {
    const { limit, windowMs } = this.options;
    const database = this.store;
    const slice = Math.max(1, Math.floor(windowMs / 60));
    return database.db.transaction().execute(async (trx) => {
      if (database.dialect === "postgres" && count) {
        await sql`SELECT pg_advisory_xact_lock(hashtextextended(${scoped}, 0))`.execute(trx);
      }
      const at = this.store.clock.epochMs();
      const bucket = at - (at % slice);
      const all = await trx
        .selectFrom("rate_limit_buckets")
        .select(["bucket", "count"])
        .where("key", "=", scoped)
        .orderBy("bucket")
        .execute();
      // Slices that left the window go when there are some: one round trip fewer otherwise.
      const buckets = all.filter((row) => row.bucket > at - windowMs);
      if (count && buckets.length < all.length) {
        await trx
          .deleteFrom("rate_limit_buckets")
          .where("key", "=", scoped)
          .where("bucket", "<=", at - windowMs)
          .execute();
      }
      let total = buckets.reduce((sum, row) => sum + row.count, 0);
      const remaining = Math.max(0, limit - total);
      if (total + amount > limit) {
        if (amount > limit) return { allowed: false, remaining } as const;
        // Allowed again once enough of the oldest slices have left the window.
        let freedAt = buckets[0]!.bucket;
        for (const row of buckets) {
          freedAt = row.bucket;
          total -= row.count;
          if (total + amount <= limit) break;
        }
        const retryAfterMs = freedAt + windowMs - at;
        return {
          allowed: false,
          remaining,
          retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
        } as const;
      }
      if (!count) return { allowed: true, remaining } as const;
      await trx
        .insertInto("rate_limit_buckets")
        .values({ key: scoped, bucket, count: amount })
        .onConflict((conflict) =>
          conflict
            .columns(["key", "bucket"])
            .doUpdateSet({ count: sql`rate_limit_buckets.count + ${amount}` }),
        )
        .execute();
      return { allowed: true, remaining: remaining - amount } as const;
    });
  }
}
