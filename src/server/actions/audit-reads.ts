import type { Kysely } from "kysely";
import type { AuditEvent, AuditFilters } from "../../shared/audit";
import type { ConsoleSchema } from "../db/schema";
import { filteredEvents } from "./audit-query";
import { ACTION_KINDS } from "./audit-questions";
import { SELECTION, toEvent } from "./audit-rows";

/** The audit trail's reads (audit-trail.ts): the Audit log's pages and the questions of a page. */

/** A bulk ticket's latest record in its job (after a stop: what became of its call). */
export async function latestOfJobTicket(
  db: Kysely<ConsoleSchema>,
  jobId: string,
  hash: string,
): Promise<AuditEvent | undefined> {
  const row = await db
    .selectFrom("audit_events")
    .select(SELECTION)
    .where("job_id", "=", jobId)
    .where("ticket_hash", "=", hash)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toEvent(row);
}

/** A page of records matching the Audit log's filters, newest first. */
export async function pageOf(
  db: Kysely<ConsoleSchema>,
  filters: AuditFilters,
  limit: number,
  cursor?: string,
) {
  const query = await filteredEvents(db, filters, cursor);
  if (query === undefined) return { events: [], nextCursor: null };
  const rows = (
    await query
      .select(SELECTION)
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute()
  ).map(toEvent);
  const events = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? String(events[events.length - 1]!.id) : null;
  return { events, nextCursor };
}

/** The newest single fail attempts of one person. */
export async function recentFailsOf(
  db: Kysely<ConsoleSchema>,
  operator: string,
  email: string | null,
  limit: number,
) {
  return (
    await db
      .selectFrom("audit_events")
      .select(SELECTION)
      .where("kind", "in", ACTION_KINDS)
      .where("operator", "=", operator)
      .where("email", email === null ? "is" : "=", email)
      .where("job_id", "is", null)
      .where("outcome", "not in", ["forbidden", "pending"])
      .orderBy("id", "desc")
      .limit(limit)
      .execute()
  ).map(toEvent);
}
