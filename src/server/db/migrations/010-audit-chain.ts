import { sql } from "kysely";
import type { Kysely, Migration } from "kysely";

/**
 * Step 010 (issue 22): the audit trail as a hash chain. A record enters the chain once it can no
 * longer change (`closes_at` has passed); it then gets its own sequence number and the hash that
 * links it to the one before (audit-chain/chain-link.ts).
 */
export const auditChain: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("audit_events").addColumn("closes_at", "text").execute();
    await db.schema.alterTable("audit_events").addColumn("chain_seq", "integer").execute();
    await db.schema.alterTable("audit_events").addColumn("chain_hash", "text").execute();
    // Records written before: final ones close when they were written, in their order.
    await sql`update audit_events set closes_at = at where outcome <> 'pending'`.execute(db);
    // One record per position, found by position (the verifier reads the chain in order).
    await db.schema
      .createIndex("audit_events_chain_seq")
      .unique()
      .on("audit_events")
      .column("chain_seq")
      .execute();
    // What the sealer asks: the closed records not yet in the chain, oldest first.
    await db.schema
      .createIndex("audit_events_unchained")
      .on("audit_events")
      .columns(["closes_at", "id"])
      .where(sql.ref("chain_seq"), "is", null)
      .execute();
  },
};
