import type { z } from "zod";
import type { Store } from "../db/store";
import type { Checkpoint } from "../audit-chain/checkpoints";
import { createSinkStore } from "./sink-store";
import type { Lease, SinkStore, StreamBatch } from "./sink-store";
import type { AuditSink } from "../../shared/audit-sinks";
import type { auditStreamSettings } from "./settings";
import { createSyslogSink } from "./syslog-sink";
import { createWebhookSink } from "./webhook-sink";

type AuditStreamSettings = z.output<typeof auditStreamSettings>["auditStream"];

/** A send gives up after this long; the lease outlives it, so no other replica cuts in. */
const SEND_TIMEOUT_MS = 5000;
/** Retries back off up to this. */
const MAX_BACKOFF_MS = 60_000;
/** Batches one tick sends at most (a backlog goes on at the next tick). */
const BATCHES_PER_TICK = 20;
/** How often a lag above AUDIT_STREAM_MAX_LAG_SECONDS is logged again. */
const ALARM_EVERY_MS = 60_000;

export interface Sink {
  name: AuditSink["name"];
  /** Where it sends, for a supervisor's page: no secret. */
  target: string;
  send(batch: StreamBatch): Promise<void>;
  close(): Promise<void>;
}

export interface StreamObserver {
  delivered?(sink: string, records: number): void;
  failed?(sink: string): void;
}

/**
 * The audit stream (issue 22, part 2): each sink is a cursor over the chain's sequence, so
 * nothing is copied and nothing is dropped. Every replica ticks; the one holding a sink's lease
 * sends its next records in order and moves its cursor once the sink acknowledged them. A sink
 * that is down is retried with backoff and never blocks an action (nothing here is on an
 * action's path).
 */
export function createAuditStream(
  store: Store,
  settings: AuditStreamSettings,
  options: { owner: string; observer?: StreamObserver },
) {
  const sinks: Sink[] = [];
  const now = () => store.clock.epochMs();
  if (settings.webhook) {
    sinks.push(createWebhookSink({ ...settings.webhook, timeoutMs: SEND_TIMEOUT_MS, now }));
  }
  if (settings.syslog)
    sinks.push(createSyslogSink({ ...settings.syslog, timeoutMs: SEND_TIMEOUT_MS }));
  const sinkStore = createSinkStore(store);
  const leaseMs = 2 * settings.intervalMs + SEND_TIMEOUT_MS;
  const senders = sinks.map((sink) =>
    createSender(sink, sinkStore, { ...settings, leaseMs, ...options, logger: store.logger, now }),
  );

  let tick: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const runOnce = () =>
    (running ??= Promise.all(senders.map((sender) => sender.tick()))
      .then(() => undefined)
      .finally(() => (running = undefined)));

  return {
    enabled: sinks.length > 0,
    /** Signed checkpoints go out with the stream: kept here until every sink has them. */
    saveCheckpoint: (checkpoint: Checkpoint) => sinkStore.saveCheckpoint(checkpoint),
    async start(): Promise<void> {
      if (sinks.length === 0) return;
      await sinkStore.ensure(sinks.map((sink) => sink.name));
      tick = setInterval(() => void runOnce(), settings.intervalMs);
      tick.unref();
    },
    async stop(): Promise<void> {
      clearInterval(tick);
      await running;
      for (const sender of senders) await sender.release();
      for (const sink of sinks) await sink.close();
    },
    /** Each sink's state, the same on every replica (read from the database). */
    async states(): Promise<AuditSink[]> {
      const states = await sinkStore.states(
        sinks.map((sink) => sink.name),
        settings.maxLagMs,
      );
      return states.map((state) => ({
        ...state,
        name: state.name as AuditSink["name"],
        target: sinks.find((sink) => sink.name === state.name)!.target,
        state: state.failingSince === null ? "delivering" : "retrying",
      }));
    },
  };
}

export type AuditStream = ReturnType<typeof createAuditStream>;

function createSender(
  sink: Sink,
  sinkStore: SinkStore,
  options: {
    owner: string;
    batch: number;
    leaseMs: number;
    maxLagMs: number;
    observer?: StreamObserver;
    logger: Store["logger"];
    now: () => number;
  },
) {
  let failures = 0;
  let retryAt = 0;
  let alarmedAt = Number.NEGATIVE_INFINITY;

  async function checkLag(): Promise<void> {
    if (options.now() - alarmedAt < ALARM_EVERY_MS) return;
    const [state] = await sinkStore.states([sink.name], options.maxLagMs);
    if (state?.lagging) {
      alarmedAt = options.now();
      options.logger.warn(
        { sink: sink.name, recordsBehind: state.recordsBehind, secondsBehind: state.secondsBehind },
        "audit stream: the sink is behind more than AUDIT_STREAM_MAX_LAG_SECONDS",
      );
    }
  }

  async function sendNext(lease: Lease): Promise<"more" | "done" | "failed" | "lost"> {
    const records = await sinkStore.recordsAfter(lease.cursor, options.batch);
    const upTo = records.at(-1)?.chain_seq ?? lease.cursor;
    const checkpoints = await sinkStore.checkpointsBetween(lease.checkpointCursor, upTo);
    if (records.length === 0 && checkpoints.length === 0) return "done";
    try {
      await sink.send({ records, checkpoints });
    } catch (error) {
      failures += 1;
      // Exponential, with jitter so that replicas do not retry in step.
      const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(failures, 12));
      retryAt = options.now() + backoff * (0.5 + Math.random() / 2);
      const message = error instanceof Error ? error.message : String(error);
      await sinkStore.failed(sink.name, options.owner, message);
      options.observer?.failed?.(sink.name);
      // The message, not the stack: a refused connection's stack says nothing more.
      options.logger.warn(
        {
          sink: sink.name,
          failures,
          retryInMs: Math.round(retryAt - options.now()),
          error: message,
        },
        "audit stream: the sink did not take the batch (retried)",
      );
      return "failed";
    }
    failures = 0;
    lease.cursor = upTo;
    lease.checkpointCursor = checkpoints.at(-1)?.seq ?? lease.checkpointCursor;
    if (!(await sinkStore.delivered(sink.name, options.owner, lease))) return "lost";
    options.observer?.delivered?.(sink.name, records.length);
    return records.length < options.batch ? "done" : "more";
  }

  return {
    async tick(): Promise<void> {
      try {
        if (options.now() < retryAt) return;
        for (let sent = 0; sent < BATCHES_PER_TICK; sent++) {
          // Taken or renewed before each batch: it outlives one send, whatever the tick's length.
          const lease = await sinkStore.takeLease(sink.name, options.owner, options.leaseMs);
          if (!lease) return;
          if ((await sendNext(lease)) !== "more") break;
        }
        await checkLag();
      } catch (error) {
        options.logger.error({ err: error, sink: sink.name }, "audit stream: a tick failed");
      }
    },
    release: () => sinkStore.releaseLease(sink.name, options.owner),
  };
}
