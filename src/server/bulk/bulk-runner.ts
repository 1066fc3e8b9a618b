import { randomUUID } from "node:crypto";
import PQueue from "p-queue";
import type { BulkJob, BulkJobRequest } from "../../shared/bulk-job";
import type { FailReason } from "../../shared/reasons";
import type { Logger } from "../logger";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
import type { Principal } from "../identity/sessions";
import type { AuditInput, AuditTrail } from "../actions/audit-trail";
import type { BulkJobStore, JobRequest } from "./bulk-job-store";
import { fingerprintOf } from "../db/ticket-fingerprint";
import type { TicketSeal } from "./ticket-seal";
import { adoptJob, ownerRecord } from "./adopt";
import { estimate, jobRecord, waitOutRateLimit } from "./live-job";
import type { LiveJob, RetryPolicy } from "./live-job";
import { failTicket } from "./ticket-call";

/** Tickets a cancel marks not-attempted (and records) per write. */
const CANCEL_CHUNK = 50;

/** A job as the runner knows it; the routes add whether the asker may control it. */
export type JobView = Omit<BulkJob, "canControl">;

/** Tickets whose end times make the estimate. */
const PACE_WINDOW = 50;

export interface BulkRunnerOptions {
  store: BulkJobStore;
  audit: AuditTrail;
  services: ServiceDirectory;
  logger: Logger;
  concurrency: number;
  retry: RetryPolicy;
  /** How long an ended job keeps its failed tickets for Retry failed; then they are dropped. */
  retryWindowMs: number;
  /** Seals tickets into the database so that another replica can go on; absent: memory only. */
  seal: TicketSeal | undefined;
  /** This process, as the owner of job leases. */
  replicaId: string;
  /** SQLite: the only console on its database, so every unfinished job at start is its own. */
  soleReplica: boolean;
  /** A lease not renewed for this long is another replica's to take (default 10 s). */
  leaseMs?: number;
  /** How often leases are renewed and requests from other replicas read (default 1 s). */
  heartbeatMs?: number;
  /** The longest a call may take (AUTHLETE_TIMEOUT_MS): what a shutdown waits for. */
  callTimeoutMs: number;
}

/**
 * Runs bulk fail jobs: a p-queue per job bounds concurrency, p-retry retries 5xx and network
 * errors with exponential backoff (randomised ×1–2), 429's Retry-After holds the whole job, and
 * one ticket is never in flight twice, across jobs. Each ticket is one audited call (the same
 * `auditedFail` as a single fail), so one record per ticket.
 *
 * Across replicas (decision 011): a job runs on the replica holding its lease in the database,
 * renewed every heartbeat. An operator's pause, resume or cancel on another replica is written
 * to the job and applied by the holder at its next heartbeat. A lease that runs out (its replica
 * died) is taken by one other replica (FOR UPDATE SKIP LOCKED), which goes on from the database.
 */
export class BulkRunner {
  readonly #jobs = new Map<string, LiveJob>();
  /** serviceId + ticket → the call in flight, across jobs. */
  readonly #inFlight = new Map<string, Promise<unknown>>();
  /** Each job's last settling (writes after its queue ran dry), for idle() to wait on. */
  readonly #settling = new Map<string, Promise<void>>();
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | undefined;
  #beats = 0;
  #stopping = false;

  constructor(private readonly options: BulkRunnerOptions) {
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
  }

  /**
   * Marks a cancelled job's queued tickets not-attempted, one record each, a chunk at a time,
   * yielding between chunks: the whole of a 10,000-ticket job in one go held the event loop for
   * 0.5–0.8 s (bench: npm run bench -- trust).
   */
  async #markUnsent(id: string, record: Omit<AuditInput, "outcome">): Promise<void> {
    for (let afterSeq = 0; ;) {
      const neverSent = await this.options.store.moveItems(id, "queued", "not-attempted", {
        limit: CANCEL_CHUNK,
        afterSeq,
      });
      if (neverSent.length === 0) break;
      afterSeq = neverSent.at(-1)!.seq;
      await this.options.audit.recordMany(
        neverSent.map((item) => ({
          ...record,
          outcome: "not-attempted" as const,
          ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
          reason: item.reason,
          detail: "cancelled before it was sent (the job-control record says by whom)",
        })),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A cancel cut short by a crash left queued tickets in a cancelled job: finished now. */
  async #finishCutCancels(): Promise<void> {
    for (const id of await this.options.store.cancelledWithQueued()) {
      const settings = await this.options.store.jobSettings(id);
      if (!settings) continue;
      await this.#markUnsent(id, ownerRecord(id, settings));
      this.options.logger.warn({ jobId: id }, "a cancel cut short by a stop was finished");
    }
  }

  /** At start: takes over what the last run left (SQLite), then keeps leases alive. */
  async run(): Promise<string[]> {
    await this.#finishCutCancels();
    const taken: string[] = [];
    if (this.options.soleReplica) {
      for (;;) {
        const id = await this.options.store.claimOrphan(
          this.options.replicaId,
          Date.now() + this.#leaseMs,
          Date.now(),
          true,
        );
        if (id === undefined) break;
        taken.push(id);
        await this.#adopt(id);
      }
    }
    this.#scheduleBeat();
    return taken;
  }

  /** Starts a job for `principal`, owned by `ownerKey` (limits.ts). */
  async start(
    request: BulkJobRequest,
    service: ResolvedService,
    principal: Principal,
    ownerKey: string,
  ): Promise<string> {
    const id = randomUUID();
    const { tickets, ...settings } = request;
    const items = tickets.map((item, index) => ({
      seq: index + 1,
      ticket: item.ticket,
      reason: (item.reason ?? request.reason)!,
    }));
    await this.options.store.create({
      id,
      operator: principal.name,
      email: principal.email,
      role: principal.role,
      serviceId: request.serviceId,
      serviceName: service.name ?? null,
      concurrency: this.options.concurrency,
      reason: request.reason ?? null,
      errorDescription: request.errorDescription ?? null,
      errorUri: request.errorUri ?? null,
      justification: request.justification ?? null,
      ownerKey,
      lease: { owner: this.options.replicaId, until: Date.now() + this.#leaseMs },
      items: items.map(({ seq, ticket, reason }) => {
        const { hash, tail } = fingerprintOf(ticket);
        const sealed = this.options.seal?.seal(ticket, id, seq) ?? null;
        return { seq, reason, ticketHash: hash, ticketTail: tail, sealed };
      }),
    });
    const held = new Map(items.map(({ seq, ticket, reason }) => [seq, { ticket, reason }]));
    const job = this.#live(id, service, principal, settings, held);
    for (const { seq } of items) this.#enqueue(job, seq);
    return id;
  }

  /**
   * The job as the page shows it, from the database; live figures where this replica runs it.
   * `ownerKey` is for the routes' access check, never sent to the page.
   */
  async view(id: string): Promise<(JobView & { ownerKey: string | null }) | undefined> {
    const stored = await this.options.store.job(id);
    if (!stored) return undefined;
    const live = this.#jobs.get(id);
    const status = live && !live.handedOff ? live.status : stored.status;
    const remaining = stored.counts.queued + stored.counts["in-flight"];
    const ended = status !== "running" && status !== "paused";
    const sealedStillKept =
      this.options.seal !== undefined &&
      stored.finishedAt !== null &&
      status !== "cancelled" &&
      Date.now() - Date.parse(stored.finishedAt) < this.options.retryWindowMs;
    const { leaseOwner: _leaseOwner, leaseUntil: _until, ...job } = stored;
    return {
      ...job,
      status,
      estimateSeconds: live?.status === "running" ? estimate(live.finishedTimes, remaining) : null,
      canRetry:
        ended && stored.counts.failed > 0 && ((live?.tickets.size ?? 0) > 0 || sealedStillKept),
    };
  }

  /** How many tickets this process holds for the job (0 once released). */
  heldTickets(id: string): number {
    return this.#jobs.get(id)?.tickets.size ?? 0;
  }

  /** Pauses here, or asks the replica running the job; false when it is not running. */
  async pause(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!job || job.handedOff) return this.options.store.request(id, "pause");
    if (job.status !== "running") return false;
    job.queue.pause();
    await this.#setStatus(job, "paused");
    return true;
  }

  async resume(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!job || job.handedOff) return this.options.store.request(id, "resume");
    if (job.status !== "paused") return false;
    await this.#setStatus(job, "running");
    job.queue.start();
    // Every ticket had started before the pause: no "idle" is coming, so settle now.
    if (job.queue.size === 0 && job.queue.pending === 0) await this.#settle(job);
    return true;
  }

  /**
   * Stops sending. Tickets never sent become not-attempted (one record each, a chunk per write);
   * a ticket between retries stops retrying and ends failed with its last error.
   */
  async cancel(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!job || job.handedOff) return this.options.store.request(id, "cancel");
    if (job.status !== "running" && job.status !== "paused") return false;
    job.abort.abort();
    job.queue.clear();
    await this.#setStatus(job, "cancelled");
    await this.#markUnsent(id, jobRecord(job));
    // clear() emits "idle" once nothing is in flight: #settle lets go of the tickets.
    if (job.queue.pending === 0) await this.#settle(job);
    return true;
  }

  /**
   * Sends the failed tickets of an ended job again: here if held, else from sealed copies. The
   * new calls are recorded under `by`, who asked for them.
   */
  async retryFailed(id: string, by: Principal): Promise<number> {
    const { store, replicaId } = this.options;
    let job = this.#jobs.get(id);
    if (job?.status === "running" || job?.status === "paused") return 0;
    if (!(await store.claimEnded(id, replicaId, Date.now() + this.#leaseMs, Date.now()))) {
      return 0;
    }
    if (!job || job.tickets.size === 0) {
      const adopted = await adoptJob({ ...this.#adoptDeps(), jobId: id, retrying: true });
      if (!adopted) return 0;
      job = this.#live(id, adopted.service, adopted.principal, adopted.request, adopted.tickets);
    }
    const failed = (await store.items(id, "failed", 0, Number.MAX_SAFE_INTEGER)).filter((item) =>
      job.tickets.has(item.seq),
    );
    clearTimeout(job.releaseTimer);
    job.principal = by;
    job.abort = new AbortController();
    await this.#setStatus(job, "running");
    for (const item of failed) {
      await store.updateItem(id, item.seq, { state: "queued", error: null });
      this.#enqueue(job, item.seq);
    }
    if (failed.length === 0) await this.#settle(job);
    return failed.length;
  }

  /** Resolves once no job of this process is sending (tests). */
  async idle(): Promise<void> {
    for (const job of [...this.#jobs.values()]) {
      await (job.status === "running" ? job.queue.onIdle() : job.queue.onPendingZero());
    }
    await Promise.all(this.#settling.values());
  }

  /**
   * Shutdown: starts nothing new, stops retries, lets calls Authlete is answering end (at most
   * the call timeout), then hands every unfinished job back: its lease is released, so another
   * replica (or the next start on SQLite) goes on with its queued tickets.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearTimeout(this.#heartbeat);
    const jobs = [...this.#jobs.values()];
    for (const job of jobs) {
      clearTimeout(job.releaseTimer);
      if (job.status === "running" || job.status === "paused") {
        job.handedOff = true;
        job.queue.pause();
        job.queue.clear();
        job.abort.abort();
      }
    }
    const drained = Promise.all(jobs.map((job) => job.queue.onPendingZero()));
    const limit = new Promise((resolve) => setTimeout(resolve, this.options.callTimeoutMs + 1000));
    await Promise.race([drained, limit]);
    for (const job of jobs) {
      if (job.handedOff) await this.options.store.releaseLease(this.options.replicaId, job.id);
    }
    this.#jobs.clear();
  }

  #live(
    id: string,
    service: ResolvedService,
    principal: Principal,
    request: Omit<BulkJobRequest, "tickets">,
    tickets: Map<number, { ticket: string; reason: FailReason }>,
  ): LiveJob {
    const job: LiveJob = {
      id,
      service,
      principal,
      request,
      status: "running",
      queue: new PQueue({ concurrency: this.options.concurrency }),
      tickets,
      abort: new AbortController(),
      notBefore: 0,
      finishedTimes: [],
      releaseTimer: undefined,
      handedOff: false,
    };
    job.queue.on("idle", () => {
      const settling = this.#settle(job).catch((error: unknown) => this.#logError(job, error));
      this.#settling.set(id, settling);
      void settling.finally(() => {
        if (this.#settling.get(id) === settling) this.#settling.delete(id);
      });
    });
    this.#jobs.set(id, job);
    return job;
  }

  #adoptDeps() {
    const { store, audit, services, seal, logger } = this.options;
    return { store, audit, services, seal, logger };
  }

  /** Goes on with a job this replica just took the lease of. */
  async #adopt(id: string): Promise<void> {
    const adopted = await adoptJob({ ...this.#adoptDeps(), jobId: id, retrying: false });
    if (!adopted) {
      await this.options.store.releaseLease(this.options.replicaId, id);
      this.options.logger.warn({ jobId: id }, "bulk job interrupted: nothing left to send");
      return;
    }
    const job = this.#live(
      id,
      adopted.service,
      adopted.principal,
      adopted.request,
      adopted.tickets,
    );
    this.options.logger.info(
      { jobId: id, queued: adopted.queued.length },
      "bulk job taken over: going on with its queued tickets",
    );
    if (adopted.status === "paused") {
      job.status = "paused";
      job.queue.pause();
    }
    for (const seq of adopted.queued) this.#enqueue(job, seq);
  }

  #enqueue(job: LiveJob, seq: number): void {
    void job.queue.add(() => this.#send(job, seq)).catch((error) => this.#logError(job, error));
  }

  #logError(job: LiveJob, error: unknown): void {
    this.options.logger.error({ err: error, jobId: job.id }, "bulk job failed unexpectedly");
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
    if (job.handedOff) return; // Still queued in the database: the next holder sends it.
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

  async #setStatus(job: LiveJob, status: BulkJob["status"]): Promise<void> {
    job.status = status;
    await this.options.store.setStatus(
      job.id,
      status,
      status === "finished" || status === "cancelled",
    );
  }

  /**
   * The queue ran dry. A running job is finished and its lease let go. An ended job keeps only
   * its failed tickets, for Retry failed, during the retry window; a cancelled job, or one
   * with nothing to retry, lets go of every ticket at once.
   */
  async #settle(job: LiveJob): Promise<void> {
    if (job.status === "paused" || job.handedOff) return;
    if (job.status === "running") await this.#setStatus(job, "finished");
    await this.options.store.releaseLease(this.options.replicaId, job.id);
    const failed =
      job.status === "cancelled"
        ? []
        : await this.options.store.items(job.id, "failed", 0, Number.MAX_SAFE_INTEGER);
    const keep = new Set(failed.map((item) => item.seq));
    for (const seq of job.tickets.keys()) if (!keep.has(seq)) job.tickets.delete(seq);
    clearTimeout(job.releaseTimer);
    if (job.tickets.size === 0) {
      this.#jobs.delete(job.id);
      return;
    }
    job.releaseTimer = setTimeout(() => {
      job.tickets.clear();
      if (this.#jobs.get(job.id) === job) this.#jobs.delete(job.id);
    }, this.options.retryWindowMs);
    job.releaseTimer.unref();
  }

  #scheduleBeat(): void {
    if (this.#stopping) return;
    this.#heartbeat = setTimeout(() => {
      void this.#beat()
        .catch((error: unknown) => {
          this.options.logger.error({ err: error }, "bulk job heartbeat failed");
        })
        .finally(() => this.#scheduleBeat());
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Keeps leases, applies requests from other replicas, takes one orphaned job. */
  async #beat(): Promise<void> {
    const { store, replicaId } = this.options;
    const now = Date.now();
    const mine = [...this.#jobs.values()].filter(
      (job) => !job.handedOff && (job.status === "running" || job.status === "paused"),
    );
    const held = new Set(
      await store.renewLeases(
        replicaId,
        mine.map((job) => job.id),
        now + this.#leaseMs,
      ),
    );
    for (const job of mine) {
      if (held.has(job.id)) continue;
      // Another replica took the job (this one stalled past its lease): stop at once.
      this.options.logger.error({ jobId: job.id }, "bulk job lease lost: another replica has it");
      job.handedOff = true;
      job.queue.clear();
      job.abort.abort();
      this.#jobs.delete(job.id);
    }
    for (const { jobId, action } of await store.takeRequests(replicaId)) {
      await this.#apply(jobId, action);
    }
    if (this.#stopping) return;
    const orphan = await store.claimOrphan(replicaId, now + this.#leaseMs, now, false);
    if (orphan !== undefined) await this.#adopt(orphan);
    if (++this.#beats % 60 === 0) {
      await store.wipeSealedTickets(new Date(now - this.options.retryWindowMs).toISOString());
    }
  }

  async #apply(id: string, action: JobRequest): Promise<void> {
    const job = this.#jobs.get(id);
    if (!job) return;
    if (action === "pause") await this.pause(id);
    else if (action === "resume") await this.resume(id);
    else await this.cancel(id);
  }
}
