import { PostgresAdapter, sql } from "kysely";
import type { Kysely, Migration } from "kysely";
import { securityReview } from "./migrations/007-security-review";
import { pageReview } from "./migrations/008-page-review";
import { approvals } from "./migrations/009-approvals";
import { auditChain } from "./migrations/010-audit-chain";
import { auditStream } from "./migrations/011-audit-stream";
import { serviceFilters } from "./migrations/012-service-filters";

/**
 * The schema, for SQLite and PostgreSQL alike, one named step each; Kysely's Migrator runs the
 * missing ones at start under its lock (an advisory lock on PostgreSQL), so replicas starting
 * together do not race. Append, never edit.
 *
 * Step 001 is the schema consoles before PostgreSQL support made with `PRAGMA user_version`
 * (see database.ts), written with IF NOT EXISTS so that their files carry on.
 */
export const MIGRATIONS: Record<string, Migration> = {
  "001-audit-and-bulk-jobs": {
    async up(db: Kysely<unknown>) {
      const postgres = isPostgres(db);
      await db.schema
        .createTable("audit_events")
        .ifNotExists()
        .addColumn("id", "integer", (column) =>
          postgres
            ? column.primaryKey().generatedAlwaysAsIdentity()
            : column.primaryKey().autoIncrement(),
        )
        .addColumn("at", "text", (column) => column.notNull())
        .addColumn("kind", "text", (column) => column.notNull())
        .addColumn("outcome", "text", (column) => column.notNull())
        .addColumn("operator", "text", (column) => column.notNull())
        .addColumn("email", "text")
        .addColumn("role", "text")
        .addColumn("service_id", "text")
        .addColumn("target", "text")
        .addColumn("ticket_hash", "text")
        .addColumn("ticket_tail", "text")
        .addColumn("reason", "text")
        .addColumn("error_description", "text")
        .addColumn("error_uri", "text")
        .addColumn("justification", "text")
        .addColumn("result_code", "text")
        .addColumn("action", "text")
        .addColumn("upstream_status", "integer")
        .addColumn("duration_ms", "integer")
        .addColumn("request_id", "text")
        .addColumn("detail", "text")
        .addColumn("job_id", "text")
        .execute();
      const index = (name: string, ...columns: string[]) =>
        db.schema.createIndex(name).ifNotExists().on("audit_events").columns(columns).execute();
      await index("audit_events_at", "at");
      await index("audit_events_ticket", "ticket_hash");
      await index("audit_events_service", "service_id", "id");
      await index("audit_events_operator", "operator", "id");

      await db.schema
        .createTable("bulk_jobs")
        .ifNotExists()
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("created_at", "text", (column) => column.notNull())
        .addColumn("finished_at", "text")
        .addColumn("operator", "text", (column) => column.notNull())
        .addColumn("email", "text")
        .addColumn("service_id", "text", (column) => column.notNull())
        .addColumn("service_name", "text")
        .addColumn("status", "text", (column) => column.notNull())
        .addColumn("total", "integer", (column) => column.notNull())
        .addColumn("concurrency", "integer", (column) => column.notNull())
        .addColumn("reason", "text")
        .addColumn("error_description", "text")
        .addColumn("error_uri", "text")
        .addColumn("justification", "text")
        .execute();
      await db.schema
        .createTable("bulk_items")
        .ifNotExists()
        .addColumn("job_id", "text", (column) => column.notNull().references("bulk_jobs.id"))
        .addColumn("seq", "integer", (column) => column.notNull())
        .addColumn("ticket_hash", "text", (column) => column.notNull())
        .addColumn("ticket_tail", "text", (column) => column.notNull())
        .addColumn("reason", "text", (column) => column.notNull())
        .addColumn("state", "text", (column) => column.notNull())
        .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
        .addColumn("result_code", "text")
        .addColumn("action", "text")
        .addColumn("upstream_status", "integer")
        .addColumn("error", "text")
        .addColumn("updated_at", "text", (column) => column.notNull())
        .addPrimaryKeyConstraint("bulk_items_pk", ["job_id", "seq"])
        .execute();
      await db.schema
        .createIndex("bulk_items_state")
        .ifNotExists()
        .on("bulk_items")
        .columns(["job_id", "state"])
        .execute();
    },
  },

  // Issue 10: replicas share sessions, limits and jobs; jobs have a lease and may keep their
  // tickets sealed; every Audit log filter has an index that also serves ORDER BY id DESC.
  "002-shared-state-and-leases": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("audit_events").addColumn("client_address", "text").execute();
      await db.schema
        .createTable("audit_people")
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("email", "text", (column) => column.notNull())
        .addPrimaryKeyConstraint("audit_people_pk", ["name", "email"])
        .execute();
      await sql`INSERT INTO audit_people (name, email)
        SELECT DISTINCT operator, coalesce(email, '') FROM audit_events`.execute(db);
      await db.schema.alterTable("bulk_jobs").addColumn("role", "text").execute();
      await db.schema.alterTable("bulk_jobs").addColumn("lease_owner", "text").execute();
      await db.schema
        .alterTable("bulk_jobs")
        .addColumn("lease_until", "bigint", (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable("bulk_jobs").addColumn("requested", "text").execute();
      await db.schema.alterTable("bulk_items").addColumn("ticket_sealed", "text").execute();
      await db.schema
        .createIndex("bulk_jobs_status")
        .on("bulk_jobs")
        .columns(["status", "lease_until"])
        .execute();
      await db.schema
        .createIndex("bulk_jobs_created")
        .on("bulk_jobs")
        .columns(["created_at"])
        .execute();

      const index = (name: string, ...columns: string[]) =>
        db.schema.createIndex(name).on("audit_events").columns(columns).execute();
      await index("audit_events_kind", "kind", "id");
      await index("audit_events_outcome", "outcome", "id");
      await index("audit_events_reason", "reason", "id");
      await index("audit_events_job", "job_id", "id");
      await index("audit_events_kind_outcome", "kind", "outcome", "id");

      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (column) => column.primaryKey())
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("email", "text")
        .addColumn("role", "text", (column) => column.notNull())
        .addColumn("created_at", "bigint", (column) => column.notNull())
        .addColumn("last_seen_at", "bigint", (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex("sessions_last_seen")
        .on("sessions")
        .column("last_seen_at")
        .execute();

      await db.schema
        .createTable("rate_limit_buckets")
        .addColumn("key", "text", (column) => column.notNull())
        .addColumn("bucket", "bigint", (column) => column.notNull())
        .addColumn("count", "integer", (column) => column.notNull())
        .addPrimaryKeyConstraint("rate_limit_buckets_pk", ["key", "bucket"])
        .execute();
      await db.schema
        .createTable("sign_in_failures")
        .addColumn("client", "text", (column) => column.primaryKey())
        .addColumn("failures", "integer", (column) => column.notNull())
        .addColumn("updated_at", "bigint", (column) => column.notNull())
        .execute();
      await db.schema
        .createTable("console_instances")
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("host", "text", (column) => column.notNull())
        .addColumn("pid", "integer", (column) => column.notNull())
        .addColumn("heartbeat_at", "bigint", (column) => column.notNull())
        .execute();
    },
  },
  "003-verified-people-and-budgets": {
    async up(db: Kysely<unknown>) {
      // Whether the record's name was proven (an account or OIDC), and the caller's own id.
      await db.schema.alterTable("audit_events").addColumn("name_verified", "integer").execute();
      await db.schema.alterTable("audit_events").addColumn("caller_request_id", "text").execute();
      // Who a session is, beyond its display name: absent for a name typed with the shared code.
      await db.schema.alterTable("sessions").addColumn("subject", "text").execute();
      // Who may control a job (with a supervisor), and whose budgets it counts against.
      await db.schema.alterTable("bulk_jobs").addColumn("owner_key", "text").execute();
      await db.schema
        .createIndex("bulk_jobs_owner")
        .on("bulk_jobs")
        .columns(["owner_key", "status"])
        .execute();
      // The sign-in throttle counts per key (an address or an account) and window, and keeps
      // the one audit record of the window's refusals.
      await db.schema.dropTable("sign_in_failures").execute();
      await db.schema
        .createTable("sign_in_attempts")
        .addColumn("key", "text", (column) => column.primaryKey())
        .addColumn("failures", "integer", (column) => column.notNull())
        .addColumn("window_start", "bigint", (column) => column.notNull())
        .addColumn("audit_id", "integer")
        .execute();
    },
  },
  "004-job-callers": {
    async up(db: Kysely<unknown>) {
      // The request that started a job: its tickets' records name it, as a single fail's does.
      for (const column of ["request_id", "caller_request_id", "client_address"]) {
        await db.schema.alterTable("bulk_jobs").addColumn(column, "text").execute();
      }
    },
  },
  "005-ending-issued-requests": {
    async up(db: Kysely<unknown>) {
      // An end's delivery mode, its auth_req_id as hash and tail, and its notification's fate.
      for (const column of [
        "delivery_mode",
        "auth_req_id_hash",
        "auth_req_id_tail",
        "notification",
      ]) {
        await db.schema.alterTable("audit_events").addColumn(column, "text").execute();
      }
      await db.schema
        .alterTable("bulk_jobs")
        .addColumn("action", "text", (column) => column.notNull().defaultTo("fail"))
        .execute();
      await db.schema
        .alterTable("bulk_jobs")
        .addColumn("deliver_notifications", "integer", (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable("bulk_items").addColumn("notification", "text").execute();
      await db.schema
        .createTable("held_notifications")
        .ifNotExists()
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("service_id", "text", (column) => column.notNull())
        .addColumn("owner_key", "text", (column) => column.notNull())
        .addColumn("end_audit_id", "integer", (column) => column.notNull())
        .addColumn("expires_at", "bigint", (column) => column.notNull())
        .addColumn("sealed", "text", (column) => column.notNull())
        .execute();
    },
  },

  "006-qa-lab": {
    async up(db: Kysely<unknown>) {
      // A run's report as JSON (secrets as tails only), the last 20 per service.
      await db.schema
        .createTable("lab_runs")
        .ifNotExists()
        .addColumn("id", "text", (column) => column.primaryKey())
        .addColumn("service_id", "text", (column) => column.notNull())
        .addColumn("owner_key", "text", (column) => column.notNull())
        .addColumn("started_at", "text", (column) => column.notNull())
        .addColumn("state", "text", (column) => column.notNull())
        .addColumn("report", "text", (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex("lab_runs_service")
        .ifNotExists()
        .on("lab_runs")
        .columns(["service_id", "started_at"])
        .execute();
      // The notification a lab cell expects, by its client notification token's hash; the
      // receiver fills it in (on whichever replica the notification lands).
      await db.schema
        .createTable("lab_notifications")
        .ifNotExists()
        .addColumn("token_hash", "text", (column) => column.primaryKey())
        .addColumn("expires_at", "bigint", (column) => column.notNull())
        .addColumn("received_at", "text")
        .addColumn("body", "text")
        .execute();
    },
  },
  "007-security-review": securityReview,
  "008-page-review": pageReview,
  "009-approvals": approvals,
  "010-audit-chain": auditChain,
  "011-audit-stream": auditStream,
  "012-service-filters": serviceFilters,
};

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
