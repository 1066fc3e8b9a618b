import type { BulkJob } from "../../shared/bulk-job";
import type { BulkJobStore } from "./bulk-job-store";
import { outcomesWritten, waitOutRateLimit } from "./live-job";
import type { LiveJob } from "./live-job";
import type { BulkRunnerOptions } from "./runner-options";
import { sendTicket } from "./ticket-call";
import { OutcomeBatch } from "./outcome-batch";

/** Tickets whose end times make the estimate. */
const PACE_WINDOW = 50;

/**
 * Sends a job's ticket when its queue gets to it: one call per ticket at a time, across jobs
 * (a second job with the same ticket waits for the first call to end), and only while the job
 * is running here.
 */
export class TicketDispatch {
  /** serviceId + ticket → the call in flight, across jobs. */
  readonly #inFlight = new Map<string, Promise<unknown>>();
  /** Answered tickets' outcomes, written in groups beside the next calls. */
  readonly #outcomes: OutcomeBatch;

  constructor(
    private readonly options: Pick<
      BulkRunnerOptions,
      "audit" | "store" | "logger" | "retry" | "clock" | "delivery" | "replicaId"
    >,
  ) {
    this.#outcomes = new OutcomeBatch(options);
  }

  /** `requeue`: a job paused while the ticket waited sends it after resume. */
  async send(job: LiveJob, seq: number, requeue: () => void): Promise<void> {
    const entry = job.tickets.get(seq);
    if (!entry) return;
    const key = `${job.request.serviceId} ${entry.ticket}`;
    await waitOutRateLimit(job);
    for (let other = this.#inFlight.get(key); other; other = this.#inFlight.get(key)) {
      await other.catch(() => undefined);
    }
    if (job.handedOff) return; // Still queued in the database: the next holder sends it.
    if (job.status !== "running") {
      // Paused while waiting: back in the queue, sent after resume. Cancelled: already recorded.
      if (job.status === "paused") requeue();
      return;
    }
    // No await between the check above and this line: the ticket is claimed atomically.
    const { audit, store, logger, retry, delivery } = this.options;
    const outcomes = this.#outcomes;
    const call = sendTicket({ job, seq, entry, audit, store, logger, retry, delivery, outcomes });
    this.#inFlight.set(key, call);
    try {
      await call;
    } finally {
      this.#inFlight.delete(key);
      job.finishedTimes.push(this.options.clock.epochMs());
      if (job.finishedTimes.length > PACE_WINDOW) job.finishedTimes.shift();
    }
  }
}

export async function setStatus(
  store: BulkJobStore,
  job: LiveJob,
  status: BulkJob["status"],
): Promise<void> {
  job.status = status;
  await store.setStatus(job.id, status, status === "finished" || status === "cancelled");
}

/**
 * The queue ran dry. A running job is finished and its lease let go. An ended job keeps only
 * its failed tickets, for Retry failed, during the retry window; a cancelled job, or one with
 * nothing to retry, lets go of every ticket at once. Says whether the job's tickets are kept
 * (for the retry window) or dropped; "untouched" for a paused or handed-off job.
 */
export async function settle(
  job: LiveJob,
  options: Pick<BulkRunnerOptions, "store" | "replicaId">,
): Promise<"untouched" | "kept" | "dropped"> {
  const { store, replicaId } = options;
  await outcomesWritten(job);
  if (job.status === "paused" || job.handedOff) return "untouched";
  if (job.status === "running") await setStatus(store, job, "finished");
  await store.releaseLease(replicaId, job.id);
  const failed =
    job.status === "cancelled"
      ? []
      : await store.items(job.id, "failed", 0, Number.MAX_SAFE_INTEGER);
  const keep = new Set(failed.map((item) => item.seq));
  for (const seq of job.tickets.keys()) if (!keep.has(seq)) job.tickets.delete(seq);
  clearTimeout(job.releaseTimer);
  return job.tickets.size > 0 ? "kept" : "dropped";
}
