import { sql } from "kysely";
import type { Insertable, SelectQueryBuilder } from "kysely";
import type { AuditEvent, AuditFilters, AuditKind, AuditOutcome } from "../../shared/audit";
import type { Role } from "../../shared/session";
import type { Logger } from "../logger";
import { ProblemError } from "../http/problem";
import type { SqlDatabase } from "../db/database";
import { fingerprintOf, ticketHash } from "../db/ticket-fingerprint";
import type { TicketFingerprint } from "../db/ticket-fingerprint";
import type { AuditEventsTable, ConsoleSchema } from "../db/schema";

/** What a route knows about an action. The raw ticket goes in; only its hash and tail are kept. */
export interface AuditInput {
  kind: AuditKind;
  outcome: AuditOutcome;
  operator: string;
  email?: string | null;
  role?: Role | null;
  serviceId?: string | null;
  target?: string | null;
  ticket?: string | null;
  reason?: string | null;
  errorDescription?: string | null;
  errorUri?: string | null;
  justification?: string | null;
  resultCode?: string | null;
  action?: string | null;
  upstreamStatus?: number | null;
  durationMs?: number | null;
  requestId?: string | null;
  detail?: string | null;
  jobId?: string | null;
  clientAddress?: string | null;
  /** False for a name typed with the shared access code; absent when no person is involved. */
  nameVerified?: boolean | null;
  callerRequestId?: string | null;
  /** Instead of `ticket`, when only its fingerprint is known (a bulk ticket after a restart). */
  ticketFingerprint?: TicketFingerprint;
}

/** The fields known only once the call is over. */
export type AuditCompletion = Pick<
  AuditInput,
  "outcome" | "resultCode" | "action" | "upstreamStatus" | "durationMs" | "detail"
>;

type Column = Exclude<keyof AuditEventsTable, "id">;

// Column ↔ field names, in one place.
const COLUMNS = {
  at: "at",
  kind: "kind",
  outcome: "outcome",
  operator: "operator",
  email: "email",
  role: "role",
  serviceId: "service_id",
  target: "target",
  ticketHash: "ticket_hash",
  ticketTail: "ticket_tail",
  reason: "reason",
  errorDescription: "error_description",
  errorUri: "error_uri",
  justification: "justification",
  resultCode: "result_code",
  action: "action",
  upstreamStatus: "upstream_status",
  durationMs: "duration_ms",
  requestId: "request_id",
  detail: "detail",
  jobId: "job_id",
  clientAddress: "client_address",
  nameVerified: "name_verified",
  callerRequestId: "caller_request_id",
} as const satisfies Record<Exclude<keyof AuditEvent, "id">, Column>;

const SELECTION = [
  "id",
  ...Object.entries(COLUMNS).map(([field, column]) => `${column} as ${field}` as const),
] as unknown as readonly ["id"];

/** A row as the API shows it: name_verified is stored as 0/1 (both databases have integers). */
function toEvent(row: unknown): AuditEvent {
  const event = row as AuditEvent & { nameVerified: unknown };
  const verified = event.nameVerified;
  return {
    ...event,
    nameVerified: verified === null || verified === undefined ? null : Boolean(verified),
  };
}

/** A person's earlier fail of a ticket, for the repeat warning. */
export interface PreviousFail {
  at: string;
  operator: string;
  reason: string;
}

/**
 * The audit trail (a port): one record per action, written before the action is answered.
 * Every write either lands or throws a 503 problem, so no action happens unrecorded.
 */
export interface AuditTrail {
  record(input: AuditInput): Promise<AuditEvent>;
  /** Records many finished actions in one write (a cancelled job's unsent tickets). */
  recordMany(inputs: AuditInput[]): Promise<void>;
  begin(input: Omit<AuditInput, "outcome">): Promise<number>;
  /** Rewrites a record's detail (a burst of refused sign-ins: its count so far). */
  amendDetail(id: number, detail: string): Promise<void>;
  /** Completes a pending record; a failure is logged with the whole event, never thrown. */
  complete(id: number, completion: AuditCompletion): Promise<void>;
  /**
   * Single calls (not a bulk job's) still pending since before `before`: no call lasts that
   * long, so the console that made them stopped during the call. Completed as interrupted.
   */
  resolveAbandoned(before: string): Promise<number>;
  /** A bulk ticket's latest record in its job (after a stop: what became of its call). */
  latestOfJobTicket(jobId: string, hash: string): Promise<AuditEvent | undefined>;
  page(
    filters: AuditFilters,
    limit: number,
    cursor?: string,
  ): Promise<{ events: AuditEvent[]; nextCursor: string | null }>;
  /** The newest single fail attempts of one person (same name, and same email when there is one). */
  recentFailsOf(operator: string, email: string | null, limit: number): Promise<AuditEvent[]>;
  previousFails(serviceId: string, ticket: string): Promise<PreviousFail[]>;
}

/**
 * The audit trail in the console's database (SQLite or PostgreSQL), and the same event as one
 * structured log line for log shippers. A route awaits its record before it answers, or it
 * answers 503. A record stays "pending" while its call is out, and afterwards only if the
 * process stopped during the call or the completion could not be written (then the log line
 * has the outcome).
 */
export class SqlAuditTrail implements AuditTrail {
  /** People already in audit_people, so that each is written there once per process. */
  readonly #knownPeople = new Set<string>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(input: AuditInput): Promise<AuditEvent> {
    let event: AuditEvent | undefined;
    await this.#write(async () => {
      await this.#rememberPeople([input]);
      event = toEvent(
        await this.db
          .insertInto("audit_events")
          .values(this.#toRow(input))
          .returning(SELECTION)
          .executeTakeFirstOrThrow(),
      );
      return event.id;
    });
    this.logger.info({ audit: event }, "audit");
    return event!;
  }

  async recordMany(inputs: AuditInput[]): Promise<void> {
    if (inputs.length === 0) return;
    // In chunks: SQLite allows at most 32,766 bound values per statement.
    const CHUNK = 500;
    await this.#write(async () => {
      await this.#rememberPeople(inputs);
      await this.db.transaction().execute(async (trx) => {
        for (let start = 0; start < inputs.length; start += CHUNK) {
          const rows = inputs.slice(start, start + CHUNK).map((input) => this.#toRow(input));
          await trx.insertInto("audit_events").values(rows).execute();
        }
      });
      return 0;
    });
    // One log line for the batch: the rows are in the database, each with the job's id.
    const { kind, outcome, jobId, operator } = inputs[0]!;
    this.logger.info(
      { auditBatch: { kind, outcome, jobId, operator, count: inputs.length } },
      "audit",
    );
  }

  begin(input: Omit<AuditInput, "outcome">): Promise<number> {
    return this.#write(() => this.#insert({ ...input, outcome: "pending" }));
  }

  // The action has already happened, so a failure here cannot undo it: the record stays
  // "pending" and the log line carries the outcome for the log shipper.
  async complete(id: number, completion: AuditCompletion): Promise<void> {
    try {
      const event = await this.db
        .updateTable("audit_events")
        .set({
          outcome: completion.outcome,
          result_code: completion.resultCode ?? null,
          action: completion.action ?? null,
          upstream_status: completion.upstreamStatus ?? null,
          duration_ms: completion.durationMs ?? null,
          detail: completion.detail ?? null,
        })
        .where("id", "=", id)
        .returning(SELECTION)
        .executeTakeFirst();
      this.logger.info({ audit: event }, "audit");
    } catch (error) {
      this.logger.error(
        { auditId: id, ...completion, err: error },
        "audit record could not be completed",
      );
    }
  }

  async resolveAbandoned(before: string): Promise<number> {
    const resolved = await this.db
      .updateTable("audit_events")
      .set({
        outcome: "interrupted",
        detail:
          "the console stopped during the call: Authlete may or may not have failed the ticket",
      })
      .where("outcome", "=", "pending")
      .where("job_id", "is", null)
      .where("at", "<", before)
      .returning(SELECTION)
      .execute();
    for (const event of resolved) this.logger.info({ audit: event }, "audit");
    return resolved.length;
  }

  async latestOfJobTicket(jobId: string, hash: string): Promise<AuditEvent | undefined> {
    const row = await this.db
      .selectFrom("audit_events")
      .select(SELECTION)
      .where("job_id", "=", jobId)
      .where("ticket_hash", "=", hash)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toEvent(row);
  }

  async amendDetail(id: number, detail: string): Promise<void> {
    await this.#write(async () => {
      await this.db.updateTable("audit_events").set({ detail }).where("id", "=", id).execute();
      return id;
    });
  }

  async page(filters: AuditFilters, limit: number, cursor?: string) {
    const query = await this.#filtered(filters, cursor);
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

  async recentFailsOf(operator: string, email: string | null, limit: number) {
    return (
      await this.db
        .selectFrom("audit_events")
        .select(SELECTION)
        .where("kind", "=", "fail")
        .where("operator", "=", operator)
        .where("email", email === null ? "is" : "=", email)
        .where("job_id", "is", null)
        .where("outcome", "not in", ["forbidden", "pending"])
        .orderBy("id", "desc")
        .limit(limit)
        .execute()
    ).map(toEvent);
  }

  previousFails(serviceId: string, ticket: string): Promise<PreviousFail[]> {
    return this.db
      .selectFrom("audit_events")
      .select(["at", "operator", "reason"])
      .where("ticket_hash", "=", ticketHash(ticket))
      .where("kind", "=", "fail")
      .where("outcome", "=", "succeeded")
      .where("service_id", "=", serviceId)
      .orderBy("id", "desc")
      .limit(20)
      .execute() as Promise<PreviousFail[]>;
  }

  async #rememberPeople(inputs: Pick<AuditInput, "operator" | "email">[]): Promise<void> {
    const fresh = new Map<string, { name: string; email: string }>();
    for (const { operator, email } of inputs) {
      const person = { name: operator, email: email ?? "" };
      const key = JSON.stringify(person);
      if (!this.#knownPeople.has(key)) fresh.set(key, person);
    }
    if (fresh.size === 0) return;
    await this.db
      .insertInto("audit_people")
      .values([...fresh.values()])
      .onConflict((conflict) => conflict.columns(["name", "email"]).doNothing())
      .execute();
    for (const key of fresh.keys()) this.#knownPeople.add(key);
  }

  async #insert(input: AuditInput): Promise<number> {
    await this.#rememberPeople([input]);
    const { id } = await this.db
      .insertInto("audit_events")
      .values(this.#toRow(input))
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  }

  async #write(run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (error) {
      this.logger.error({ err: error }, "audit record could not be written");
      throw auditUnavailable();
    }
  }

  #toRow(input: AuditInput): Insertable<AuditEventsTable> {
    const ticket = input.ticket ?? null;
    const fingerprint = ticket === null ? input.ticketFingerprint : fingerprintOf(ticket);
    const row: Record<string, unknown> = {
      at: this.now().toISOString(),
      ticket_hash: fingerprint?.hash ?? null,
      ticket_tail: fingerprint?.tail ?? null,
    };
    for (const [field, column] of Object.entries(COLUMNS)) {
      if (column in row) continue;
      const value = (input as unknown as Record<string, unknown>)[field];
      row[column] =
        value === undefined || value === ""
          ? null
          : typeof value === "boolean"
            ? Number(value)
            : value;
    }
    return row as unknown as Insertable<AuditEventsTable>;
  }

  /**
   * The records the filters select, newest first by id; undefined when none can match. Each
   * filter reaches an index that also serves the order (migration 002), so a first page costs
   * the same whether a filter matches every record or one in a hundred thousand.
   */
  async #filtered(
    filters: AuditFilters,
    cursor?: string,
  ): Promise<SelectQueryBuilder<ConsoleSchema, "audit_events", object> | undefined> {
    let query = this.db.selectFrom("audit_events");
    const equal = (column: Column, value: string | undefined) => {
      if (value !== undefined) query = query.where(column, "=", value);
    };
    equal("service_id", filters.serviceId);
    equal("reason", filters.reason);
    equal("outcome", filters.outcome);
    equal("kind", filters.kind);
    equal("job_id", filters.jobId);
    if (filters.ticket !== undefined) equal("ticket_hash", ticketHash(filters.ticket));
    if (filters.operator !== undefined) {
      // Case-insensitive part of a name or email: people rarely remember either exactly.
      // ESCAPE spelled out: SQLite has no default escape character for LIKE.
      const pattern = `%${filters.operator.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const matches = (name: string, email: string) =>
        sql<boolean>`(lower(${sql.ref(name)}) LIKE ${pattern} ESCAPE '\\' OR lower(${sql.ref(email)}) LIKE ${pattern} ESCAPE '\\')`;
      const people = await this.db
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
        const others = await this.db
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
      const before = await this.db
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
      const after = await this.db
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
}

/** More names than this matching an Operator filter: it is read newest first instead. */
const MAX_NAMES = 200;
/** How far apart two replicas' clocks may be for time filters to stay exact. */
const CLOCK_SKEW_MS = 60_000;

function shifted(isoTime: string, ms: number): string {
  return new Date(Date.parse(isoTime) + ms).toISOString();
}

/** The database that holds the audit trail cannot be written: nothing may be done. */
export function auditUnavailable(): ProblemError {
  return new ProblemError({
    kind: "audit-unavailable",
    status: 503,
    title: "The audit trail cannot be written",
    detail:
      "Nothing was done: every action must be recorded first. The cause is in the console's log.",
  });
}

/** Stored times are UTC ISO strings, so they compare as text; a time without offset is UTC. */
function asUtc(time: string): string {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(time);
  return new Date(hasOffset ? time : `${time}Z`).toISOString();
}
