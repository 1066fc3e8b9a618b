import type { BulkItem, BulkItemState, BulkJob } from "../../shared/bulk-job";
import { BULK_ITEM_STATES } from "../../shared/bulk-job";
import type { SqliteDatabase } from "./database";

export interface NewJob {
  id: string;
  operator: string;
  email: string | null;
  serviceId: string;
  serviceName: string | null;
  concurrency: number;
  reason: string | null;
  errorDescription: string | null;
  errorUri: string | null;
  justification: string | null;
  items: { seq: number; ticketHash: string; ticketTail: string; reason: string }[];
}

export type JobRow = Omit<BulkJob, "counts" | "estimateSeconds" | "canRetry">;

export type ItemUpdate = Partial<
  Pick<BulkItem, "state" | "attempts" | "resultCode" | "action" | "upstreamStatus" | "error">
>;

const ITEM_FIELDS = `seq, ticket_tail AS ticketTail, ticket_hash AS ticketHash, reason, state,
  attempts, result_code AS resultCode, action, upstream_status AS upstreamStatus, error,
  updated_at AS updatedAt`;
const JOB_FIELDS = `id, service_id AS serviceId, service_name AS serviceName, operator,
  created_at AS createdAt, finished_at AS finishedAt, status, total, concurrency`;

export type StoredJob = JobRow & { counts: Record<BulkItemState, number> };

export interface JobSettings {
  reason: string | null;
  errorDescription: string | null;
  errorUri: string | null;
  justification: string | null;
  email: string | null;
}

/**
 * Bulk jobs and their tickets (a port), so that a reload finds a job and a restart can say
 * what became of every ticket. Tickets themselves are never stored, only their hash and tail.
 */
export interface BulkJobStore {
  create(job: NewJob): void;
  updateItem(jobId: string, seq: number, update: ItemUpdate): void;
  moveItems(jobId: string, from: BulkItemState, to: BulkItemState): BulkItem[];
  setStatus(jobId: string, status: BulkJob["status"], finished?: boolean): void;
  job(jobId: string): StoredJob | undefined;
  jobSettings(jobId: string): JobSettings | undefined;
  items(jobId: string, state: BulkItemState | undefined, offset: number, limit: number): BulkItem[];
  countItems(jobId: string, state: BulkItemState | undefined): number;
  recentJobs(limit: number): JobRow[];
  /** Jobs that were running or paused when the last process stopped. */
  unfinishedJobIds(): string[];
}

/** Bulk jobs in the console's SQLite database, beside the audit trail. */
export class SqliteBulkJobStore implements BulkJobStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(job: NewJob): void {
    const at = this.now().toISOString();
    const insertItem = this.db.prepare(
      `INSERT INTO bulk_items (job_id, seq, ticket_hash, ticket_tail, reason, state, updated_at)
       VALUES (?, ?, ?, ?, ?, 'queued', ?)`,
    );
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO bulk_jobs (id, created_at, operator, email, service_id, service_name, status,
             total, concurrency, reason, error_description, error_uri, justification)
           VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          job.id,
          at,
          job.operator,
          job.email,
          job.serviceId,
          job.serviceName,
          job.items.length,
          job.concurrency,
          job.reason,
          job.errorDescription,
          job.errorUri,
          job.justification,
        );
      for (const item of job.items) {
        insertItem.run(job.id, item.seq, item.ticketHash, item.ticketTail, item.reason, at);
      }
    })();
  }

  updateItem(jobId: string, seq: number, update: ItemUpdate): void {
    const columns: Record<keyof ItemUpdate, string> = {
      state: "state",
      attempts: "attempts",
      resultCode: "result_code",
      action: "action",
      upstreamStatus: "upstream_status",
      error: "error",
    };
    const sets = Object.keys(update).map((key) => `${columns[key as keyof ItemUpdate]} = @${key}`);
    this.db
      .prepare(
        `UPDATE bulk_items SET ${[...sets, "updated_at = @at"].join(", ")}
         WHERE job_id = @jobId AND seq = @seq`,
      )
      .run({ ...update, at: this.now().toISOString(), jobId, seq });
  }

  moveItems(jobId: string, from: BulkItemState, to: BulkItemState): BulkItem[] {
    const moved = this.items(jobId, from, 0, Number.MAX_SAFE_INTEGER);
    this.db
      .prepare("UPDATE bulk_items SET state = ?, updated_at = ? WHERE job_id = ? AND state = ?")
      .run(to, this.now().toISOString(), jobId, from);
    return moved;
  }

  setStatus(jobId: string, status: BulkJob["status"], finished = false): void {
    this.db
      .prepare("UPDATE bulk_jobs SET status = ?, finished_at = ? WHERE id = ?")
      .run(status, finished ? this.now().toISOString() : null, jobId);
  }

  job(jobId: string): StoredJob | undefined {
    const row = this.db.prepare(`SELECT ${JOB_FIELDS} FROM bulk_jobs WHERE id = ?`).get(jobId) as
      JobRow | undefined;
    if (!row) return undefined;
    const counts = Object.fromEntries(BULK_ITEM_STATES.map((state) => [state, 0])) as Record<
      BulkItemState,
      number
    >;
    const grouped = this.db
      .prepare("SELECT state, COUNT(*) AS n FROM bulk_items WHERE job_id = ? GROUP BY state")
      .all(jobId) as { state: BulkItemState; n: number }[];
    for (const { state, n } of grouped) counts[state] = n;
    return { ...row, counts };
  }

  jobSettings(jobId: string): JobSettings | undefined {
    return this.db
      .prepare(
        `SELECT reason, error_description AS errorDescription, error_uri AS errorUri,
           justification, email FROM bulk_jobs WHERE id = ?`,
      )
      .get(jobId) as JobSettings | undefined;
  }

  items(
    jobId: string,
    state: BulkItemState | undefined,
    offset: number,
    limit: number,
  ): BulkItem[] {
    return this.db
      .prepare(
        `SELECT ${ITEM_FIELDS} FROM bulk_items WHERE job_id = @jobId
           ${state ? "AND state = @state" : ""} ORDER BY seq LIMIT @limit OFFSET @offset`,
      )
      .all({ jobId, state, limit, offset }) as BulkItem[];
  }

  countItems(jobId: string, state: BulkItemState | undefined): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM bulk_items WHERE job_id = @jobId ${state ? "AND state = @state" : ""}`,
      )
      .get({ jobId, state }) as { n: number };
    return row.n;
  }

  recentJobs(limit: number): JobRow[] {
    return this.db
      .prepare(`SELECT ${JOB_FIELDS} FROM bulk_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(limit) as JobRow[];
  }

  unfinishedJobIds(): string[] {
    return (
      this.db.prepare("SELECT id FROM bulk_jobs WHERE status IN ('running', 'paused')").all() as {
        id: string;
      }[]
    ).map((row) => row.id);
  }
}
