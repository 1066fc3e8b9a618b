import type { BulkItemState, BulkJob } from "../../shared/bulk-job";
import { BULK_ITEM_STATES } from "../../shared/bulk-job";
import { DELIVERY_STATES } from "../../shared/end-outcome";
import type { DeliveryState } from "../../shared/end-outcome";
import type { BulkAction } from "../../shared/ticket-list";
import type { Role } from "../../shared/session";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { ConsoleSchema } from "../db/schema";
import type { Store } from "../db/store";

import type { JobCaller, NewJob } from "./new-job";

export type { JobCaller, NewJob };

export type StoredJob = Omit<
  BulkJob,
  "estimateSeconds" | "canRetry" | "retryUntil" | "canControl"
> & {
  leaseOwner: string | null;
  leaseUntil: number;
  /** Null for jobs started before owners were kept (migration 003). */
  ownerKey: string | null;
};

/** What a replica needs to go on with a job another one started. */
export interface JobSettings extends JobCaller {
  ownerKey: string | null;
  operator: string;
  email: string | null;
  role: Role;
  serviceId: string;
  serviceName: string | null;
  action: BulkAction;
  deliverNotifications: boolean;
  reason: string | null;
  errorDescription: string | null;
  errorUri: string | null;
  justification: string | null;
}

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
  "lease_owner as leaseOwner",
  "lease_until as leaseUntil",
  "owner_key as ownerKey",
  "action",
] as const;

/** The jobs themselves (a port, part of BulkJobStore). */
export interface JobRows {
  /**
   * Stores a job unless its owner already has `maxOpenJobs` unfinished ones: counted and
   * inserted in one transaction, under a per-owner advisory lock on PostgreSQL (SQLite's one
   * writer serializes it), so parallel starts on any replicas cannot pass the limit together.
   */
  create(job: NewJob, maxOpenJobs?: number): Promise<{ ok: true } | { ok: false; open: number }>;
  setStatus(jobId: string, status: BulkJob["status"], finished?: boolean): Promise<void>;
  job(jobId: string): Promise<StoredJob | undefined>;
  /** The newest jobs with their counts, in two queries however many there are. */
  recentJobs(limit: number): Promise<StoredJob[]>;
  /** Cancelled jobs that still have queued tickets: a cancel a crash cut short. */
  cancelledWithQueued(): Promise<string[]>;
  /** Unfinished (running or paused) jobs of one owner, for BULK_MAX_OPEN_JOBS. */
  openJobsOf(ownerKey: string): Promise<number>;
  jobSettings(jobId: string): Promise<JobSettings | undefined>;
}

async function countOpenJobs(db: Kysely<ConsoleSchema>, ownerKey: string): Promise<number> {
  const row = await db
    .selectFrom("bulk_jobs")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("owner_key", "=", ownerKey)
    .where("status", "in", ["running", "paused"])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function jobRows({ db, clock, dialect }: Store): JobRows {
  /** The jobs' tickets counted by state and notification: one grouped query for all of them. */
  async function withCounts<T extends { id: string }>(
    jobs: T[],
  ): Promise<(T & Pick<BulkJob, "counts" | "notifications">)[]> {
    if (jobs.length === 0) return [];
    const grouped = await db
      .selectFrom("bulk_items")
      .select(["job_id", "state", "notification", (eb) => eb.fn.countAll<number>().as("n")])
      .where(
        "job_id",
        "in",
        jobs.map((job) => job.id),
      )
      .groupBy(["job_id", "state", "notification"])
      .execute();
    const zero = () =>
      Object.fromEntries(BULK_ITEM_STATES.map((state) => [state, 0])) as Record<
        BulkItemState,
        number
      >;
    const none = () =>
      Object.fromEntries(DELIVERY_STATES.map((state) => [state, 0])) as Record<
        DeliveryState,
        number
      >;
    const counts = new Map(jobs.map((job) => [job.id, zero()]));
    const notifications = new Map(jobs.map((job) => [job.id, none()]));
    for (const { job_id, state, notification, n } of grouped) {
      counts.get(job_id)![state] += Number(n);
      if (notification) notifications.get(job_id)![notification] += Number(n);
    }
    return jobs.map((job) => ({
      ...job,
      counts: counts.get(job.id)!,
      notifications: notifications.get(job.id)!,
    }));
  }

  return {
    async create(job, maxOpenJobs = Number.MAX_SAFE_INTEGER) {
      const at = clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        if (dialect === "postgres") {
          await sql`select pg_advisory_xact_lock(hashtext(${`bulk-open-jobs:${job.ownerKey}`}))`.execute(
            trx,
          );
        }
        const open = await countOpenJobs(trx, job.ownerKey);
        if (open >= maxOpenJobs) return { ok: false as const, open };
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
            action: job.action,
            deliver_notifications: job.deliverNotifications ? 1 : 0,
            status: "running",
            total: job.items.length,
            concurrency: job.concurrency,
            reason: job.reason,
            error_description: job.errorDescription,
            error_uri: job.errorUri,
            justification: job.justification,
            owner_key: job.ownerKey,
            request_id: job.requestId,
            caller_request_id: job.callerRequestId,
            client_address: job.clientAddress,
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
                line: item.line,
                ticket_hash: item.ticketHash,
                ticket_tail: item.ticketTail,
                ticket_sealed: item.sealed,
                reason: item.reason,
                state: "queued" as const,
                updated_at: at,
              })),
            )
            .execute();
        }
        return { ok: true as const };
      });
    },

    async setStatus(jobId, status, finished = false) {
      await db
        .updateTable("bulk_jobs")
        .set({ status, finished_at: finished ? clock.now().toISOString() : null })
        .where("id", "=", jobId)
        .execute();
      if (status === "cancelled") {
        // A cancelled job sends nothing again: its tickets go at once.
        await db
          .updateTable("bulk_items")
          .set({ ticket_sealed: null })
          .where("job_id", "=", jobId)
          .where("ticket_sealed", "is not", null)
          .execute();
      }
    },

    async job(jobId) {
      const row = await db
        .selectFrom("bulk_jobs")
        .select(JOB_SELECTION)
        .where("id", "=", jobId)
        .executeTakeFirst();
      return row && (await withCounts([row]))[0];
    },

    async recentJobs(limit) {
      const rows = await db
        .selectFrom("bulk_jobs")
        .select(JOB_SELECTION)
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(limit)
        .execute();
      return withCounts(rows);
    },

    async cancelledWithQueued() {
      const rows = await db
        .selectFrom("bulk_jobs")
        .select("id")
        .where("status", "=", "cancelled")
        .where("id", "in", (eb) =>
          eb.selectFrom("bulk_items").select("job_id").where("state", "=", "queued"),
        )
        .execute();
      return rows.map((row) => row.id);
    },

    async openJobsOf(ownerKey) {
      return countOpenJobs(db, ownerKey);
    },

    async jobSettings(jobId) {
      const row = await db
        .selectFrom("bulk_jobs")
        .select([
          "owner_key as ownerKey",
          "operator",
          "email",
          "role",
          "service_id as serviceId",
          "service_name as serviceName",
          "action",
          "deliver_notifications as deliverNotifications",
          "reason",
          "error_description as errorDescription",
          "error_uri as errorUri",
          "justification",
          "request_id as requestId",
          "caller_request_id as callerRequestId",
          "client_address as clientAddress",
        ])
        .where("id", "=", jobId)
        .executeTakeFirst();
      return row
        ? {
            ...row,
            role: row.role ?? "operator",
            deliverNotifications: Boolean(row.deliverNotifications),
          }
        : undefined;
    },
  };
}
