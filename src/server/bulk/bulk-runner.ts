import { randomUUID } from "node:crypto";
import PQueue from "p-queue";
import type { BulkJob, BulkJobRequest } from "../../shared/bulk-job";
import type { Logger } from "../logger";
import type { ResolvedService } from "../service-directory";
import type { Principal } from "../sessions";
import type { AuditTrail } from "../store/audit-trail";
import type { BulkJobStore } from "../store/bulk-job-store";
import { fingerprintOf } from "../store/fingerprint";
import { recoverUnfinishedJobs } from "./recovery";
import { estimate, jobRecord, waitOutRateLimit } from "./live-job";
import type { LiveJob } from "./live-job";
import { failTicket } from "./ticket-call";

export interface RetryPolicy {
  /** Tries per ticket for 5xx and network errors (a fail call is idempotent). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Tickets whose end times make the estimate. */
const PACE_WINDOW = 50;

export interface BulkRunnerOptions {
  store: BulkJobStore;
  audit: AuditTrail;
  logger: Logger;
  concurrency: number;
  retry: RetryPolicy;
  /** How long an ended job keeps its failed tickets for Retry failed; then they are dropped. */
  retryWindowMs: number;
}

/**
 * Runs bulk fail jobs in the BFF: a p-queue per job bounds concurrency, p-retry retries 5xx and
 * network errors with exponential backoff (randomised ×1–2), 429's Retry-After holds the whole
 * job, and one ticket is never in flight twice, across jobs. Each ticket is one audited call
 * (the same `auditedFail` as a single fail), so one record per ticket. Every state change is
 * written to the store, so a reload reattaches and a restart can say what became of each ticket.
 */
export class BulkRunner {
  readonly #jobs = new Map<string, LiveJob>();
  /** serviceId + ticket → the call in flight, across jobs. */
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly options: BulkRunnerOptions) {}

  /** At start: what a previous process left running ends interrupted (see recovery.ts). */
  recover(): string[] {
    return recoverUnfinishedJobs(this.options.store, this.options.audit);
  }

  start(request: BulkJobRequest, service: ResolvedService, principal: Principal): string {
    const id = randomUUID();
    const { tickets, ...settings } = request;
    const items = tickets.map((item, index) => ({
      seq: index + 1,
      ticket: item.ticket,
      reason: (item.reason ?? request.reason)!,
    }));
    this.options.store.create({
      id,
      operator: principal.name,
      email: principal.email,
      serviceId: request.serviceId,
      serviceName: service.name ?? null,
      concurrency: this.options.concurrency,
      reason: request.reason ?? null,
      errorDescription: request.errorDescription ?? null,
      errorUri: request.errorUri ?? null,
      justification: request.justification ?? null,
      items: items.map(({ seq, ticket, reason }) => {
        const { hash, tail } = fingerprintOf(ticket);
        return { seq, reason, ticketHash: hash, ticketTail: tail };
      }),
    });
    const job: LiveJob = {
      id,
      service,
      principal,
      request: settings,
      status: "running",
      queue: new PQueue({ concurrency: this.options.concurrency }),
      tickets: new Map(items.map(({ seq, ticket, reason }) => [seq, { ticket, reason }])),
      abort: new AbortController(),
      notBefore: 0,
      finishedTimes: [],
      releaseTimer: undefined,
    };
    job.queue.on("idle", () => this.#settle(job));
    this.#jobs.set(id, job);
    for (const { seq } of items) this.#enqueue(job, seq);
    return id;
  }

  /** The job as the page shows it; live figures while this process holds it. */
  view(id: string): BulkJob | undefined {
    const stored = this.options.store.job(id);
    if (!stored) return undefined;
    const live = this.#jobs.get(id);
    const remaining = stored.counts.queued + stored.counts["in-flight"];
    const ended = live !== undefined && live.status !== "running" && live.status !== "paused";
    return {
      ...stored,
      status: live?.status ?? stored.status,
      estimateSeconds: live?.status === "running" ? estimate(live.finishedTimes, remaining) : null,
      canRetry: ended && live.tickets.size > 0 && stored.counts.failed > 0,
    };
  }

  /** How many tickets this process holds for the job (0 once released). */
  heldTickets(id: string): number {
    return this.#jobs.get(id)?.tickets.size ?? 0;
  }

  pause(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job?.status !== "running") return false;
    job.queue.pause();
    this.#setStatus(job, "paused");
    return true;
  }

  resume(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job?.status !== "paused") return false;
    this.#setStatus(job, "running");
    job.queue.start();
    // Every ticket had started before the pause: no "idle" is coming, so settle now.
    if (job.queue.size === 0 && job.queue.pending === 0) this.#settle(job);
    return true;
  }

  /**
   * Stops sending. Tickets never sent become not-attempted (one record each, in one write);
   * a ticket between retries stops retrying and ends failed with its last error.
   */
  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job?.status !== "running" && job?.status !== "paused") return false;
    this.#setStatus(job, "cancelled");
    job.abort.abort();
    job.queue.clear();
    const neverSent = this.options.store.moveItems(id, "queued", "not-attempted");
    this.options.audit.recordMany(
      neverSent.map((item) => ({
        ...jobRecord(job),
        outcome: "not-attempted" as const,
        ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
        reason: item.reason,
        detail: "cancelled by an operator before it was sent",
      })),
    );
    return true; // clear() emits "idle" once nothing is in flight: #settle lets go of the tickets.
  }

  /** Sends the failed tickets of an ended job again, while it still holds them. */
  retryFailed(id: string): number {
    const job = this.#jobs.get(id);
    if (!job || job.status === "running" || job.status === "paused") return 0;
    const failed = this.options.store
      .items(id, "failed", 0, Number.MAX_SAFE_INTEGER)
      .filter((item) => job.tickets.has(item.seq));
    if (failed.length === 0) return 0;
    clearTimeout(job.releaseTimer);
    this.#setStatus(job, "running");
    for (const item of failed) {
      this.options.store.updateItem(id, item.seq, { state: "queued", error: null });
      this.#enqueue(job, item.seq);
    }
    return failed.length;
  }

  /** Resolves once no job of this process is sending (tests, shutdown). */
  async idle(): Promise<void> {
    for (const job of this.#jobs.values()) {
      await (job.status === "running" ? job.queue.onIdle() : job.queue.onPendingZero());
    }
  }

  /** Shutdown: starts nothing new, lets calls in flight end; the next start recovers the rest. */
  async stop(): Promise<void> {
    for (const job of this.#jobs.values()) {
      job.queue.pause();
      clearTimeout(job.releaseTimer);
    }
    await Promise.all([...this.#jobs.values()].map((job) => job.queue.onPendingZero()));
  }

  #enqueue(job: LiveJob, seq: number): void {
    void job.queue
      .add(() => this.#send(job, seq))
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, jobId: job.id }, "bulk ticket failed unexpectedly");
      });
  }

  async #send(job: LiveJob, seq: number): Promise<void> {
    const entry = job.tickets.get(seq);
    if (!entry) return;
    const key = `${job.request.serviceId} ${entry.ticket}`;
    await waitOutRateLimit(job);
    // One call per ticket at a time, across jobs: wait for the other one to end.
    for (let other = this.#inFlight.get(key); other; other = this.#inFlight.get(key)) {
      await other.catch(() => undefined);
    }
    if (job.status !== "running") {
      // Paused while waiting: back in the queue, sent after resume. Cancelled: already recorded.
      if (job.status === "paused") this.#enqueue(job, seq);
      return;
    }
    // No await between the check above and this line: the ticket is claimed atomically.
    const call = failTicket({
      job,
      seq,
      entry,
      audit: this.options.audit,
      store: this.options.store,
      logger: this.options.logger,
      retry: this.options.retry,
    });
    this.#inFlight.set(key, call);
    try {
      await call;
    } finally {
      this.#inFlight.delete(key);
      job.finishedTimes.push(Date.now());
      if (job.finishedTimes.length > PACE_WINDOW) job.finishedTimes.shift();
    }
  }

  #setStatus(job: LiveJob, status: BulkJob["status"]): void {
    job.status = status;
    this.options.store.setStatus(job.id, status, status === "finished" || status === "cancelled");
  }

  /**
   * The queue ran dry. A running job is finished. An ended job keeps only its failed tickets,
   * for Retry failed, during the retry window; a cancelled job, or one with nothing to retry,
   * lets go of every ticket at once.
   */
  #settle(job: LiveJob): void {
    if (job.status === "paused") return;
    if (job.status === "running") this.#setStatus(job, "finished");
    const failed =
      job.status === "cancelled"
        ? []
        : this.options.store.items(job.id, "failed", 0, Number.MAX_SAFE_INTEGER);
    const keep = new Set(failed.map((item) => item.seq));
    for (const seq of job.tickets.keys()) if (!keep.has(seq)) job.tickets.delete(seq);
    clearTimeout(job.releaseTimer);
    if (job.tickets.size === 0) {
      this.#jobs.delete(job.id);
      return;
    }
    job.releaseTimer = setTimeout(() => {
      job.tickets.clear();
      this.#jobs.delete(job.id);
    }, this.options.retryWindowMs);
    job.releaseTimer.unref();
  }
}
