import { sql } from "kysely";
import type { Store } from "../db/store";
import { CHAINED_COLUMNS, GENESIS_HASH, linkHash } from "./chain-link";
import type { ChainHead } from "./chain-link";

/** Records sealed per transaction: a backlog (an upgrade's old records) goes in steps. */
const BATCH = 500;
/** PostgreSQL advisory lock key: replicas extend the chain one at a time. */
const CHAIN_LOCK = 2_200_022;
/** A write that closed records asks for a seal this soon, so that bursts share one. */
const NUDGE_MS = 20;

export interface ChainSealer {
  /** Some records closed: seal them soon (never awaited by an action). */
  nudge(): void;
  /** Seals every record closed by now, in order; answers with the chain's head. */
  sealDue(): Promise<ChainHead>;
  /** Seals what is due (not awaited), then every interval (records closing by time, replicas'). */
  start(): Promise<void>;
  /** Stops the timers and waits for a seal under way. */
  stop(): Promise<void>;
}

/**
 * Gives closed records their place in the chain: in the order they closed (then by id), each
 * gets the next sequence number and the hash linking it to the one before. It runs after the
 * action has answered, in a transaction of its own, so a fail call never waits for it; a
 * failure is logged and retried by the next nudge or tick.
 */
export function createChainSealer(
  store: Store,
  options: { intervalMs: number; onHead?: (head: ChainHead) => Promise<void> },
): ChainSealer {
  let running: Promise<ChainHead> | undefined;
  let nudged: NodeJS.Timeout | undefined;

  const headOf = async (db: Store["db"]): Promise<ChainHead> => {
    const last = await db
      .selectFrom("audit_events")
      .select(["chain_seq", "chain_hash"])
      .where("chain_seq", "is not", null)
      .orderBy("chain_seq", "desc")
      .limit(1)
      .executeTakeFirst();
    return { seq: last?.chain_seq ?? 0, hash: last?.chain_hash ?? GENESIS_HASH };
  };

  async function sealBatch(): Promise<{ head: ChainHead; sealed: number }> {
    const now = store.clock.now().toISOString();
    // Most ticks find nothing: one indexed read, no transaction, no lock.
    const anyDue = await store.db
      .selectFrom("audit_events")
      .select("id")
      .where("chain_seq", "is", null)
      .where("closes_at", "<=", now)
      .limit(1)
      .executeTakeFirst();
    if (!anyDue) return { head: await headOf(store.db), sealed: 0 };
    return store.db.transaction().execute(async (trx) => {
      if (store.dialect === "postgres") {
        await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
      }
      const head = await headOf(trx);
      const due = await trx
        .selectFrom("audit_events")
        .select(CHAINED_COLUMNS)
        .where("chain_seq", "is", null)
        .where("closes_at", "<=", now)
        .orderBy("closes_at")
        .orderBy("id")
        .limit(BATCH)
        .execute();
      for (const row of due) {
        head.seq += 1;
        head.hash = linkHash(head.hash, head.seq, row);
        await trx
          .updateTable("audit_events")
          .set({ chain_seq: head.seq, chain_hash: head.hash })
          .where("id", "=", row.id)
          .execute();
      }
      return { head, sealed: due.length };
    });
  }

  async function sealAll(): Promise<ChainHead> {
    for (;;) {
      const { head, sealed } = await sealBatch();
      // A stop does not wait for a backlog: the next start goes on from here.
      if (sealed < BATCH || stopped) {
        // Every tick, sealed or not: a checkpoint may be due by time alone.
        await options.onHead?.(head);
        return head;
      }
    }
  }

  let queued: Promise<ChainHead> | undefined;
  /** One seal at a time; a call during one gets the next, which sees what closed meanwhile. */
  function sealDue(): Promise<ChainHead> {
    if (!running) {
      running = sealAll().finally(() => (running = undefined));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return sealDue();
      });
    return queued;
  }

  function logFailure(error: unknown) {
    store.logger.error({ err: error }, "audit chain: closed records could not be sealed (retried)");
  }

  let tick: NodeJS.Timeout | undefined;
  let stopped = false;
  return {
    nudge() {
      if (nudged || stopped) return;
      nudged = setTimeout(() => {
        nudged = undefined;
        void sealDue().catch(logFailure);
      }, NUDGE_MS);
      nudged.unref();
    },
    sealDue,
    // Not awaited: an upgraded console's backlog (a whole trail, minutes at 1,000,000 records)
    // is sealed in steps while the console already serves.
    start() {
      void sealDue().catch(logFailure);
      tick = setInterval(() => void sealDue().catch(logFailure), options.intervalMs);
      tick.unref();
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      clearInterval(tick);
      if (nudged) clearTimeout(nudged);
      await running?.catch(() => undefined);
    },
  };
}
