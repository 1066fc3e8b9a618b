import { storableText } from "../../shared/text";
import type { AuditEvent, AuditFilters } from "../../shared/audit";
import type { AuditCompletion, AuditInput, AuditObserver } from "./audit-input";
import type { PreviousAction } from "../../shared/ask-first";
import type { Store } from "../db/store";
import type { Kysely } from "kysely";
import type { ConsoleSchema } from "../db/schema";
import { StorageUnavailable } from "../db/storage-error";
import { SELECTION, completionColumns, toEvent, toRow } from "./audit-rows";
import { latestOfJobTicket, pageOf, recentFailsOf } from "./audit-reads";
import { countActedOn, previousActionsOn } from "./audit-questions";
import type { DeliveryState } from "../../shared/end-outcome";

/**
 * The audit trail (a port): one record per action, written before the action is answered.
 * Every write either lands or throws StorageUnavailable (answered 503), so no action happens
 * unrecorded.
 */
export interface AuditTrail {
  record(input: AuditInput): Promise<AuditEvent>;
  /** Records many finished actions in one write (a cancelled job's unsent tickets). */
  recordMany(inputs: AuditInput[]): Promise<void>;
  /**
   * Writes a pending record; `alongside` runs in the same transaction (a bulk ticket marked in
   * flight with its record: both are durable, or neither).
   */
  begin(
    input: Omit<AuditInput, "outcome">,
    alongside?: (trx: Kysely<ConsoleSchema>) => Promise<void>,
  ): Promise<number>;
  /** Rewrites a record's detail (a burst of refused sign-ins: its count so far). */
  amendDetail(id: number, detail: string): Promise<void>;
  /**
   * An end's notification, once its delivery is over (or was not asked for); the record enters
   * the audit chain after `openForMs` (a failed one may still be delivered again until then).
   */
  amendNotification(id: number, notification: DeliveryState, openForMs?: number): Promise<void>;
  /** Completes a pending record; a failure is logged with the whole event, never thrown. */
  complete(id: number, completion: AuditCompletion): Promise<void>;
  /** Completes several in one transaction (a bulk job's answered tickets, grouped). */
  completeMany(entries: { id: number; completion: AuditCompletion }[]): Promise<void>;
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
  /** This console's successful actions on a ticket, newest first: asked about before another. */
  previousActions(serviceId: string, ticket: string): Promise<PreviousAction[]>;
  /** How many of these tickets this console already acted on (a bulk job's question). */
  countActedOn(serviceId: string, tickets: string[]): Promise<number>;
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
    private readonly store: Store,
    private readonly observer: AuditObserver = {},
  ) {}

  async record(input: AuditInput): Promise<AuditEvent> {
    let event: AuditEvent | undefined;
    await this.#write(async () => {
      await this.#rememberPeople([input]);
      event = toEvent(
        await this.store.db
          .insertInto("audit_events")
          .values(toRow(input, this.store.clock.now()))
          .returning(SELECTION)
          .executeTakeFirstOrThrow(),
      );
      return event.id;
    });
    this.store.logger.info({ audit: event }, "audit");
    this.observer.recorded?.([input]);
    if (input.outcome !== "pending") this.observer.closed?.();
    return event!;
  }

  async recordMany(inputs: AuditInput[]): Promise<void> {
    if (inputs.length === 0) return;
    // In chunks: SQLite allows at most 32,766 bound values per statement.
    const CHUNK = 500;
    await this.#write(async () => {
      await this.#rememberPeople(inputs);
      await this.store.db.transaction().execute(async (trx) => {
        for (let start = 0; start < inputs.length; start += CHUNK) {
          const rows = inputs
            .slice(start, start + CHUNK)
            .map((input) => toRow(input, this.store.clock.now()));
          await trx.insertInto("audit_events").values(rows).execute();
        }
      });
      return 0;
    });
    this.observer.recorded?.(inputs);
    this.observer.closed?.();
    // One log line for the batch: the rows are in the database, each with the job's id.
    const { kind, outcome, jobId, operator } = inputs[0]!;
    this.store.logger.info(
      { auditBatch: { kind, outcome, jobId, operator, count: inputs.length } },
      "audit",
    );
  }

  begin(
    input: Omit<AuditInput, "outcome">,
    alongside?: (trx: Kysely<ConsoleSchema>) => Promise<void>,
  ): Promise<number> {
    const pending = { ...input, outcome: "pending" as const };
    if (!alongside) return this.#write(() => this.#insert(pending));
    return this.#write(async () => {
      await this.#rememberPeople([pending]);
      return this.store.db.transaction().execute(async (trx) => {
        await alongside(trx);
        const { id } = await trx
          .insertInto("audit_events")
          .values(toRow(pending, this.store.clock.now()))
          .returning("id")
          .executeTakeFirstOrThrow();
        return id;
      });
    });
  }

  // The action has already happened, so a failure here cannot undo it: the record stays
  // "pending" and the log line carries the outcome for the log shipper.
  complete(id: number, completion: AuditCompletion): Promise<void> {
    return this.completeMany([{ id, completion }]);
  }

  async completeMany(entries: { id: number; completion: AuditCompletion }[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      const events = await this.store.db.transaction().execute(async (trx) => {
        const done = [];
        for (const { id, completion } of entries) {
          done.push(
            await trx
              .updateTable("audit_events")
              .set(completionColumns(completion, this.store.clock.now()))
              .where("id", "=", id)
              // Only a pending record: one another replica already resolved (interrupted, at
              // a takeover) keeps that resolution, whatever a late call of the old owner says.
              .where("outcome", "=", "pending")
              .returning(SELECTION)
              .executeTakeFirst(),
          );
        }
        return done;
      });
      const completed = events.filter((event) => event !== undefined);
      for (const event of completed) this.store.logger.info({ audit: event }, "audit");
      this.observer.recorded?.(completed);
      this.observer.closed?.();
    } catch (error) {
      this.observer.failed?.();
      for (const { id, completion } of entries) {
        this.store.logger.error(
          { auditId: id, ...completion, err: error },
          "audit record could not be completed",
        );
      }
    }
  }

  async resolveAbandoned(before: string): Promise<number> {
    const now = this.store.clock.now().toISOString();
    // An end whose notification was never settled (its console stopped in between) closes too.
    await this.store.db
      .updateTable("audit_events")
      .set({ closes_at: now })
      .where("closes_at", "is", null)
      .where("outcome", "<>", "pending")
      .where("at", "<", before)
      .execute();
    const resolved = await this.store.db
      .updateTable("audit_events")
      .set({
        closes_at: now,
        outcome: "interrupted",
        detail:
          "the console stopped during the call: Authlete may or may not have failed the ticket",
      })
      .where("outcome", "=", "pending")
      .where("job_id", "is", null)
      .where("at", "<", before)
      .returning(SELECTION)
      .execute();
    for (const event of resolved) this.store.logger.info({ audit: event }, "audit");
    this.observer.recorded?.(resolved);
    this.observer.closed?.();
    return resolved.length;
  }

  async amendNotification(id: number, notification: DeliveryState, openForMs = 0): Promise<void> {
    const closesAt = new Date(this.store.clock.now().getTime() + openForMs).toISOString();
    await this.#write(async () => {
      await this.store.db
        .updateTable("audit_events")
        .set({ notification, closes_at: closesAt })
        .where("id", "=", id)
        // A record in the chain no longer changes (a delivery again has its own record).
        .where("chain_seq", "is", null)
        .execute();
      return id;
    });
    this.observer.closed?.();
  }

  async amendDetail(id: number, detail: string): Promise<void> {
    await this.#write(async () => {
      await this.store.db
        .updateTable("audit_events")
        .set({ detail: storableText(detail) })
        .where("id", "=", id)
        .where("chain_seq", "is", null)
        .execute();
      return id;
    });
  }

  latestOfJobTicket(jobId: string, hash: string): Promise<AuditEvent | undefined> {
    return latestOfJobTicket(this.store.db, jobId, hash);
  }

  page(filters: AuditFilters, limit: number, cursor?: string) {
    return pageOf(this.store.db, filters, limit, cursor);
  }

  recentFailsOf(operator: string, email: string | null, limit: number) {
    return recentFailsOf(this.store.db, operator, email, limit);
  }

  previousActions(serviceId: string, ticket: string): Promise<PreviousAction[]> {
    return previousActionsOn(this.store.db, serviceId, ticket);
  }

  countActedOn(serviceId: string, tickets: string[]): Promise<number> {
    return countActedOn(this.store.db, serviceId, tickets);
  }

  async #rememberPeople(inputs: Pick<AuditInput, "operator" | "email">[]): Promise<void> {
    const fresh = new Map<string, { name: string; email: string }>();
    for (const { operator, email } of inputs) {
      const person = { name: storableText(operator), email: storableText(email ?? "") };
      const key = JSON.stringify(person);
      if (!this.#knownPeople.has(key)) fresh.set(key, person);
    }
    if (fresh.size === 0) return;
    await this.store.db
      .insertInto("audit_people")
      .values([...fresh.values()])
      .onConflict((conflict) => conflict.columns(["name", "email"]).doNothing())
      .execute();
    for (const key of fresh.keys()) this.#knownPeople.add(key);
  }

  async #insert(input: AuditInput): Promise<number> {
    await this.#rememberPeople([input]);
    const { id } = await this.store.db
      .insertInto("audit_events")
      .values(toRow(input, this.store.clock.now()))
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  }

  async #write(run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (error) {
      this.observer.failed?.();
      this.store.logger.error({ err: error }, "audit record could not be written");
      throw new StorageUnavailable("audit record", { cause: error });
    }
  }
}
