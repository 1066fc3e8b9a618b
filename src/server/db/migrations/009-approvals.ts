import type { Kysely, Migration } from "kysely";

/**
 * Step 009 (issue 21): four-eyes approval requests, and the two columns that let an action's
 * record name its approval and the person who gave it.
 */
export const approvals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("approvals")
      .addColumn("id", "text", (column) => column.primaryKey())
      .addColumn("kind", "text", (column) => column.notNull())
      .addColumn("state", "text", (column) => column.notNull())
      .addColumn("service_id", "text", (column) => column.notNull())
      .addColumn("requester", "text", (column) => column.notNull())
      .addColumn("requester_key", "text", (column) => column.notNull())
      .addColumn("requested_at", "text", (column) => column.notNull())
      .addColumn("expires_at", "bigint", (column) => column.notNull())
      .addColumn("justification", "text")
      .addColumn("summary", "text", (column) => column.notNull())
      .addColumn("sealed", "text")
      .addColumn("decided_by", "text")
      .addColumn("decided_at", "text")
      .addColumn("reject_reason", "text")
      .addColumn("break_glass", "integer", (column) => column.notNull().defaultTo(0))
      .addColumn("break_glass_justification", "text")
      .addColumn("acknowledged_by", "text")
      .addColumn("result", "text")
      .execute();
    // The Approvals page lists the waiting ones first; expiry sweeps them by time.
    await db.schema
      .createIndex("approvals_state_expiry")
      .on("approvals")
      .columns(["state", "expires_at"])
      .execute();
    await db.schema.alterTable("audit_events").addColumn("approval_id", "text").execute();
    await db.schema.alterTable("audit_events").addColumn("approved_by", "text").execute();
  },
};
