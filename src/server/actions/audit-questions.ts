import type { Kysely } from "kysely";
import type { AuditKind } from "../../shared/audit";
import type { PreviousAction } from "../../shared/ask-first";
import type { ConsoleSchema } from "../db/schema";
import { ticketHash } from "../db/ticket-fingerprint";

/** What the questions asked first read of the trail: whether this console acted on a ticket. */

/** The records that count as having acted on a ticket: a fail or an end that went through. */
export const ACTION_KINDS: AuditKind[] = ["fail", "end"];

export function previousActionsOn(
  db: Kysely<ConsoleSchema>,
  serviceId: string,
  ticket: string,
): Promise<PreviousAction[]> {
  return db
    .selectFrom("audit_events")
    .select(["at", "operator", "kind", "reason"])
    .where("ticket_hash", "=", ticketHash(ticket))
    .where("kind", "in", ACTION_KINDS)
    .where("outcome", "=", "succeeded")
    .where("service_id", "=", serviceId)
    .orderBy("id", "desc")
    .limit(20)
    .execute();
}

export async function countActedOn(
  db: Kysely<ConsoleSchema>,
  serviceId: string,
  tickets: string[],
): Promise<number> {
  const hashes = [...new Set(tickets.map(ticketHash))];
  // In chunks: SQLite allows at most 32,766 bound values per statement.
  const CHUNK = 500;
  let count = 0;
  for (let start = 0; start < hashes.length; start += CHUNK) {
    const row = await db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.count<number>("ticket_hash").distinct().as("acted"))
      .where("ticket_hash", "in", hashes.slice(start, start + CHUNK))
      .where("kind", "in", ACTION_KINDS)
      .where("outcome", "=", "succeeded")
      .where("service_id", "=", serviceId)
      .executeTakeFirstOrThrow();
    count += Number(row.acted);
  }
  return count;
}
