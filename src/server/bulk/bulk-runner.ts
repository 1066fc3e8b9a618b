import { randomUUID } from "node:crypto";
import type { BulkJob, BulkJobRequest } from "../../shared/bulk-job";
import type { FailReason } from "../../shared/reasons";
import type { AuditCompletion, AuditTrail } from "../audit/audit-trail";
import { fingerprintOf } from "../audit/audit-trail";
import { answeredOutcome, failedCompletion } from "../audit/outcomes";
import type { Logger } from "../logger";
import { ProblemError } from "../problem";
import type { ResolvedService } from "../service-directory";
import type { Principal } from "../sessions";
import type { BulkStore } from "./bulk-store";

export interface RetryPolicy {
  /** Tries per ticket for 5xx and network errors (a fail call is idempotent). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Tries per ticket while Authlete answers 429, which says nothing about the ticket. */
  maxRateLimited: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimited: 20,
};

export interface BulkRunnerOptions {
  store: BulkStore;
  audit: AuditTrail;
  logger: Logger;
  concurrency: number;
  retry?: RetryPolicy;
  now?: () => number;
}

interface LiveItem {
  seq: number;
  ticket: string;
  reason: FailReason;
  attempts: number;
  rateLimited: number;
  retryAt: number;
  auditId: number | undefined;
}

interface LiveJob {
  id: string;
  serviceId: string;
  service: ResolvedService;
  principal: Principal;
  request: BulkJobRequest;
  status: BulkJob["status"];
  items: Map<number, LiveItem>;
  queue: number[];
  inFlight: number;
  /** Authlete asked the whole token to wait (429 + Retry-After). */
  notBefore: number;
  /** When recent tickets reached a final state, for the estimate. */
  finishedTimes: number[];
  workers: number;
}

const PACE_WINDOW = 50;

/**
 * Runs bulk fail jobs in the BFF, not the tab: at most `concurrency` calls in flight per job,
 * never two at once for one ticket (across jobs too), 429 honoured for the whole job, 5xx and
 * network errors retried with exponential backoff and jitter. Every change is written to the
 * store, so a reload reattaches and a restart can say what became of every ticket.
 */
export class BulkRunner {
  readonly #jobs = new Map<string, LiveJob>();
  /** serviceId + ticket of every call in flight, across jobs. */
  readonly #inFlight = new Set<string>();
  readonly #retry: RetryPolicy;
  readonly #now: () => number;

  constructor(private readonly options: BulkRunnerOptions) {
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#now = options.now ?? Date.now;
  }

  /**
   * At start: jobs a previous process left running can't go on (their tickets were in its
   * memory only). Queued tickets become not-attempted, those in flight interrupted.
   */
  recover(): string[] {
    const { store, audit } = this.options;
    const ids = store.unfinishedJobIds();
    for (const id of ids) {
      const job = store.job(id)!;
      const settings = store.jobSettings(id);
      for (const [from, to] of [
        ["queued", "not-attempted"],
        ["in-flight", "interrupted"],
      ] as const) {
        for (const item of store.moveItems(id, from, to)) {
          const completion = { outcome: to, detail: "the console stopped during the bulk job" };
          if (audit.completePendingOf(id, item.ticketHash, completion)) continue;
          audit.record({
            kind: "fail",
            outcome: to,
            operator: job.operator,
            email: settings?.email ?? null,
            role: "operator",
            serviceId: job.serviceId,
            ticketFingerprint: { hash: item.ticketHash, tail: item.ticketTail },
            reason: item.reason,
            jobId: id,
            detail: "the console stopped during the bulk job",
          });
        }
      }
      store.setStatus(id, "interrupted", true);
    }
    return ids;
  }

  start(request: BulkJobRequest, service: ResolvedService, principal: Principal): string {
    const id = randomUUID();
    const items = request.tickets.map((item, index) => ({
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
      items: items.map((item) => ({
        seq: item.seq,
        reason: item.reason,
        ...(({ hash, tail }) => ({ ticketHash: hash, ticketTail: tail }))(
          fingerprintOf(item.ticket),
        ),
      })),
    });
    const job: LiveJob = {
      id,
      serviceId: request.serviceId,
      service,
      principal,
      request,
      status: "running",
      items: new Map(
        items.map((item) => [
          item.seq,
          { ...item, attempts: 0, rateLimited: 0, retryAt: 0, auditId: undefined },
        ]),
      ),
      queue: items.map((item) => item.seq),
      inFlight: 0,
      notBefore: 0,
      finishedTimes: [],
      workers: 0,
    };
    this.#jobs.set(id, job);
    this.#spawnWorkers(job);
    return id;
  }

  /** The job as the page shows it; live figures when this process runs it. */
  view(id: string): BulkJob | undefined {
    const stored = this.options.store.job(id);
    if (!stored) return undefined;
    const live = this.#jobs.get(id);
    const remaining = stored.counts.queued + stored.counts["in-flight"];
    return {
      ...stored,
      status: live?.status ?? stored.status,
      estimateSeconds: live && live.status === "running" ? this.#estimate(live, remaining) : null,
      canRetry:
        live !== undefined &&
        live.status !== "running" &&
        stored.counts.failed + stored.counts.interrupted > 0,
    };
  }

  pause(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job?.status !== "running") return false;
    this.#setStatus(job, "paused");
    return true;
  }

  resume(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job?.status !== "paused") return false;
    this.#setStatus(job, "running");
    this.#spawnWorkers(job);
    return true;
  }

  /** Stops sending: queued tickets become not-attempted; calls in flight finish. */
  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job?.status !== "running" && job?.status !== "paused") return false;
    this.#setStatus(job, "cancelled");
    for (const seq of job.queue) {
      const item = job.items.get(seq)!;
      this.options.store.updateItem(job.id, seq, { state: "not-attempted" });
      this.#recordFinal(job, item, {
        outcome: "not-attempted",
        detail: "cancelled by an operator",
      });
    }
    job.queue = [];
    this.#finishIfDone(job);
    return true;
  }

  /** Sends the failed (and interrupted) tickets again, as a new run of the same job. */
  retryFailed(id: string): number {
    const job = this.#jobs.get(id);
    if (!job || job.status === "running") return 0;
    const again = [
      ...this.options.store.items(id, "failed", 0, Number.MAX_SAFE_INTEGER),
      ...this.options.store.items(id, "interrupted", 0, Number.MAX_SAFE_INTEGER),
    ];
    for (const stored of again) {
      const item = job.items.get(stored.seq)!;
      Object.assign(item, { attempts: 0, rateLimited: 0, retryAt: 0, auditId: undefined });
      this.options.store.updateItem(id, stored.seq, { state: "queued", error: null });
      job.queue.push(stored.seq);
    }
    if (again.length > 0) {
      this.#setStatus(job, "running");
      this.#spawnWorkers(job);
    }
    return again.length;
  }

  /** Resolves once every job of this process has stopped sending (tests, shutdown). */
  async idle(): Promise<void> {
    while ([...this.#jobs.values()].some((job) => job.workers > 0)) await delay(5);
  }

  #setStatus(job: LiveJob, status: BulkJob["status"]): void {
    job.status = status;
    this.options.store.setStatus(job.id, status, status === "finished" || status === "cancelled");
  }

  #spawnWorkers(job: LiveJob): void {
    const wanted = Math.min(this.options.concurrency, job.queue.length) - job.workers;
    for (let i = 0; i < wanted; i++) {
      job.workers++;
      void this.#work(job)
        .catch((error: unknown) =>
          this.options.logger.error({ err: error, jobId: job.id }, "bulk worker failed"),
        )
        .finally(() => {
          job.workers--;
          this.#finishIfDone(job);
        });
    }
  }

  async #work(job: LiveJob): Promise<void> {
    while (job.status === "running") {
      const now = this.#now();
      const index = job.queue.findIndex((seq) => {
        const item = job.items.get(seq)!;
        return item.retryAt <= now && !this.#inFlight.has(this.#key(job, item));
      });
      if (index === -1) {
        if (job.queue.length === 0) return;
        // Everything left waits for a backoff, a 429 or another job's call of the same ticket.
        await delay(Math.min(200, this.#nextReadyIn(job, now)));
        continue;
      }
      if (job.notBefore > now) {
        await delay(Math.min(200, job.notBefore - now));
        continue;
      }
      const [seq] = job.queue.splice(index, 1);
      await this.#attempt(job, job.items.get(seq!)!);
    }
  }

  async #attempt(job: LiveJob, item: LiveItem): Promise<void> {
    const { store, audit } = this.options;
    const key = this.#key(job, item);
    this.#inFlight.add(key);
    job.inFlight++;
    item.attempts++;
    try {
      if (item.auditId === undefined) {
        try {
          item.auditId = audit.begin(this.#auditBase(job, item));
        } catch (error) {
          // No record, no call: the ticket fails here with the reason.
          const detail = error instanceof ProblemError ? error.init.title : "audit unavailable";
          store.updateItem(job.id, item.seq, {
            state: "failed",
            attempts: item.attempts,
            error: detail,
          });
          this.#noteFinished(job);
          return;
        }
      }
      store.updateItem(job.id, item.seq, { state: "in-flight", attempts: item.attempts });
      const started = this.#now();
      try {
        const answer = await job.service.gateway.fail({
          serviceId: job.serviceId,
          backchannelAuthenticationFailRequest: {
            ticket: item.ticket,
            reason: item.reason,
            errorDescription: job.request.errorDescription,
            errorUri: job.request.errorUri,
          },
        });
        const outcome = answeredOutcome(answer.resultCode);
        store.updateItem(job.id, item.seq, {
          state: outcome === "succeeded" ? "succeeded" : "failed",
          resultCode: answer.resultCode ?? null,
          action: answer.action ?? null,
          upstreamStatus: 200,
          error: outcome === "succeeded" ? null : (answer.resultMessage ?? "refused"),
        });
        audit.complete(item.auditId, {
          outcome,
          resultCode: answer.resultCode,
          action: answer.action,
          upstreamStatus: 200,
          durationMs: this.#now() - started,
        });
        this.#noteFinished(job);
      } catch (error) {
        this.#afterError(job, item, error, this.#now() - started);
      }
    } finally {
      this.#inFlight.delete(key);
      job.inFlight--;
    }
  }

  #afterError(job: LiveJob, item: LiveItem, error: unknown, durationMs: number): void {
    const problem = error instanceof ProblemError ? error.init : undefined;
    const status = problem?.upstreamStatus;
    const transport =
      problem?.kind === "authlete-unreachable" ||
      problem?.kind === "authlete-timeout" ||
      problem?.kind === "authlete-bad-answer";
    const now = this.#now();
    if (status === 429 && item.rateLimited < this.#retry.maxRateLimited) {
      item.rateLimited++;
      item.attempts--; // Not the ticket's fault: it does not use up a try.
      const waitMs = (problem?.retryAfterSeconds ?? 1) * 1000;
      job.notBefore = Math.max(job.notBefore, now + waitMs);
      return this.#requeue(job, item, `rate-limited by Authlete; waiting ${waitMs} ms`, () =>
        failedCompletion(error, durationMs),
      );
    }
    const retryable = transport || (status !== undefined && status >= 500) || status === 429;
    if (retryable && item.attempts < this.#retry.maxAttempts) {
      const backoff = Math.min(
        this.#retry.maxDelayMs,
        this.#retry.baseDelayMs * 2 ** (item.attempts - 1),
      );
      // Full jitter: tickets retried together do not hit Authlete together again.
      item.retryAt = now + backoff / 2 + Math.random() * (backoff / 2);
      return this.#requeue(job, item, problem?.title ?? "unexpected error", () =>
        failedCompletion(error, durationMs),
      );
    }
    this.options.store.updateItem(job.id, item.seq, {
      state: "failed",
      upstreamStatus: status ?? null,
      resultCode: problem?.resultCode ?? null,
      error: problem?.title ?? "unexpected error (see the log)",
    });
    if (!problem) this.options.logger.error({ err: error, jobId: job.id }, "bulk fail call failed");
    this.options.audit.complete(item.auditId!, failedCompletion(error, durationMs));
    this.#noteFinished(job);
  }

  #requeue(job: LiveJob, item: LiveItem, why: string, completion: () => AuditCompletion): void {
    if (job.status === "cancelled") {
      // Cancelled while this call was out: it was tried, so it ends as failed, not retried.
      this.options.store.updateItem(job.id, item.seq, { state: "failed", error: why });
      this.options.audit.complete(item.auditId!, completion());
      this.#noteFinished(job);
      return;
    }
    this.options.store.updateItem(job.id, item.seq, { state: "queued", error: why });
    job.queue.push(item.seq);
  }

  #recordFinal(
    job: LiveJob,
    item: LiveItem,
    completion: { outcome: "not-attempted"; detail: string },
  ) {
    if (item.auditId !== undefined) {
      this.options.audit.complete(item.auditId, completion);
    } else {
      this.options.audit.record({ ...this.#auditBase(job, item), ...completion });
    }
  }

  #auditBase(job: LiveJob, item: LiveItem) {
    return {
      kind: "fail" as const,
      operator: job.principal.name,
      email: job.principal.email,
      role: job.principal.role,
      serviceId: job.serviceId,
      target: job.service.gateway.target.baseUrl,
      ticket: item.ticket,
      reason: item.reason,
      errorDescription: job.request.errorDescription,
      errorUri: job.request.errorUri,
      justification: job.request.justification,
      jobId: job.id,
    };
  }

  #noteFinished(job: LiveJob): void {
    job.finishedTimes.push(this.#now());
    if (job.finishedTimes.length > PACE_WINDOW) job.finishedTimes.shift();
  }

  #finishIfDone(job: LiveJob): void {
    if (
      job.status === "running" &&
      job.queue.length === 0 &&
      job.inFlight === 0 &&
      job.workers === 0
    ) {
      this.#setStatus(job, "finished");
    }
  }

  #estimate(job: LiveJob, remaining: number): number | null {
    const times = job.finishedTimes;
    if (times.length < 2 || remaining === 0) return remaining === 0 ? 0 : null;
    const perSecond = (times.length - 1) / Math.max(0.001, (times.at(-1)! - times[0]!) / 1000);
    return Math.ceil(remaining / perSecond);
  }

  #nextReadyIn(job: LiveJob, now: number): number {
    let soonest = Number.POSITIVE_INFINITY;
    for (const seq of job.queue) soonest = Math.min(soonest, job.items.get(seq)!.retryAt - now);
    return Math.max(5, Number.isFinite(soonest) ? soonest : 20);
  }

  #key(job: LiveJob, item: LiveItem): string {
    return `${job.serviceId} ${item.ticket}`;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
