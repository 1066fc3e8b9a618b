import type { Kysely, Migration } from "kysely";

/**
 * Step 008 (issue 20's page review): each bulk ticket keeps the line it was pasted on, and the
 * audit log is searched by the ticket tails its pages show.
 */
export const pageReview: Migration = {
  async up(db: Kysely<unknown>) {
    // Null for tickets of jobs started before, and for jobs started through the API without it.
    await db.schema.alterTable("bulk_items").addColumn("line", "integer").execute();
    // Newest first within one tail, like every other filter's index.
    await db.schema
      .createIndex("audit_events_ticket_tail")
      .ifNotExists()
      .on("audit_events")
      .columns(["ticket_tail", "id"])
      .execute();
  },
};
