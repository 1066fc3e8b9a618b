import { sql } from "kysely";
import type { Store } from "../db/store";
import { chainAfter } from "../audit-chain/verify-chain";
import type { ChainedRow } from "../audit-chain/chain-link";
import type { Checkpoint } from "../audit-chain/checkpoints";

/** A chained record as the stream sends it: every column of the link, its position and hash. */
export type StreamRecord = ChainedRow & { chain_seq: number; chain_hash: string };

/** What one send carries: records in sequence order, and the checkpoints they reach. */
export interface StreamBatch {
  records: StreamRecord[];
  checkpoints: Checkpoint[];
}

/** Where a sink is, as a supervisor reads it (shared by every replica). */
export interface SinkState {
  name: string;
  /** The last sequence number the sink acknowledged. */
  cursor: number;
  recordsBehind: number;
  /** How long the oldest record it has not received has been closed (0 when none). */
  secondsBehind: number;
  /** Behind more than AUDIT_STREAM_MAX_LAG_SECONDS: the stream's alarm. */
  lagging: boolean;
  failingSince: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface Lease {
  cursor: number;
  checkpointCursor: number;
}

/** The sinks' cursors and leases, and the checkpoints waiting for them (migration 011). */
export function createSinkStore(store: Store) {
  const { db } = store;
  const nowMs = () => store.clock.epochMs();
  return {
    async ensure(names: string[]): Promise<void> {
      for (const name of names) {
        await db
          .insertInto("audit_sinks")
          .values({ name })
          .onConflict((conflict) => conflict.column("name").doNothing())
          .execute();
      }
    },

    /** Takes or renews the sink's lease: undefined while another replica holds it. */
    async takeLease(name: string, owner: string, ms: number): Promise<Lease | undefined> {
      const now = nowMs();
      const taken = await db
        .updateTable("audit_sinks")
        .set({ lease_owner: owner, lease_until: now + ms })
        .where("name", "=", name)
        .where((eb) =>
          eb.or([
            eb("lease_owner", "is", null),
            eb("lease_owner", "=", owner),
            eb("lease_until", "<", now),
          ]),
        )
        .returning(["cursor", "checkpoint_cursor"])
        .executeTakeFirst();
      return taken && { cursor: taken.cursor, checkpointCursor: taken.checkpoint_cursor };
    },

    async releaseLease(name: string, owner: string): Promise<void> {
      await db
        .updateTable("audit_sinks")
        .set({ lease_owner: null, lease_until: 0 })
        .where("name", "=", name)
        .where("lease_owner", "=", owner)
        .execute();
    },

    /** The next records of the chain after `cursor`, in order. */
    async recordsAfter(cursor: number, limit: number): Promise<StreamRecord[]> {
      return (await chainAfter(db, cursor, limit)) as StreamRecord[];
    },

    /** Checkpoints after the sink's last one, up to the records it will have received. */
    async checkpointsBetween(after: number, upTo: number): Promise<Checkpoint[]> {
      const rows = await db
        .selectFrom("audit_checkpoints")
        .select("checkpoint")
        .where("seq", ">", after)
        .where("seq", "<=", upTo)
        .orderBy("seq")
        .execute();
      return rows.map((row) => JSON.parse(row.checkpoint) as Checkpoint);
    },

    /** Moves the cursors on, if this replica still holds the lease; false if it lost it. */
    async delivered(name: string, owner: string, lease: Lease): Promise<boolean> {
      const moved = await db
        .updateTable("audit_sinks")
        .set({
          cursor: lease.cursor,
          checkpoint_cursor: lease.checkpointCursor,
          failing_since: null,
          last_error: null,
          delivered_at: store.clock.now().toISOString(),
        })
        .where("name", "=", name)
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return Number(moved.numUpdatedRows) === 1;
    },

    async failed(name: string, owner: string, error: string): Promise<void> {
      await db
        .updateTable("audit_sinks")
        .set({
          failing_since: sql`coalesce(failing_since, ${store.clock.now().toISOString()})`,
          last_error: error.slice(0, 500),
        })
        .where("name", "=", name)
        .where("lease_owner", "=", owner)
        .execute();
    },

    /** A signed checkpoint for the sinks; two replicas may sign the same head: one is kept. */
    async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
      await db
        .insertInto("audit_checkpoints")
        .values({ seq: checkpoint.seq, checkpoint: JSON.stringify(checkpoint) })
        .onConflict((conflict) => conflict.column("seq").doNothing())
        .execute();
    },

    async states(names: string[], maxLagMs: number): Promise<SinkState[]> {
      if (names.length === 0) return [];
      const head = await db
        .selectFrom("audit_events")
        .select("chain_seq")
        .where("chain_seq", "is not", null)
        .orderBy("chain_seq", "desc")
        .limit(1)
        .executeTakeFirst();
      const sinks = await db
        .selectFrom("audit_sinks")
        .selectAll()
        .where("name", "in", names)
        .execute();
      const states: SinkState[] = [];
      for (const sink of sinks) {
        const oldest = await db
          .selectFrom("audit_events")
          .select("closes_at")
          .where("chain_seq", "=", sink.cursor + 1)
          .executeTakeFirst();
        const closedAt = oldest?.closes_at ? Date.parse(oldest.closes_at) : undefined;
        const waitedMs = closedAt === undefined ? 0 : Math.max(0, nowMs() - closedAt);
        states.push({
          name: sink.name,
          cursor: sink.cursor,
          recordsBehind: Math.max(0, (head?.chain_seq ?? 0) - sink.cursor),
          secondsBehind: Math.round(waitedMs / 1000),
          lagging: waitedMs > maxLagMs,
          failingSince: sink.failing_since,
          lastError: sink.last_error,
          deliveredAt: sink.delivered_at,
        });
      }
      return states;
    },
  };
}

export type SinkStore = ReturnType<typeof createSinkStore>;
