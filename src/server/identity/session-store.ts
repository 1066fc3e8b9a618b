import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type {
  GrantCheck,
  Principal,
  Session,
  SessionEnd,
  SessionLimits,
  SessionStore,
} from "./sessions";
import { storedGrantOf } from "./sessions";
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
    /** What each session is worth under the current accounts (none: it ends). */
    private readonly grantCheck: GrantCheck,
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
        ...storedGrantOf(principal.grant),
      })
      .execute();
    // Sessions that ran out are swept now and then, not on every request.
    if (Math.random() < 0.05) await this.#sweep(at);
    return id;
  }

  async touch(id: string | undefined): Promise<Session | undefined> {
    const checked = await this.check(id);
    return "session" in checked ? checked.session : undefined;
  }

  async check(id: string | undefined): Promise<{ session: Session } | { ended: SessionEnd }> {
    if (!id) return { ended: "gone" };
    const row = await this.store.db
      .selectFrom("sessions")
      .selectAll()
      .where("id_hash", "=", hashOf(id))
      .executeTakeFirst();
    if (!row) return { ended: "gone" };
    const at = this.store.clock.epochMs();
    const idle = at - row.last_seen_at > this.limits.idleMs;
    if (idle || at - row.created_at > this.limits.absoluteMs) {
      await this.delete(id);
      return { ended: idle ? "idle" : "absolute" };
    }
    // Checked on every request: an account removed, given another role or another code since
    // the session began ends it here, on whichever replica sees it first.
    const role = this.grantCheck(row);
    if (role === undefined) {
      await this.delete(id);
      return { ended: "account-changed" };
    }
    // The idle clock is written at most every 15 s, and at least four times per idle period.
    if (
      at - row.last_seen_at >= Math.min(TOUCH_EVERY_MS, this.limits.idleMs / 4) ||
      role !== row.role
    ) {
      await this.store.db
        .updateTable("sessions")
        .set({ last_seen_at: at, role })
        .where("id_hash", "=", row.id_hash)
        .execute();
    }
    return {
      session: {
        name: row.name,
        email: row.email,
        role,
        subject: row.subject,
        createdAt: row.created_at,
        lastSeenAt: at,
      },
    };
  }

  async delete(id: string | undefined): Promise<void> {
    if (id) await this.store.db.deleteFrom("sessions").where("id_hash", "=", hashOf(id)).execute();
  }

  async signOut(who: { everyone: true } | { name: string }): Promise<number> {
    let query = this.store.db.deleteFrom("sessions");
    if ("name" in who) {
      const name = who.name.trim().normalize("NFC").toLocaleLowerCase("en");
      query = query.where((eb) =>
        eb.or([
          eb("subject", "=", `account:${name}`),
          eb(sql<string>`lower(name)`, "=", name),
          eb(sql<string>`lower(email)`, "=", name),
        ]),
      );
    }
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async recheckAll(): Promise<{ ended: number; roleChanged: number }> {
    const rows = await this.store.db
      .selectFrom("sessions")
      .select(["id_hash", "role", "subject", "fingerprint", "claims"])
      .execute();
    let ended = 0;
    let roleChanged = 0;
    for (const row of rows) {
      const role = this.grantCheck(row);
      if (role === undefined) {
        await this.store.db.deleteFrom("sessions").where("id_hash", "=", row.id_hash).execute();
        ended += 1;
      } else if (role !== row.role) {
        await this.store.db
          .updateTable("sessions")
          .set({ role })
          .where("id_hash", "=", row.id_hash)
          .execute();
        roleChanged += 1;
      }
    }
    return { ended, roleChanged };
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
