import { createHash } from "node:crypto";
import { labRunSchema } from "../../shared/lab";
import type { LabRun, LabRunSummary } from "../../shared/lab";
import type { Store } from "../db/store";

/** The runs kept per service; older ones are deleted when a new one starts. */
export const RUNS_KEPT = 20;

/**
 * A run that has said nothing for this long after its longest wait is taken as interrupted (its
 * replica stopped during it): its unfinished cells will never finish.
 */
const INTERRUPTED_AFTER_MS = 5 * 60_000;

/** A received notification waits this long for its cell to read it, then it is wiped. */
const NOTIFICATION_KEPT_MS = 10 * 60_000;

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** The lab's runs (reports, masked) and the notifications its receiver is waiting for. */
export function createLabStore(store: Store) {
  const { db, clock } = store;

  function reading(row: { report: string }): LabRun {
    const run = labRunSchema.parse(JSON.parse(row.report));
    const quietFor = clock.epochMs() - Date.parse(run.startedAt);
    const allowed = run.longestWaitSeconds * 1000 + INTERRUPTED_AFTER_MS;
    return run.state === "running" && quietFor > allowed ? { ...run, state: "interrupted" } : run;
  }

  return {
    /** Stores a new run and keeps only the newest RUNS_KEPT of its service. */
    async create(run: LabRun, ownerKey: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("lab_runs")
          .values({
            id: run.id,
            service_id: run.serviceId,
            owner_key: ownerKey,
            started_at: run.startedAt,
            state: run.state,
            report: JSON.stringify(run),
          })
          .execute();
        const kept = await trx
          .selectFrom("lab_runs")
          .select("id")
          .where("service_id", "=", run.serviceId)
          .orderBy("started_at", "desc")
          .orderBy("id", "desc")
          .limit(RUNS_KEPT)
          .execute();
        await trx
          .deleteFrom("lab_runs")
          .where("service_id", "=", run.serviceId)
          .where(
            "id",
            "not in",
            kept.map((row) => row.id),
          )
          .execute();
      });
    },

    async save(run: LabRun): Promise<void> {
      await db
        .updateTable("lab_runs")
        .set({ state: run.state, report: JSON.stringify(run) })
        .where("id", "=", run.id)
        .execute();
    },

    async find(id: string): Promise<LabRun | undefined> {
      const row = await db
        .selectFrom("lab_runs")
        .select("report")
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? reading(row) : undefined;
    },

    /** A service's kept runs, newest first. */
    async list(serviceId: string): Promise<LabRunSummary[]> {
      const rows = await db
        .selectFrom("lab_runs")
        .select("report")
        .where("service_id", "=", serviceId)
        .orderBy("started_at", "desc")
        .orderBy("id", "desc")
        .limit(RUNS_KEPT)
        .execute();
      return rows.map((row) => {
        const { id, state, startedAt, only, summary } = reading(row);
        return { id, serviceId, state, startedAt, only, summary };
      });
    },

    /** A cell is about to hand this token to Authlete: its notification will be let in. */
    async expectNotification(hash: string): Promise<void> {
      const now = clock.epochMs();
      await db.deleteFrom("lab_notifications").where("expires_at", "<=", now).execute();
      await db
        .insertInto("lab_notifications")
        .values({ token_hash: hash, expires_at: now + NOTIFICATION_KEPT_MS })
        .execute();
    },

    /** The receiver: keeps the body once, for a token a cell is waiting with; else false. */
    async receive(hash: string, body: string): Promise<boolean> {
      const result = await db
        .updateTable("lab_notifications")
        .set({ body, received_at: new Date(clock.epochMs()).toISOString() })
        .where("token_hash", "=", hash)
        .where("received_at", "is", null)
        .where("expires_at", ">", clock.epochMs())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** What arrived for the token (the body may hold tokens: it is deleted as it is read). */
    async takeNotification(hash: string): Promise<string | undefined> {
      const row = await db
        .selectFrom("lab_notifications")
        .select("body")
        .where("token_hash", "=", hash)
        .executeTakeFirst();
      await db.deleteFrom("lab_notifications").where("token_hash", "=", hash).execute();
      return row?.body ?? undefined;
    },
  };
}

export type LabStore = ReturnType<typeof createLabStore>;
