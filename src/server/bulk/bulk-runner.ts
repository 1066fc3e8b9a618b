import { randomUUID } from "node:crypto";
import type { BulkJobRequest } from "../../shared/bulk-job";
import type { LineChoice } from "../../shared/bulk-job";
import type { Caller } from "../actions/caller";
import type { ResolvedService } from "../authlete/service-directory";
import { adoptJob } from "./adopt";
import { finishCutCancels, markUnsent } from "./cancel-marking";
import { Heartbeat } from "./heartbeat";
import { jobRecord, newJob } from "./job-record";
import type { StoredJob } from "./job-rows";
import { viewOf } from "./job-view";
import type { JobView } from "./job-view";
import { callsAndWritesDone, handOff, liveJob, runsHere } from "./live-job";
import type { LiveJob } from "./live-job";
import type { BulkRunnerOptions } from "./runner-options";
import { TicketDispatch, setStatus, settle } from "./ticket-dispatch";

/**
 * Runs bulk jobs (fail, or end issued requests): a p-queue per job bounds concurrency, p-retry retries 5xx and network
 * errors with exponential backoff (randomised ×1–2), 429's Retry-After holds the whole job, and
 * one ticket is never in flight twice, across jobs. Each ticket is one audited action call (the
 * same `performAction` as a single fail), so one record per ticket.
 *
 * Across replicas (decision 011): a job runs on the replica holding its lease in the database,
 * renewed every heartbeat. An operator's pause, resume or cancel on another replica is written
 * to the job and applied by the holder at its next heartbeat. A lease that runs out (its replica
 * died) is taken by one other replica (FOR UPDATE SKIP LOCKED), which goes on from the database.
 */
export class BulkRunner {
  readonly #jobs = new Map<string, LiveJob>();
  /** Sends each ticket, one call per ticket at a time across jobs. */
  readonly #dispatch: TicketDispatch;
  /** Each job's last settling (writes after its queue ran dry), for idle() to wait on. */
  readonly #settling = new Map<string, Promise<void>>();
  readonly #leaseMs: number;
  readonly #heartbeat: Heartbeat;
  #stopping = false;

  constructor(private readonly options: BulkRunnerOptions) {
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#dispatch = new TicketDispatch(options);
    this.#heartbeat = new Heartbeat(options, options.heartbeatMs ?? 1000, {
      leaseMs: this.#leaseMs,
      mine: () => [...this.#jobs.values()].filter(runsHere),
      lost: (job) => {
        handOff(job);
        this.#jobs.delete(job.id);
      },
      apply: async (jobId, action) => {
        if (this.#jobs.has(jobId)) await this[action](jobId);
      },
      adopt: (jobId) => this.#adopt(jobId),
    });
  }

  /** At start: takes over what the last run left (SQLite), then keeps leases alive. */
  async run(): Promise<string[]> {
    await finishCutCancels(this.options);
    const taken: string[] = [];
    if (this.options.soleReplica) {
      const { store, replicaId, clock } = this.options;
      const claim = () => store.claimOrphan(replicaId, clock.epochMs() + this.#leaseMs, 0, true);
      for (let id = await claim(); id !== undefined; id = await claim()) {
        taken.push(id);
        await this.#adopt(id);
      }
    }
    this.#heartbeat.start();
    return taken;
  }

  /** Starts a job for `caller`, owned by `ownerKey`, unless it has maxOpenJobs unfinished. */
  async start(
    request: BulkJobRequest,
    service: ResolvedService,
    caller: Caller,
    ownerKey: string,
    { maxOpenJobs } = { maxOpenJobs: Number.MAX_SAFE_INTEGER },
  ): Promise<{ ok: true; id: string } | { ok: false; open: number }> {
    const id = randomUUID();
    const made = newJob({
      id,
      request,
      service,
      caller,
      ownerKey,
      concurrency: this.options.concurrency,
      lease: { owner: this.options.replicaId, until: this.options.clock.epochMs() + this.#leaseMs },
      seal: this.options.seal,
    });
    const { held, settings } = made;
    const stored = await this.options.store.create(made.job, maxOpenJobs);
    if (!stored.ok) return stored;
    const job = this.#live(id, service, caller, settings, held);
    for (const seq of held.keys()) this.#enqueue(job, seq);
    return { ok: true, id };
  }

  /** The job as the page shows it (job-view.ts), or undefined when there is no such job. */
  async view(id: string): Promise<JobView | undefined> {
    const stored = await this.options.store.job(id);
    return stored && this.#viewOf(stored);
  }

  /** The newest jobs as the page shows them, in a constant number of queries. */
  async recentViews(limit: number): Promise<JobView[]> {
    return (await this.options.store.recentJobs(limit)).map((stored) => this.#viewOf(stored));
  }

  #viewOf(stored: StoredJob): JobView {
    return viewOf(stored, this.#jobs.get(stored.id), {
      sealed: this.options.seal !== undefined,
      windowMs: this.options.retryWindowMs,
      nowMs: this.options.clock.epochMs(),
    });
  }

  /** How many tickets this process holds for the job (0 once released). */
  heldTickets(id: string): number {
    return this.#jobs.get(id)?.tickets.size ?? 0;
  }

  /** Pauses here, or asks the replica running the job; false when it is not running. */
  async pause(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!runsHere(job)) return this.options.store.request(id, "pause");
    if (job.status !== "running") return false;
    job.queue.pause();
    await setStatus(this.options.store, job, "paused");
    return true;
  }

  async resume(id: string): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!runsHere(job)) return this.options.store.request(id, "resume");
    if (job.status !== "paused") return false;
    await setStatus(this.options.store, job, "running");
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
    if (!runsHere(job)) return this.options.store.request(id, "cancel");
    job.abort.abort();
    job.queue.clear();
    await setStatus(this.options.store, job, "cancelled");
    await markUnsent(
      this.options,
      id,
      jobRecord({ ...job, target: job.service.gateway.target.baseUrl }),
    );
    // clear() emits "idle" once nothing is in flight: #settle lets go of the tickets.
    if (job.queue.pending === 0) await this.#settle(job);
    return true;
  }

  /**
   * Sends the failed tickets of an ended job again: here if held, else from sealed copies. The
   * new calls are recorded under `by`, who asked for them.
   */
  async retryFailed(id: string, by: Caller): Promise<number> {
    const { store, replicaId } = this.options;
    let job = this.#jobs.get(id);
    if (job?.status === "running" || job?.status === "paused") return 0;
    if (
      !(await store.claimEnded(
        id,
        replicaId,
        this.options.clock.epochMs() + this.#leaseMs,
        this.options.clock.epochMs(),
      ))
    ) {
      return 0;
    }
    if (!job || job.tickets.size === 0) {
      const adopted = await adoptJob({ ...this.options, jobId: id, retrying: true });
      if (!adopted) return 0;
      job = this.#live(id, adopted.service, adopted.caller, adopted.request, adopted.tickets);
    }
    const failed = (await store.items(id, "failed", 0, Number.MAX_SAFE_INTEGER)).filter((item) =>
      job.tickets.has(item.seq),
    );
    clearTimeout(job.releaseTimer);
    job.caller = by;
    job.abort = new AbortController();
    await setStatus(this.options.store, job, "running");
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
    this.#heartbeat.stop();
    const jobs = [...this.#jobs.values()];
    for (const job of jobs) {
      clearTimeout(job.releaseTimer);
      if (job.status === "running" || job.status === "paused") handOff(job);
    }
    const drained = Promise.all(jobs.map(callsAndWritesDone));
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
    caller: Caller,
    request: Omit<BulkJobRequest, "tickets">,
    tickets: Map<number, { ticket: string; reason: LineChoice }>,
  ): LiveJob {
    const job = liveJob({ id, service, caller, request, tickets }, this.options.concurrency);
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

  /** Goes on with a job this replica just took the lease of. */
  async #adopt(id: string): Promise<void> {
    const adopted = await adoptJob({ ...this.options, jobId: id, retrying: false });
    if (!adopted) {
      await this.options.store.releaseLease(this.options.replicaId, id);
      this.options.logger.warn({ jobId: id }, "bulk job interrupted: nothing left to send");
      return;
    }
    const job = this.#live(id, adopted.service, adopted.caller, adopted.request, adopted.tickets);
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
    void job.queue
      .add(() => this.#dispatch.send(job, seq, () => this.#enqueue(job, seq)))
      .catch((error) => this.#logError(job, error));
  }

  #logError(job: LiveJob, error: unknown): void {
    this.options.logger.error({ err: error, jobId: job.id }, "bulk job failed unexpectedly");
  }

  async #settle(job: LiveJob): Promise<void> {
    const tickets = await settle(job, this.options);
    if (tickets === "untouched") return;
    if (tickets === "dropped") {
      this.#jobs.delete(job.id);
      return;
    }
    job.releaseTimer = setTimeout(() => {
      job.tickets.clear();
      if (this.#jobs.get(job.id) === job) this.#jobs.delete(job.id);
    }, this.options.retryWindowMs);
    job.releaseTimer.unref();
  }
}
