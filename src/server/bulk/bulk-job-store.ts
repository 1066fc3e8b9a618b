import type { Updateable } from "kysely";
import type { BulkItem, BulkItemState, BulkJob } from "../../shared/bulk-job";
import { BULK_ITEM_STATES } from "../../shared/bulk-job";
import type { Role } from "../../shared/session";
import type { SqlDatabase } from "../db/database";
import type { BulkItemsTable } from "../db/schema";

export interface NewJob {
  id: string;
  operator: string;
  email: string | null;
  role: Role;
  serviceId: string;
  serviceName: string | null;
  concurrency: number;
  reason: string | null;
  errorDescription: string | null;
  errorUri: string | null;
  justification: string | null;
  /** Whose job it is (limits.ts): who may control it, and whose budgets it counts against. */
  ownerKey: string;
  /** The replica that runs it, and until when its lease holds. */
  lease: { owner: string; until: number };
  items: {
    seq: number;
    ticketHash: string;
    ticketTail: string;
    reason: string;
    /** The ticket sealed under TICKET_ENCRYPTION_KEY, when one is set. */
    sealed: string | null;
  }[];
}

export type JobRow = Omit<BulkJob, "counts" | "estimateSeconds" | "canRetry" | "canControl">;

export type ItemUpdate = Partial<
  Pick<BulkItem, "state" | "attempts" | "resultCode" | "action" | "upstreamStatus" | "error">
>;

export type StoredJob = JobRow & {
  counts: Record<BulkItemState, number>;
  leaseOwner: string | null;
  leaseUntil: number;
  /** Null for jobs started before owners were kept (migration 003). */
  ownerKey: string | null;
};

/** What a replica needs to go on with a job another one started. */
export interface JobSettings {
  ownerKey: string | null;
  operator: string;
  email: string | null;
  role: Role;
  serviceId: string;
  serviceName: string | null;
  reason: string | null;
  errorDescription: string | null;
  errorUri: string | null;
  justification: string | null;
}

/** An operator's action asked on a replica that does not run the job. */
export type JobRequest = "pause" | "resume" | "cancel";

/** States in which a ticket can never be sent again by its job: its sealed copy goes. */
const DONE_WITH_TICKET: readonly BulkItemState[] = ["succeeded", "not-attempted", "interrupted"];

const ITEM_SELECTION = [
  "seq",
  "ticket_tail as ticketTail",
  "ticket_hash as ticketHash",
  "reason",
  "state",
  "attempts",
  "result_code as resultCode",
  "action",
  "upstream_status as upstreamStatus",
  "error",
  "updated_at as updatedAt",
] as const;
const JOB_SELECTION = [
  "id",
  "service_id as serviceId",
  "service_name as serviceName",
  "operator",
  "created_at as createdAt",
  "finished_at as finishedAt",
  "status",
  "total",
  "concurrency",
] as const;

/**
 * Bulk jobs and their tickets (a port), so that a reload finds a job, any replica can show it,
 * and a replica can go on with a job another one started. A ticket is stored only sealed, and
 * only while its job may still send it; its hash and tail stay.
 */
export interface BulkJobStore {
  create(job: NewJob): Promise<void>;
  updateItem(jobId: string, seq: number, update: ItemUpdate): Promise<void>;
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
  setStatus(jobId: string, status: BulkJob["status"], finished?: boolean): Promise<void>;
  job(jobId: string): Promise<StoredJob | undefined>;
  /** Cancelled jobs that still have queued tickets: a cancel a crash cut short. */
  cancelledWithQueued(): Promise<string[]>;
  /** Unfinished (running or paused) jobs of one owner, for BULK_MAX_OPEN_JOBS. */
  openJobsOf(ownerKey: string): Promise<number>;
  jobSettings(jobId: string): Promise<JobSettings | undefined>;
  items(
    jobId: string,
    state: BulkItemState | undefined,
    offset: number,
    limit: number,
  ): Promise<BulkItem[]>;
  countItems(jobId: string, state: BulkItemState | undefined): Promise<number>;
  recentJobs(limit: number): Promise<JobRow[]>;
  /** The sealed tickets of a job's items in one state, by sequence number. */
  sealedTickets(jobId: string, state: BulkItemState): Promise<Map<number, string>>;
  /** Wipes the sealed tickets of jobs that ended before `endedBefore` (ISO time). */
  wipeSealedTickets(endedBefore: string): Promise<number>;

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

const UNFINISHED = ["running", "paused"] as const;
/** What each request needs the job to be, as when the replica running it is asked directly. */
const REQUESTABLE_IN = {
  pause: ["running"],
  resume: ["paused"],
  cancel: UNFINISHED,
} as const satisfies Record<JobRequest, readonly string[]>;

/** Bulk jobs in the console's database (SQLite or PostgreSQL), beside the audit trail. */
export class SqlBulkJobStore implements BulkJobStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly dialect: "sqlite" | "postgres",
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(job: NewJob): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("bulk_jobs")
        .values({
          id: job.id,
          created_at: at,
          operator: job.operator,
          email: job.email,
          role: job.role,
          service_id: job.serviceId,
          service_name: job.serviceName,
          status: "running",
          total: job.items.length,
          concurrency: job.concurrency,
          reason: job.reason,
          error_description: job.errorDescription,
          error_uri: job.errorUri,
          justification: job.justification,
          owner_key: job.ownerKey,
          lease_owner: job.lease.owner,
          lease_until: job.lease.until,
          requested: null,
        })
        .execute();
      // In chunks: SQLite allows at most 32,766 bound values per statement.
      for (let start = 0; start < job.items.length; start += 1000) {
        await trx
          .insertInto("bulk_items")
          .values(
            job.items.slice(start, start + 1000).map((item) => ({
              job_id: job.id,
              seq: item.seq,
              ticket_hash: item.ticketHash,
              ticket_tail: item.ticketTail,
              ticket_sealed: item.sealed,
              reason: item.reason,
              state: "queued",
              updated_at: at,
            })),
          )
          .execute();
      }
    });
  }

  async updateItem(jobId: string, seq: number, update: ItemUpdate): Promise<void> {
    const set: Updateable<BulkItemsTable> = { updated_at: this.now().toISOString() };
    if (update.state !== undefined) set.state = update.state;
    if (update.attempts !== undefined) set.attempts = update.attempts;
    if (update.resultCode !== undefined) set.result_code = update.resultCode;
    if (update.action !== undefined) set.action = update.action;
    if (update.upstreamStatus !== undefined) set.upstream_status = update.upstreamStatus;
    if (update.error !== undefined) set.error = update.error;
    if (update.state !== undefined && DONE_WITH_TICKET.includes(update.state)) {
      set.ticket_sealed = null;
    }
    await this.db
      .updateTable("bulk_items")
      .set(set)
      .where("job_id", "=", jobId)
      .where("seq", "=", seq)
      .execute();
  }

  async moveItems(
    jobId: string,
    from: BulkItemState,
    to: BulkItemState,
    chunk?: { limit: number; afterSeq: number },
  ): Promise<BulkItem[]> {
    return this.db.transaction().execute(async (trx) => {
      let chosen = trx
        .selectFrom("bulk_items")
        .select(ITEM_SELECTION)
        .where("job_id", "=", jobId)
        .where("state", "=", from)
        .orderBy("seq");
      if (chunk) chosen = chosen.where("seq", ">", chunk.afterSeq).limit(chunk.limit);
      // Two replicas finishing the same cancel never take the same tickets.
      if (this.dialect === "postgres") chosen = chosen.forUpdate().skipLocked();
      const moved = (await chosen.execute()) as BulkItem[];
      if (moved.length === 0) return moved;
      let update = trx
        .updateTable("bulk_items")
        .set({
          state: to,
          updated_at: this.now().toISOString(),
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
  }

  async setStatus(jobId: string, status: BulkJob["status"], finished = false): Promise<void> {
    await this.db
      .updateTable("bulk_jobs")
      .set({ status, finished_at: finished ? this.now().toISOString() : null })
      .where("id", "=", jobId)
      .execute();
    if (status === "cancelled") {
      // A cancelled job sends nothing again: its tickets go at once.
      await this.db
        .updateTable("bulk_items")
        .set({ ticket_sealed: null })
        .where("job_id", "=", jobId)
        .where("ticket_sealed", "is not", null)
        .execute();
    }
  }

  async job(jobId: string): Promise<StoredJob | undefined> {
    const row = await this.db
      .selectFrom("bulk_jobs")
      .select([
        ...JOB_SELECTION,
        "lease_owner as leaseOwner",
        "lease_until as leaseUntil",
        "owner_key as ownerKey",
      ])
      .where("id", "=", jobId)
      .executeTakeFirst();
    if (!row) return undefined;
    const counts = Object.fromEntries(BULK_ITEM_STATES.map((state) => [state, 0])) as Record<
      BulkItemState,
      number
    >;
    const grouped = await this.db
      .selectFrom("bulk_items")
      .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
      .where("job_id", "=", jobId)
      .groupBy("state")
      .execute();
    for (const { state, n } of grouped) counts[state as BulkItemState] = Number(n);
    return {
      ...(row as unknown as JobRow & Pick<StoredJob, "leaseOwner" | "leaseUntil" | "ownerKey">),
      counts,
    };
  }

  async cancelledWithQueued(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("bulk_jobs")
      .select("id")
      .where("status", "=", "cancelled")
      .where("id", "in", (eb) =>
        eb.selectFrom("bulk_items").select("job_id").where("state", "=", "queued"),
      )
      .execute();
    return rows.map((row) => row.id);
  }

  async openJobsOf(ownerKey: string): Promise<number> {
    const row = await this.db
      .selectFrom("bulk_jobs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("owner_key", "=", ownerKey)
      .where("status", "in", ["running", "paused"])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async jobSettings(jobId: string): Promise<JobSettings | undefined> {
    const row = await this.db
      .selectFrom("bulk_jobs")
      .select([
        "owner_key as ownerKey",
        "operator",
        "email",
        "role",
        "service_id as serviceId",
        "service_name as serviceName",
        "reason",
        "error_description as errorDescription",
        "error_uri as errorUri",
        "justification",
      ])
      .where("id", "=", jobId)
      .executeTakeFirst();
    return row ? { ...row, role: (row.role ?? "operator") as Role } : undefined;
  }

  async items(
    jobId: string,
    state: BulkItemState | undefined,
    offset: number,
    limit: number,
  ): Promise<BulkItem[]> {
    let query = this.db.selectFrom("bulk_items").select(ITEM_SELECTION).where("job_id", "=", jobId);
    if (state) query = query.where("state", "=", state);
    return (await query.orderBy("seq").limit(limit).offset(offset).execute()) as BulkItem[];
  }

  async countItems(jobId: string, state: BulkItemState | undefined): Promise<number> {
    let query = this.db
      .selectFrom("bulk_items")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("job_id", "=", jobId);
    if (state) query = query.where("state", "=", state);
    const { n } = await query.executeTakeFirstOrThrow();
    return Number(n);
  }

  async recentJobs(limit: number): Promise<JobRow[]> {
    return (await this.db
      .selectFrom("bulk_jobs")
      .select(JOB_SELECTION)
      .orderBy("created_at", "desc")
      .orderBy("id")
      .limit(limit)
      .execute()) as JobRow[];
  }

  async sealedTickets(jobId: string, state: BulkItemState): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom("bulk_items")
      .select(["seq", "ticket_sealed"])
      .where("job_id", "=", jobId)
      .where("state", "=", state)
      .where("ticket_sealed", "is not", null)
      .execute();
    return new Map(rows.map((row) => [row.seq, row.ticket_sealed!]));
  }

  async wipeSealedTickets(endedBefore: string): Promise<number> {
    const result = await this.db
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
  }

  async claimOrphan(
    owner: string,
    until: number,
    now: number,
    any: boolean,
  ): Promise<string | undefined> {
    return this.db.transaction().execute(async (trx) => {
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
      if (this.dialect === "postgres") query = query.forUpdate().skipLocked();
      const orphan = await query.executeTakeFirst();
      if (!orphan) return undefined;
      await trx
        .updateTable("bulk_jobs")
        .set({ lease_owner: owner, lease_until: until })
        .where("id", "=", orphan.id)
        .execute();
      return orphan.id;
    });
  }

  async claimEnded(jobId: string, owner: string, until: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable("bulk_jobs")
      .set({ lease_owner: owner, lease_until: until, status: "running", finished_at: null })
      .where("id", "=", jobId)
      .where("status", "in", ["finished", "interrupted"])
      .where((eb) => eb.or([eb("lease_until", "<", now), eb("lease_owner", "=", owner)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async renewLeases(owner: string, jobIds: string[], until: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const held = await this.db
      .updateTable("bulk_jobs")
      .set({ lease_until: until })
      .where("id", "in", jobIds)
      .where("lease_owner", "=", owner)
      .returning("id")
      .execute();
    return held.map((row) => row.id);
  }

  async releaseLease(owner: string, jobId: string): Promise<void> {
    await this.db
      .updateTable("bulk_jobs")
      .set({ lease_owner: null, lease_until: 0 })
      .where("id", "=", jobId)
      .where("lease_owner", "=", owner)
      .execute();
  }

  async request(jobId: string, action: JobRequest): Promise<boolean> {
    const result = await this.db
      .updateTable("bulk_jobs")
      .set({ requested: action })
      .where("id", "=", jobId)
      .where("status", "in", REQUESTABLE_IN[action])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async takeRequests(owner: string): Promise<{ jobId: string; action: JobRequest }[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("bulk_jobs")
        .select(["id", "requested"])
        .where("lease_owner", "=", owner)
        .where("requested", "is not", null)
        .execute();
      for (const row of rows) {
        // Only the request read: one asked in between stays for the next heartbeat.
        await trx
          .updateTable("bulk_jobs")
          .set({ requested: null })
          .where("id", "=", row.id)
          .where("requested", "=", row.requested)
          .execute();
      }
      return rows.map((row) => ({ jobId: row.id, action: row.requested as JobRequest }));
    });
  }
}
