import type { Store } from "../db/store";

/** An operator's action asked on a replica that does not run the job. */
export type JobRequest = "pause" | "resume" | "cancel";

const UNFINISHED = ["running", "paused"] as const;
/** What each request needs the job to be, as when the replica running it is asked directly. */
const REQUESTABLE_IN = {
  pause: ["running"],
  resume: ["paused"],
  cancel: UNFINISHED,
} as const satisfies Record<JobRequest, readonly string[]>;

/** Which replica runs a job (a port, part of BulkJobStore), and requests for it (decision 011). */
export interface LeaseRows {
  /**
   * Takes one unfinished job whose lease ran out (its replica died or handed it back), so that
   * exactly one replica goes on with it. `any`: every unfinished job counts as orphaned (a
   * SQLite console at start: it is the only one on its file).
   */
  claimOrphan(owner: string, until: number, now: number, any: boolean): Promise<string | undefined>;
  /** Takes an ended job back to run its failed tickets again; false if another replica has it. */
  claimEnded(jobId: string, owner: string, until: number, now: number): Promise<boolean>;
  /** Extends the leases of `jobIds` that `owner` still holds; returns those. */
  renewLeases(owner: string, jobIds: string[], until: number): Promise<string[]>;
  releaseLease(owner: string, jobId: string): Promise<void>;
  /** Asks the replica running a job to pause, resume or cancel it (false: not in a state for it). */
  request(jobId: string, action: JobRequest): Promise<boolean>;
  /** The requests waiting for `owner`'s jobs, cleared as they are read. */
  takeRequests(owner: string): Promise<{ jobId: string; action: JobRequest }[]>;
}

export function leaseRows({ db, dialect }: Store): LeaseRows {
  return {
    claimOrphan(owner, until, now, any) {
      return db.transaction().execute(async (trx) => {
        let query = trx
          .selectFrom("bulk_jobs")
          .select("id")
          .where("status", "in", UNFINISHED)
          .orderBy("created_at")
          .limit(1);
        if (!any) query = query.where("lease_until", "<", now);
        // Never a job this replica already runs (at start it takes every job, one at a time).
        query = query.where((eb) =>
          eb.or([eb("lease_owner", "is", null), eb("lease_owner", "!=", owner)]),
        );
        // Replicas looking at once each get a different job, or none; never the same one.
        if (dialect === "postgres") query = query.forUpdate().skipLocked();
        const orphan = await query.executeTakeFirst();
        if (!orphan) return undefined;
        await trx
          .updateTable("bulk_jobs")
          .set({ lease_owner: owner, lease_until: until })
          .where("id", "=", orphan.id)
          .execute();
        return orphan.id;
      });
    },

    async claimEnded(jobId, owner, until, now) {
      const result = await db
        .updateTable("bulk_jobs")
        .set({ lease_owner: owner, lease_until: until, status: "running", finished_at: null })
        .where("id", "=", jobId)
        .where("status", "in", ["finished", "interrupted"])
        .where((eb) => eb.or([eb("lease_until", "<", now), eb("lease_owner", "=", owner)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async renewLeases(owner, jobIds, until) {
      if (jobIds.length === 0) return [];
      const held = await db
        .updateTable("bulk_jobs")
        .set({ lease_until: until })
        .where("id", "in", jobIds)
        .where("lease_owner", "=", owner)
        .returning("id")
        .execute();
      return held.map((row) => row.id);
    },

    async releaseLease(owner, jobId) {
      await db
        .updateTable("bulk_jobs")
        .set({ lease_owner: null, lease_until: 0 })
        .where("id", "=", jobId)
        .where("lease_owner", "=", owner)
        .execute();
    },

    async request(jobId, action) {
      const result = await db
        .updateTable("bulk_jobs")
        .set({ requested: action })
        .where("id", "=", jobId)
        .where("status", "in", REQUESTABLE_IN[action])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    takeRequests(owner) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom("bulk_jobs")
          .select(["id", "requested"])
          .where("lease_owner", "=", owner)
          .where("requested", "is not", null)
          .execute();
        const taken: { jobId: string; action: JobRequest }[] = [];
        for (const row of rows) {
          if (row.requested === null) continue;
          // Only the request read: one asked in between stays for the next heartbeat.
          await trx
            .updateTable("bulk_jobs")
            .set({ requested: null })
            .where("id", "=", row.id)
            .where("requested", "=", row.requested)
            .execute();
          taken.push({ jobId: row.id, action: row.requested });
        }
        return taken;
      });
    },
  };
}
