import type { AuditCompletion } from "../actions/audit-input";
import type { AuditTrail } from "../actions/audit-trail";
import type { Logger } from "../logger";
import type { BulkJobStore } from "./bulk-job-store";
import type { ItemUpdate } from "./item-rows";

/** An answered ticket's outcome: its record's completion and its new state. */
export interface TicketOutcome {
  jobId: string;
  seq: number;
  /** Absent when the record was never begun (it could not be written: nothing was sent). */
  record?: { id: number; completion: AuditCompletion };
  update: ItemUpdate;
}

/**
 * Writes answered tickets' outcomes in groups (group commit): whatever arrives while a group
 * is being written goes in the next one, in one transaction for the records and one for the
 * tickets' states. The slots never wait for it (npm run bench -- end). Only outcomes are
 * grouped: each ticket's pending record was durable before its call, so a crash now leaves
 * the ticket in flight with its record, resolved at takeover as before.
 */
export class OutcomeBatch {
  #waiting: { outcome: TicketOutcome; done: () => void }[] = [];
  #writing = false;

  constructor(
    private readonly deps: {
      audit: AuditTrail;
      store: BulkJobStore;
      logger: Logger;
      /** Items are written only while this replica holds the job's lease. */
      replicaId: string;
    },
  ) {}

  /** Resolves once the outcome is written (or its failure logged). */
  add(outcome: TicketOutcome): Promise<void> {
    return new Promise((done) => {
      this.#waiting.push({ outcome, done });
      if (!this.#writing) void this.#writeAll();
    });
  }

  async #writeAll(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const group = this.#waiting;
      this.#waiting = [];
      const outcomes = group.map((entry) => entry.outcome);
      try {
        await this.deps.audit.completeMany(outcomes.flatMap((outcome) => outcome.record ?? []));
        await this.deps.store.updateItems(outcomes, this.deps.replicaId);
      } catch (error) {
        this.deps.logger.error(
          { err: error, tickets: outcomes.length },
          "bulk outcomes not written: the tickets stay in flight, resolved at the next start",
        );
      }
      for (const entry of group) entry.done();
    }
    this.#writing = false;
  }
}
