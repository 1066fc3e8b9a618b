import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../db/store";

/** A started OpenID Connect sign-in: what the redirect back must match. */
export interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** How long a sign-in may take at the provider. */
export const PENDING_TTL_MS = 10 * 60_000;
/** Started sign-ins kept per client address: the newest; older ones are forgotten. */
export const MAX_PENDING_PER_ADDRESS = 20;

/**
 * Started sign-ins in the console's database (decision 017), so that the redirect back may land
 * on any replica. The browser's cookie holds a random key; only its SHA-256 is stored. Bounded
 * per address and by time, so starts cannot grow memory or the table without end.
 */
export class SqlPendingSignIns {
  constructor(private readonly store: Store) {}

  /** Keeps a started sign-in; returns the key for the browser's cookie. */
  async add(address: string, pending: PendingSignIn): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const at = this.store.clock.epochMs();
    const { db } = this.store;
    await db
      .insertInto("oidc_pending")
      .values({
        id_hash: hashOf(id),
        address,
        code_verifier: pending.codeVerifier,
        state: pending.state,
        nonce: pending.nonce,
        created_at: at,
        expires_at: at + PENDING_TTL_MS,
      })
      .execute();
    const beyondBound = await db
      .selectFrom("oidc_pending")
      .select("id_hash")
      .where("address", "=", address)
      .orderBy("created_at", "desc")
      .orderBy("id_hash")
      .limit(1000)
      .offset(MAX_PENDING_PER_ADDRESS)
      .execute();
    if (beyondBound.length > 0) {
      await db
        .deleteFrom("oidc_pending")
        .where(
          "id_hash",
          "in",
          beyondBound.map((row) => row.id_hash),
        )
        .execute();
    }
    // Expired ones are swept now and then, not on every start.
    if (Math.random() < 0.05) {
      await db.deleteFrom("oidc_pending").where("expires_at", "<", at).execute();
    }
    return id;
  }

  /** The sign-in this key started, once (it is deleted), if it has not expired. */
  async take(id: string | undefined): Promise<PendingSignIn | undefined> {
    if (!id || id.length > 100) return undefined;
    const row = await this.store.db
      .deleteFrom("oidc_pending")
      .where("id_hash", "=", hashOf(id))
      .returning(["code_verifier", "state", "nonce", "expires_at"])
      .executeTakeFirst();
    if (!row || row.expires_at < this.store.clock.epochMs()) return undefined;
    return { codeVerifier: row.code_verifier, state: row.state, nonce: row.nonce };
  }
}

function hashOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}
