import type { Kysely, Migration } from "kysely";

/** Step 007 (issue 19's security review): session grants, refusal windows, pending OIDC sign-ins. */
export const securityReview: Migration = {
  async up(db: Kysely<unknown>) {
    // What a session was granted from: its account entry's fingerprint (role and code hash,
    // or the shared code's), or for OpenID Connect the claims its role is computed from.
    await db.schema.alterTable("sessions").addColumn("fingerprint", "text").execute();
    await db.schema.alterTable("sessions").addColumn("claims", "text").execute();
    // The window's refusal record keeps its first reason and the distinct names tried.
    await db.schema.alterTable("sign_in_attempts").addColumn("first_detail", "text").execute();
    await db.schema.alterTable("sign_in_attempts").addColumn("names", "text").execute();
    // OpenID Connect sign-ins between the redirect out and the one back, on any replica.
    await db.schema
      .createTable("oidc_pending")
      .ifNotExists()
      .addColumn("id_hash", "text", (column) => column.primaryKey())
      .addColumn("address", "text", (column) => column.notNull())
      .addColumn("code_verifier", "text", (column) => column.notNull())
      .addColumn("state", "text", (column) => column.notNull())
      .addColumn("nonce", "text", (column) => column.notNull())
      .addColumn("created_at", "bigint", (column) => column.notNull())
      .addColumn("expires_at", "bigint", (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex("oidc_pending_address")
      .ifNotExists()
      .on("oidc_pending")
      .columns(["address", "created_at"])
      .execute();
  },
};
