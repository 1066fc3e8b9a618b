import type { Selectable } from "kysely";
import type { ApprovalKind, ApprovalState } from "../../shared/approvals";
import type { ApprovalsTable } from "../db/schema";
import type { Store } from "../db/store";

export type ApprovalRow = Selectable<ApprovalsTable>;

export interface NewApproval {
  id: string;
  kind: ApprovalKind;
  serviceId: string;
  requester: string;
  requesterKey: string;
  expiresAt: number;
  justification: string | null;
  summary: string;
  sealed: string;
}

/** How a decision leaves a waiting request: its new state and who decided. */
export interface Decision {
  state: Exclude<ApprovalState, "pending">;
  decidedBy: string | null;
  rejectReason?: string;
  breakGlass?: boolean;
  breakGlassJustification?: string;
}

/**
 * The approval requests in the shared database, so that any replica can decide one. A state
 * leaves "pending" once, by a conditional update: two supervisors approving at once run the
 * action once. The sealed action is wiped as it leaves.
 */
export function createApprovalStore(store: Store) {
  const { db, clock } = store;
  return {
    async create(approval: NewApproval): Promise<void> {
      await db
        .insertInto("approvals")
        .values({
          id: approval.id,
          kind: approval.kind,
          state: "pending",
          service_id: approval.serviceId,
          requester: approval.requester,
          requester_key: approval.requesterKey,
          requested_at: clock.now().toISOString(),
          expires_at: approval.expiresAt,
          justification: approval.justification,
          summary: approval.summary,
          sealed: approval.sealed,
          break_glass: 0,
        })
        .execute();
    },

    find(id: string): Promise<ApprovalRow | undefined> {
      return db.selectFrom("approvals").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /** The waiting ones first (oldest first), then the newest decided ones. */
    async list(limit: number): Promise<ApprovalRow[]> {
      const pending = await db
        .selectFrom("approvals")
        .selectAll()
        .where("state", "=", "pending")
        .orderBy("requested_at", "asc")
        .limit(limit)
        .execute();
      const decided = await db
        .selectFrom("approvals")
        .selectAll()
        .where("state", "!=", "pending")
        .orderBy("requested_at", "desc")
        .limit(limit)
        .execute();
      return [...pending, ...decided];
    },

    /** Moves a waiting request on; false when it no longer waits (decided elsewhere). */
    async decide(id: string, decision: Decision): Promise<boolean> {
      const result = await db
        .updateTable("approvals")
        .set({
          state: decision.state,
          decided_by: decision.decidedBy,
          decided_at: clock.now().toISOString(),
          reject_reason: decision.rejectReason ?? null,
          break_glass: decision.breakGlass ? 1 : 0,
          break_glass_justification: decision.breakGlassJustification ?? null,
          // Rejected or expired: the tickets go now. Approved: once the action has them.
          ...(decision.state === "approved" ? {} : { sealed: null }),
        })
        .where("id", "=", id)
        .where("state", "=", "pending")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** What the approved action came to; its tickets are wiped. */
    async finish(id: string, result: unknown): Promise<void> {
      await db
        .updateTable("approvals")
        .set({ result: JSON.stringify(result), sealed: null })
        .where("id", "=", id)
        .execute();
    },

    /** Waiting requests past their time, each moved to expired once (across replicas). */
    async expireDue(): Promise<ApprovalRow[]> {
      const due = await db
        .selectFrom("approvals")
        .selectAll()
        .where("state", "=", "pending")
        .where("expires_at", "<=", clock.epochMs())
        .execute();
      const expired: ApprovalRow[] = [];
      for (const row of due) {
        if (await this.decide(row.id, { state: "expired", decidedBy: null })) expired.push(row);
      }
      return expired;
    },

    async acknowledge(id: string, by: string): Promise<boolean> {
      const result = await db
        .updateTable("approvals")
        .set({ acknowledged_by: by })
        .where("id", "=", id)
        .where("break_glass", "=", 1)
        .where("acknowledged_by", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async counts(): Promise<{ pending: number; unacknowledged: number }> {
      const pending = await db
        .selectFrom("approvals")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("state", "=", "pending")
        .executeTakeFirstOrThrow();
      const unacknowledged = await db
        .selectFrom("approvals")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("break_glass", "=", 1)
        .where("acknowledged_by", "is", null)
        .executeTakeFirstOrThrow();
      return { pending: Number(pending.n), unacknowledged: Number(unacknowledged.n) };
    },
  };
}

export type ApprovalStore = ReturnType<typeof createApprovalStore>;
