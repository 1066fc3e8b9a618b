import type { Kysely, Migration } from "kysely";

/** Step 008 (issue 20's page review): each bulk ticket keeps the line it was pasted on. */
export const pageReview: Migration = {
  async up(db: Kysely<unknown>) {
    // Null for tickets of jobs started before, and for jobs started through the API without it.
    await db.schema.alterTable("bulk_items").addColumn("line", "integer").execute();
  },
};
