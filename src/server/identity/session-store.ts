import { createHash, randomBytes } from "node:crypto";
import type { Principal, Session, SessionLimits, SessionStore } from "./sessions";
import type { Store } from "../db/store";

/** A session's last-seen time is written at most this often: not a write per request. */
const TOUCH_EVERY_MS = 15_000;

/**
 * Sessions in the console's database. Only the SHA-256 of each cookie's id is stored, so a copy
 * of the table (a backup, say) signs no one in.
 */
export class SqlSessionStore implements SessionStore {
  constructor(
    private readonly store: Store,
    private readonly limits: SessionLimits,
  ) {}

  async create(principal: Principal): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const at = this.store.clock.epochMs();
    await this.store.db
      .insertInto("sessions")
      .values({
        id_hash: hashOf(id),
        name: principal.name,
        email: principal.email,
        role: principal.role,
        subject: principal.subject ?? null,
        created_at: at,
        last_seen_at: at,
      })
      .execute();
    // Sessions that ran out are swept now and then, not on every request.
    if (Math.random() < 0.05) await this.#sweep(at);
    return id;
  }

  async touch(id: string | undefined): Promise<Session | undefined> {
    if (!id) return undefined;
    const row = await this.store.db
      .selectFrom("sessions")
      .selectAll()
      .where("id_hash", "=", hashOf(id))
      .executeTakeFirst();
    if (!row) return undefined;
    const at = this.store.clock.epochMs();
    if (
      at - row.last_seen_at > this.limits.idleMs ||
      at - row.created_at > this.limits.absoluteMs
    ) {
      await this.delete(id);
      return undefined;
    }
    if (at - row.last_seen_at >= TOUCH_EVERY_MS) {
      await this.store.db
        .updateTable("sessions")
        .set({ last_seen_at: at })
        .where("id_hash", "=", row.id_hash)
        .execute();
    }
    return {
      name: row.name,
      email: row.email,
      role: row.role,
      subject: row.subject,
      createdAt: row.created_at,
      lastSeenAt: at,
    };
  }

  async delete(id: string | undefined): Promise<void> {
    if (id) await this.store.db.deleteFrom("sessions").where("id_hash", "=", hashOf(id)).execute();
  }

  async #sweep(at: number): Promise<void> {
    await this.store.db
      .deleteFrom("sessions")
      .where((eb) =>
        eb.or([
          eb("last_seen_at", "<", at - this.limits.idleMs),
          eb("created_at", "<", at - this.limits.absoluteMs),
        ]),
      )
      .execute();
  }
}

function hashOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}
