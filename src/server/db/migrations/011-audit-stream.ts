import type { Kysely, Migration } from "kysely";

/**
 * Step 011 (issue 22, part 2): the audit stream. Each sink is a cursor over the chain's
 * sequence (the last `chain_seq` it received) with a lease, so one replica sends to it at a
 * time; signed checkpoints wait here for the sinks (each sink has its own checkpoint cursor).
 */
export const auditStream: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("audit_sinks")
      .addColumn("name", "text", (column) => column.primaryKey())
      .addColumn("cursor", "bigint", (column) => column.notNull().defaultTo(0))
      .addColumn("checkpoint_cursor", "bigint", (column) => column.notNull().defaultTo(0))
      .addColumn("lease_owner", "text")
      .addColumn("lease_until", "bigint", (column) => column.notNull().defaultTo(0))
      .addColumn("failing_since", "text")
      .addColumn("last_error", "text")
      .addColumn("delivered_at", "text")
      .execute();
    await db.schema
      .createTable("audit_checkpoints")
      .addColumn("seq", "bigint", (column) => column.primaryKey())
      .addColumn("checkpoint", "text", (column) => column.notNull())
      .execute();
  },
};
