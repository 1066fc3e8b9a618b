import { randomBytes, randomUUID } from "node:crypto";
import type { DeliveryMode } from "../../shared/end-outcome";
import { createSeal } from "../db/seal";
import type { Store } from "../db/store";
import type { ClientNotification } from "./send-notification";

/** A notification kept for Deliver again, with what its records need. */
export interface HeldNotification {
  serviceId: string;
  ownerKey: string;
  endAuditId: number;
  notification: ClientNotification;
  authReqId: string;
  deliveryMode: DeliveryMode | null;
}

/** How long a notification that did not arrive waits for Deliver again, then it is wiped. */
export const HOLD_MS = 10 * 60_000;

/**
 * Notifications that did not arrive, sealed in the database for Deliver again: a second
 * /complete cannot fetch them (the ticket is gone). With TICKET_ENCRYPTION_KEY every replica can
 * open them; without it, a key made at start: only this process can, until it stops.
 */
export function createHeldNotifications(store: Store, key: Buffer | undefined) {
  const seal = createSeal(key ?? randomBytes(32));
  const { db, clock } = store;
  const sweep = () =>
    db.deleteFrom("held_notifications").where("expires_at", "<=", clock.epochMs()).execute();

  return {
    async hold(entry: HeldNotification): Promise<{ id: string; until: string }> {
      await sweep();
      const id = randomUUID();
      const expiresAt = clock.epochMs() + HOLD_MS;
      const { notification, authReqId, deliveryMode } = entry;
      await db
        .insertInto("held_notifications")
        .values({
          id,
          service_id: entry.serviceId,
          owner_key: entry.ownerKey,
          end_audit_id: entry.endAuditId,
          expires_at: expiresAt,
          sealed: seal.seal(JSON.stringify({ notification, authReqId, deliveryMode }), id),
        })
        .execute();
      return { id, until: new Date(expiresAt).toISOString() };
    },

    /** The held notification, while it is held; undefined once wiped or unreadable here. */
    async find(id: string): Promise<(HeldNotification & { until: string }) | undefined> {
      await sweep();
      const row = await db
        .selectFrom("held_notifications")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      if (!row) return undefined;
      let opened: Pick<HeldNotification, "notification" | "authReqId" | "deliveryMode">;
      try {
        opened = JSON.parse(seal.open(row.sealed, id)) as typeof opened;
      } catch {
        return undefined; // sealed by another replica without a shared key, or tampered with
      }
      return {
        ...opened,
        serviceId: row.service_id,
        ownerKey: row.owner_key,
        endAuditId: row.end_audit_id,
        until: new Date(Number(row.expires_at)).toISOString(),
      };
    },

    /** Delivered, or given up: wiped now. */
    async wipe(id: string): Promise<void> {
      await db.deleteFrom("held_notifications").where("id", "=", id).execute();
    },

    sweep,
  };
}

export type HeldNotifications = ReturnType<typeof createHeldNotifications>;
