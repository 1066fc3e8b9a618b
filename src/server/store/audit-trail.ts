import type Database from "better-sqlite3";
import type { AuditEvent, AuditFilters, AuditKind, AuditOutcome } from "../../shared/audit";
import type { Role } from "../../shared/session";
import type { Logger } from "../logger";
import { ProblemError } from "../problem";
import type { SqliteDatabase } from "./database";
import { fingerprintOf, ticketHash } from "./fingerprint";
import type { TicketFingerprint } from "./fingerprint";

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
  /** Instead of `ticket`, when only its fingerprint is known (a bulk ticket after a restart). */
  ticketFingerprint?: TicketFingerprint;
}

/** The fields known only once the call is over. */
export type AuditCompletion = Pick<
  AuditInput,
  "outcome" | "resultCode" | "action" | "upstreamStatus" | "durationMs" | "detail"
>;

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
} as const satisfies Record<Exclude<keyof AuditEvent, "id">, string>;

const SELECT_FIELDS = [
  "id",
  ...Object.entries(COLUMNS).map(([field, column]) => `${column} AS "${field}"`),
].join(", ");

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
  record(input: AuditInput): AuditEvent;
  /** Records many finished actions in one write (a cancelled job's unsent tickets). */
  recordMany(inputs: AuditInput[]): void;
  begin(input: Omit<AuditInput, "outcome">): number;
  /** Completes a pending record; a failure is logged with the whole event, never thrown. */
  complete(id: number, completion: AuditCompletion): void;
  /** After a restart: completes a bulk ticket's pending record. False when there is none. */
  completePendingOf(jobId: string, hash: string, completion: AuditCompletion): boolean;
  page(
    filters: AuditFilters,
    limit: number,
    cursor?: string,
  ): { events: AuditEvent[]; nextCursor: string | null };
  /** The newest single fail attempts of one person (same name, and same email when there is one). */
  recentFailsOf(operator: string, email: string | null, limit: number): AuditEvent[];
  previousFails(serviceId: string, ticket: string): PreviousFail[];
}

/**
 * The audit trail in SQLite, and the same event as one structured log line for log shippers.
 * Writes are synchronous: a route has its record written before it answers, or it answers 503.
 * A record stays "pending" while its call is out, and afterwards only if the process stopped
 * during the call or the completion could not be written (then the log line has the outcome).
 */
export class SqliteAuditTrail implements AuditTrail {
  readonly #db: SqliteDatabase;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #insert: Database.Statement;
  readonly #complete: Database.Statement;
  readonly #byId: Database.Statement<[number], AuditEvent>;

  constructor(db: SqliteDatabase, logger: Logger, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#logger = logger;
    this.#now = now;
    const columns = Object.values(COLUMNS);
    this.#insert = this.#db.prepare(
      `INSERT INTO audit_events (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    );
    this.#complete = this.#db.prepare(
      `UPDATE audit_events SET outcome = @outcome, result_code = @result_code, action = @action,
         upstream_status = @upstream_status, duration_ms = @duration_ms, detail = @detail
       WHERE id = @id`,
    );
    this.#byId = this.#db.prepare(`SELECT ${SELECT_FIELDS} FROM audit_events WHERE id = ?`);
  }

  record(input: AuditInput): AuditEvent {
    const id = this.#write(() => Number(this.#insert.run(this.#toRow(input)).lastInsertRowid));
    return this.#published(id);
  }

  recordMany(inputs: AuditInput[]): void {
    if (inputs.length === 0) return;
    this.#write(() => {
      this.#db.transaction(() => {
        for (const input of inputs) this.#insert.run(this.#toRow(input));
      })();
      return 0;
    });
    // One log line for the batch: the rows are in the database, each with the job's id.
    const { kind, outcome, jobId, operator } = inputs[0]!;
    this.#logger.info(
      { auditBatch: { kind, outcome, jobId, operator, count: inputs.length } },
      "audit",
    );
  }

  begin(input: Omit<AuditInput, "outcome">): number {
    return this.#write(() =>
      Number(this.#insert.run(this.#toRow({ ...input, outcome: "pending" })).lastInsertRowid),
    );
  }

  // The action has already happened, so a failure here cannot undo it: the record stays
  // "pending" and the log line carries the outcome for the log shipper.
  complete(id: number, completion: AuditCompletion): void {
    try {
      this.#complete.run({
        id,
        outcome: completion.outcome,
        result_code: completion.resultCode ?? null,
        action: completion.action ?? null,
        upstream_status: completion.upstreamStatus ?? null,
        duration_ms: completion.durationMs ?? null,
        detail: completion.detail ?? null,
      });
      this.#published(id);
    } catch (error) {
      this.#logger.error(
        { auditId: id, ...completion, err: error },
        "audit record could not be completed",
      );
    }
  }

  completePendingOf(jobId: string, hash: string, completion: AuditCompletion): boolean {
    const row = this.#db
      .prepare(
        "SELECT id FROM audit_events WHERE job_id = ? AND ticket_hash = ? AND outcome = 'pending'",
      )
      .get(jobId, hash) as { id: number } | undefined;
    if (!row) return false;
    this.complete(row.id, completion);
    return true;
  }

  page(filters: AuditFilters, limit: number, cursor?: string) {
    const { where, params } = this.#where(filters, cursor);
    const rows = this.#db
      .prepare(`SELECT ${SELECT_FIELDS} FROM audit_events ${where} ORDER BY id DESC LIMIT @limit`)
      .all({ ...params, limit: limit + 1 }) as AuditEvent[];
    const events = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? String(events[events.length - 1]!.id) : null;
    return { events, nextCursor };
  }

  recentFailsOf(operator: string, email: string | null, limit: number): AuditEvent[] {
    return this.#db
      .prepare(
        `SELECT ${SELECT_FIELDS} FROM audit_events
         WHERE kind = 'fail' AND operator = ? AND email IS ? AND job_id IS NULL
           AND outcome NOT IN ('forbidden', 'pending')
         ORDER BY id DESC LIMIT ?`,
      )
      .all(operator, email, limit) as AuditEvent[];
  }

  previousFails(serviceId: string, ticket: string): PreviousFail[] {
    return this.#db
      .prepare(
        `SELECT at, operator, reason FROM audit_events
         WHERE kind = 'fail' AND outcome = 'succeeded' AND service_id = ? AND ticket_hash = ?
         ORDER BY id DESC LIMIT 20`,
      )
      .all(serviceId, ticketHash(ticket)) as PreviousFail[];
  }

  #write(run: () => number): number {
    try {
      return run();
    } catch (error) {
      this.#logger.error({ err: error }, "audit record could not be written");
      throw new ProblemError({
        kind: "audit-unavailable",
        status: 503,
        title: "The audit trail cannot be written",
        detail:
          "Nothing was done: every action must be recorded first. The cause is in the console's log.",
      });
    }
  }

  #published(id: number): AuditEvent {
    const event = this.#byId.get(id)!;
    this.#logger.info({ audit: event }, "audit");
    return event;
  }

  #toRow(input: AuditInput): Record<string, unknown> {
    const ticket = input.ticket ?? null;
    const fingerprint = ticket === null ? input.ticketFingerprint : fingerprintOf(ticket);
    const row: Record<string, unknown> = {
      at: this.#now().toISOString(),
      ticket_hash: fingerprint?.hash ?? null,
      ticket_tail: fingerprint?.tail ?? null,
    };
    for (const [field, column] of Object.entries(COLUMNS)) {
      if (column in row) continue;
      const value = (input as unknown as Record<string, unknown>)[field];
      row[column] = value === undefined || value === "" ? null : value;
    }
    return row;
  }

  #where(filters: AuditFilters, cursor?: string) {
    const clauses: string[] = [];
    const params: Record<string, unknown> = {};
    const equal = (column: string, value: unknown) => {
      if (value === undefined) return;
      clauses.push(`${column} = @${column}`);
      params[column] = value;
    };
    equal("service_id", filters.serviceId);
    equal("reason", filters.reason);
    equal("outcome", filters.outcome);
    equal("kind", filters.kind);
    equal("job_id", filters.jobId);
    if (filters.ticket !== undefined) equal("ticket_hash", ticketHash(filters.ticket));
    if (filters.operator !== undefined) {
      // Case-insensitive part of a name or email: people rarely remember either exactly.
      clauses.push(`(operator LIKE @operator ESCAPE '\\' OR email LIKE @operator ESCAPE '\\')`);
      params.operator = `%${filters.operator.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    }
    if (filters.from !== undefined) {
      clauses.push("at >= @from");
      params.from = asUtc(filters.from);
    }
    if (filters.to !== undefined) {
      clauses.push("at <= @to");
      params.to = asUtc(filters.to);
    }
    if (cursor !== undefined) {
      clauses.push("id < @cursor");
      params.cursor = Number(cursor);
    }
    return { where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
  }
}

/** Stored times are UTC ISO strings, so they compare as text; a time without offset is UTC. */
function asUtc(time: string): string {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(time);
  return new Date(hasOffset ? time : `${time}Z`).toISOString();
}
