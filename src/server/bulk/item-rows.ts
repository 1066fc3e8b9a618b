import type { Kysely, Updateable } from "kysely";
import type { ConsoleSchema } from "../db/schema";
import type { BulkItem, BulkItemState } from "../../shared/bulk-job";
import type { BulkItemsTable } from "../db/schema";
import type { Store } from "../db/store";

export type ItemUpdate = Partial<
  Pick<
    BulkItem,
    "state" | "attempts" | "resultCode" | "action" | "upstreamStatus" | "error" | "notification"
  >
>;

/** States in which a ticket can never be sent again by its job: its sealed copy goes. */
const DONE_WITH_TICKET: readonly BulkItemState[] = [
  "succeeded",
  "not-attempted",
  "interrupted",
  "no-such-ticket",
];

const ITEM_SELECTION = [
  "seq",
  "line",
  "ticket_tail as ticketTail",
  "ticket_hash as ticketHash",
  "reason",
  "state",
  "attempts",
  "result_code as resultCode",
  "action",
  "upstream_status as upstreamStatus",
  "error",
  "notification",
  "updated_at as updatedAt",
] as const;

/** A job's tickets (a port, part of BulkJobStore): their states, and their sealed copies. */
export interface ItemRows {
  updateItem(jobId: string, seq: number, update: ItemUpdate): Promise<void>;
  /** Several tickets' updates in one transaction (a job's answered tickets, grouped). */
  /**
   * With `leaseOwner`, only while that replica holds the job's lease: a replica paused past its
   * lease must not rewrite what the new owner resolved (interrupted) with its late answers.
   */
  updateItems(
    updates: { jobId: string; seq: number; update: ItemUpdate }[],
    leaseOwner?: string,
  ): Promise<void>;
  /**
   * The ticket goes out now: in flight, first try; in the transaction that writes its pending
   * record (actions/action-call.ts beginWith), so both are durable or neither is.
   */
  markInFlight(jobId: string, seq: number, trx: Kysely<ConsoleSchema>): Promise<void>;
  /**
   * Moves the job's items in one state to another: all of them, or a chunk (the first `limit`
   * by seq after `afterSeq`).
   */
  moveItems(
    jobId: string,
    from: BulkItemState,
    to: BulkItemState,
    chunk?: { limit: number; afterSeq: number },
  ): Promise<BulkItem[]>;
  items(
    jobId: string,
    state: BulkItemState | undefined,
    offset: number,
    limit: number,
  ): Promise<BulkItem[]>;
  countItems(jobId: string, state: BulkItemState | undefined): Promise<number>;
  /** The sealed tickets of a job's items in one state, by sequence number. */
  sealedTickets(jobId: string, state: BulkItemState): Promise<Map<number, string>>;
  /** Wipes the sealed tickets of jobs that ended before `endedBefore` (ISO time). */
  wipeSealedTickets(endedBefore: string): Promise<number>;
}

export function itemRows({ db, dialect, clock }: Store): ItemRows {
  const stamp = () => clock.now().toISOString();

  /** An update's columns; a ticket that can never be sent again loses its sealed copy. */
  function itemSet(update: ItemUpdate): Updateable<BulkItemsTable> {
    const set: Updateable<BulkItemsTable> = { updated_at: stamp() };
    if (update.state !== undefined) set.state = update.state;
    if (update.attempts !== undefined) set.attempts = update.attempts;
    if (update.resultCode !== undefined) set.result_code = update.resultCode;
    if (update.action !== undefined) set.action = update.action;
    if (update.upstreamStatus !== undefined) set.upstream_status = update.upstreamStatus;
    if (update.error !== undefined) set.error = update.error;
    if (update.notification !== undefined) set.notification = update.notification;
    if (update.state !== undefined && DONE_WITH_TICKET.includes(update.state)) {
      set.ticket_sealed = null;
    }
    return set;
  }
  return {
    async updateItem(jobId, seq, update) {
      await db
        .updateTable("bulk_items")
        .set(itemSet(update))
        .where("job_id", "=", jobId)
        .where("seq", "=", seq)
        .execute();
    },

    async updateItems(updates, leaseOwner) {
      if (updates.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const { jobId, seq, update } of updates) {
          let query = trx
            .updateTable("bulk_items")
            .set(itemSet(update))
            .where("job_id", "=", jobId)
            .where("seq", "=", seq);
          if (leaseOwner !== undefined) {
            query = query.where((eb) =>
              eb.exists(
                eb
                  .selectFrom("bulk_jobs")
                  .select("bulk_jobs.id")
                  .whereRef("bulk_jobs.id", "=", "bulk_items.job_id")
                  .where("bulk_jobs.lease_owner", "=", leaseOwner),
              ),
            );
          }
          await query.execute();
        }
      });
    },

    async markInFlight(jobId, seq, trx) {
      await trx
        .updateTable("bulk_items")
        .set({ state: "in-flight", attempts: 1, updated_at: stamp() })
        .where("job_id", "=", jobId)
        .where("seq", "=", seq)
        .execute();
    },

    moveItems(jobId, from, to, chunk) {
      return db.transaction().execute(async (trx) => {
        let chosen = trx
          .selectFrom("bulk_items")
          .select(ITEM_SELECTION)
          .where("job_id", "=", jobId)
          .where("state", "=", from)
          .orderBy("seq");
        if (chunk) chosen = chosen.where("seq", ">", chunk.afterSeq).limit(chunk.limit);
        // Two replicas finishing the same cancel never take the same tickets.
        if (dialect === "postgres") chosen = chosen.forUpdate().skipLocked();
        const moved = await chosen.execute();
        if (moved.length === 0) return moved;
        let update = trx
          .updateTable("bulk_items")
          .set({
            state: to,
            updated_at: stamp(),
            ...(DONE_WITH_TICKET.includes(to) ? { ticket_sealed: null } : {}),
          })
          .where("job_id", "=", jobId)
          .where("state", "=", from);
        if (chunk) {
          update = update.where("seq", ">=", moved[0]!.seq).where("seq", "<=", moved.at(-1)!.seq);
        }
        await update.execute();
        return moved;
      });
    },

    async items(jobId, state, offset, limit) {
      let query = db.selectFrom("bulk_items").select(ITEM_SELECTION).where("job_id", "=", jobId);
      if (state) query = query.where("state", "=", state);
      return query.orderBy("seq").limit(limit).offset(offset).execute();
    },

    async countItems(jobId, state) {
      let query = db
        .selectFrom("bulk_items")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("job_id", "=", jobId);
      if (state) query = query.where("state", "=", state);
      const { n } = await query.executeTakeFirstOrThrow();
      return Number(n);
    },

    async sealedTickets(jobId, state) {
      const rows = await db
        .selectFrom("bulk_items")
        .select(["seq", "ticket_sealed"])
        .where("job_id", "=", jobId)
        .where("state", "=", state)
        .where("ticket_sealed", "is not", null)
        .execute();
      return new Map(
        rows.flatMap((row) => (row.ticket_sealed ? [[row.seq, row.ticket_sealed]] : [])),
      );
    },

    async wipeSealedTickets(endedBefore) {
      const result = await db
        .updateTable("bulk_items")
        .set({ ticket_sealed: null })
        .where("ticket_sealed", "is not", null)
        .where("job_id", "in", (eb) =>
          eb
            .selectFrom("bulk_jobs")
            .select("id")
            .where("finished_at", "is not", null)
            .where("finished_at", "<", endedBefore),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
