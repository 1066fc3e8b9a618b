import { sql } from "kysely";
import type { SelectQueryBuilder } from "kysely";
import type { AuditFilters } from "../../shared/audit";
import type { SqlDatabase } from "../db/database";
import type { ConsoleSchema } from "../db/schema";
import { ticketHash } from "../db/ticket-fingerprint";
import { TICKET_TAIL_LENGTH } from "../../shared/ask-first";
import type { Column } from "./audit-rows";

/**
 * The records the filters select, newest first by id; undefined when none can match. Each
 * filter reaches an index that also serves the order (migration 002), so a first page costs
 * the same whether a filter matches every record or one in a hundred thousand.
 */
export async function filteredEvents(
  db: SqlDatabase,
  filters: AuditFilters,
  cursor?: string,
): Promise<SelectQueryBuilder<ConsoleSchema, "audit_events", object> | undefined> {
  let query = db.selectFrom("audit_events");
  const equal = (column: Column, value: string | undefined) => {
    if (value !== undefined) query = query.where(column, "=", value);
  };
  equal("service_id", filters.serviceId);
  equal("reason", filters.reason);
  equal("outcome", filters.outcome);
  equal("kind", filters.kind);
  equal("job_id", filters.jobId);
  // A whole ticket is found by its hash; a tail (what the pages show) by the stored tail.
  if (filters.ticket !== undefined && filters.ticket.length <= TICKET_TAIL_LENGTH) {
    equal("ticket_tail", filters.ticket);
  } else if (filters.ticket !== undefined) equal("ticket_hash", ticketHash(filters.ticket));
  if (filters.operator !== undefined) {
    // Case-insensitive part of a name or email: people rarely remember either exactly.
    // ESCAPE spelled out: SQLite has no default escape character for LIKE.
    const pattern = `%${filters.operator.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const matches = (name: string, email: string) =>
      sql<boolean>`(lower(${sql.ref(name)}) LIKE ${pattern} ESCAPE '\\' OR lower(${sql.ref(email)}) LIKE ${pattern} ESCAPE '\\')`;
    const people = await db
      .selectFrom("audit_people")
      .select("name")
      .distinct()
      .where(matches("name", "email"))
      .limit(MAX_NAMES + 1)
      .execute();
    if (people.length === 0) return undefined;
    const names = people.map((person) => person.name);
    if (people.length > MAX_NAMES) {
      // A pattern such as "a": matching records are everywhere; newest first finds a page.
      query = query.where(matches("operator", "email"));
    } else {
      // A few names: read their records through the operator index. When one of those names
      // also appears with an email that does not match, the records are checked one by one.
      const part = filters.operator.toLowerCase();
      const others = await db
        .selectFrom("audit_people")
        .select(["name", "email"])
        .where("name", "in", names)
        .execute();
      const exact = others.every(
        (person) =>
          person.name.toLowerCase().includes(part) || person.email.toLowerCase().includes(part),
      );
      query = query.where("operator", "in", names);
      if (!exact) query = query.where(matches("operator", "email"));
    }
  }
  // Times become id bounds too, so that the newest-first read starts and stops in the right
  // place. Ids follow the order records were written in, and each record's time is its
  // writer's clock, off by at most CLOCK_SKEW_MS: a record stamped more than twice that before
  // `from` was written before any record stamped from `from` on, so its id is a lower bound
  // (and likewise after `to`, an upper bound).
  if (filters.from !== undefined) {
    const from = asUtc(filters.from);
    query = query.where("at", ">=", from);
    const before = await db
      .selectFrom("audit_events")
      .select("id")
      .where("at", "<", shifted(from, -2 * CLOCK_SKEW_MS))
      .orderBy("at", "desc")
      .limit(1)
      .executeTakeFirst();
    if (before !== undefined) query = query.where("id", ">", before.id);
  }
  if (filters.to !== undefined) {
    const to = asUtc(filters.to);
    query = query.where("at", "<=", to);
    const after = await db
      .selectFrom("audit_events")
      .select("id")
      .where("at", ">", shifted(to, 2 * CLOCK_SKEW_MS))
      .orderBy("at")
      .limit(1)
      .executeTakeFirst();
    if (after !== undefined) query = query.where("id", "<", after.id);
  }
  if (cursor !== undefined) query = query.where("id", "<", Number(cursor));
  return query;
}

/** More names than this matching an Operator filter: it is read newest first instead. */
const MAX_NAMES = 200;
/** How far apart two replicas' clocks may be for time filters to stay exact. */
const CLOCK_SKEW_MS = 60_000;

function shifted(isoTime: string, ms: number): string {
  return new Date(Date.parse(isoTime) + ms).toISOString();
}

/** Stored times are UTC ISO strings, so they compare as text; a time without offset is UTC. */
function asUtc(time: string): string {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(time);
  return new Date(hasOffset ? time : `${time}Z`).toISOString();
}
