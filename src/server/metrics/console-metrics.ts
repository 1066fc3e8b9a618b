import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { AuditKind, AuditOutcome } from "../../shared/audit";
import { END_RESULTS } from "../../shared/end-request";
import { FAIL_REASONS } from "../../shared/reasons";
import type { Store } from "../db/store";

/** What an audit write tells the metrics: never the ticket, the person or the service. */
export interface RecordedAction {
  kind: AuditKind;
  reason?: string | null;
  outcome: AuditOutcome;
}

/** A sink's state as the stream reads it from the database (shared by every replica). */
export interface SinkLag {
  name: string;
  recordsBehind: number;
  secondsBehind: number;
  /** Behind more than AUDIT_STREAM_MAX_LAG_SECONDS. */
  lagging: boolean;
}

// Labels take only values from these lists: a typed reason of an invalid request is "other".
const KNOWN_REASONS = new Set<string>([...FAIL_REASONS, ...END_RESULTS]);

/**
 * The console's Prometheus series (issue 22, part 3), one registry per console so that tests
 * that build several in one process do not share counts. Counters and the histogram count what
 * this process did (sum them over replicas); gauges of shared state (jobs, approvals, sinks)
 * are read from the database at each scrape, so every replica reports the same value: take
 * one replica's, or `max`, never the sum.
 */
export function createConsoleMetrics(
  store: Store,
  sinkLag: () => Promise<SinkLag[]> = () => Promise.resolve([]),
) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const actions = new Counter({
    name: "ciba_console_actions_total",
    help: "Actions recorded by this process, by kind, reason (a fail's reason or an end's result) and outcome.",
    labelNames: ["kind", "reason", "outcome"] as const,
    registers,
  });
  const auditWriteFailures = new Counter({
    name: "ciba_console_audit_write_failures_total",
    help: "Audit writes of this process that did not land (the action was refused with 503, or its completion is only in the log).",
    registers,
  });
  const authleteCalls = new Histogram({
    name: "ciba_console_authlete_call_duration_seconds",
    help: "Authlete API calls of this process, by operation and HTTP status (timeout or network when there was none).",
    labelNames: ["operation", "status"] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const authleteRateLimited = new Counter({
    name: "ciba_console_authlete_rate_limited_total",
    help: "Authlete calls of this process answered 429 Too Many Requests, by operation.",
    labelNames: ["operation"] as const,
    registers,
  });
  const signInRefusals = new Counter({
    name: "ciba_console_sign_in_refusals_total",
    help: "Sign-ins this process refused, by outcome (refused: a wrong code or account; forbidden: no role).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const sinkFailures = new Counter({
    name: "ciba_console_audit_sink_failures_total",
    help: "Failed deliveries of audit batches by this process, by sink.",
    labelNames: ["sink"] as const,
    registers,
  });
  const sinkDelivered = new Counter({
    name: "ciba_console_audit_sink_delivered_records_total",
    help: "Audit records this process delivered, by sink.",
    labelNames: ["sink"] as const,
    registers,
  });

  // A scrape must answer even when the database does not: the gauge is left out, and logged.
  const fromDatabase = (what: string, read: (gauge: Gauge<string>) => Promise<void>) =>
    async function (this: Gauge<string>) {
      this.reset();
      try {
        await read(this);
      } catch (error) {
        store.logger.error({ err: error }, `metrics: ${what} could not be read`);
      }
    };
  // Shared state, counted by one GROUP BY at each scrape: the same on every replica.
  const countedBy = (table: "bulk_jobs" | "approvals", column: "status" | "state") =>
    fromDatabase(table, async (gauge) => {
      const rows = await store.db
        .selectFrom(table)
        .select([`${column} as value`, (eb) => eb.fn.countAll<number | string>().as("count")])
        .groupBy(column)
        .execute();
      for (const row of rows) gauge.set({ [column]: String(row.value) }, Number(row.count));
    });
  new Gauge({
    name: "ciba_console_bulk_jobs",
    help: "Bulk jobs by status (shared state, read from the database: the same on every replica).",
    labelNames: ["status"],
    registers,
    collect: countedBy("bulk_jobs", "status"),
  });
  new Gauge({
    name: "ciba_console_approvals",
    help: "Four-eyes approval requests by state (shared state, read from the database).",
    labelNames: ["state"],
    registers,
    collect: countedBy("approvals", "state"),
  });
  new Gauge({
    name: "ciba_console_audit_sink_lag_records",
    help: "Audit records in the chain that a sink has not yet received (shared state).",
    labelNames: ["sink"],
    registers,
    collect: fromDatabase("sink lag", async (gauge) => {
      for (const lag of await sinkLag()) gauge.set({ sink: lag.name }, lag.recordsBehind);
    }),
  });
  new Gauge({
    name: "ciba_console_audit_sink_lag_seconds",
    help: "How long the oldest audit record a sink has not received has waited (shared state).",
    labelNames: ["sink"],
    registers,
    collect: fromDatabase("sink lag", async (gauge) => {
      for (const lag of await sinkLag()) gauge.set({ sink: lag.name }, lag.secondsBehind);
    }),
  });
  new Gauge({
    name: "ciba_console_audit_sink_lagging",
    help: "1 while a sink is behind more than AUDIT_STREAM_MAX_LAG_SECONDS: the stream's alarm.",
    labelNames: ["sink"],
    registers,
    collect: fromDatabase("sink lag", async (gauge) => {
      for (const lag of await sinkLag()) gauge.set({ sink: lag.name }, lag.lagging ? 1 : 0);
    }),
  });

  return {
    registry,
    recorded: (events: readonly RecordedAction[]): void => {
      for (const { kind, reason, outcome } of events) {
        if (outcome === "pending") continue; // counted when it completes
        const known = reason == null ? "" : KNOWN_REASONS.has(reason) ? reason : "other";
        actions.inc({ kind, reason: known, outcome });
      }
    },
    auditWriteFailed: (): void => {
      auditWriteFailures.inc();
    },
    authleteCall: (operation: string, seconds: number, status: string): void => {
      authleteCalls.observe({ operation, status }, seconds);
      if (status === "429") authleteRateLimited.inc({ operation });
    },
    signInRefused: (outcome: string): void => {
      signInRefusals.inc({ outcome });
    },
    sinkDelivered: (sink: string, records: number): void => {
      sinkDelivered.inc({ sink }, records);
    },
    sinkFailed: (sink: string): void => {
      sinkFailures.inc({ sink });
    },
  };
}

export type ConsoleMetrics = ReturnType<typeof createConsoleMetrics>;
