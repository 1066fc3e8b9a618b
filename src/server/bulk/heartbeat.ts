import type { JobRequest } from "./lease-rows";
import type { LiveJob } from "./live-job";
import type { BulkRunnerOptions } from "./runner-options";

/** What the heartbeat asks of the runner it keeps alive. */
export interface HeartbeatHooks {
  leaseMs: number;
  /** The jobs this replica runs now (running or paused, not handed off). */
  mine(): LiveJob[];
  /** Another replica took the job (this one stalled past its lease): stop it at once. */
  lost(job: LiveJob): void;
  /** A pause, resume or cancel asked on another replica. */
  apply(jobId: string, action: JobRequest): Promise<void>;
  /** Goes on with a job whose lease ran out. */
  adopt(jobId: string): Promise<void>;
}

/**
 * Every `intervalMs` (decision 011): renews this replica's leases, applies requests from other
 * replicas, takes one orphaned job, and now and then wipes sealed tickets past the retry window.
 */
export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;
  #beats = 0;
  #stopped = false;

  constructor(
    private readonly options: Pick<
      BulkRunnerOptions,
      "store" | "replicaId" | "clock" | "logger" | "retryWindowMs"
    >,
    private readonly intervalMs: number,
    private readonly hooks: HeartbeatHooks,
  ) {}

  start(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.#beat()
        .catch((error: unknown) => {
          this.options.logger.error({ err: error }, "bulk job heartbeat failed");
        })
        .finally(() => this.start());
    }, this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #beat(): Promise<void> {
    const { store, replicaId, clock, logger } = this.options;
    const { leaseMs } = this.hooks;
    const now = clock.epochMs();
    const mine = this.hooks.mine();
    const held = new Set(
      await store.renewLeases(
        replicaId,
        mine.map((job) => job.id),
        now + leaseMs,
      ),
    );
    for (const job of mine) {
      if (held.has(job.id)) continue;
      logger.error({ jobId: job.id }, "bulk job lease lost: another replica has it");
      this.hooks.lost(job);
    }
    for (const { jobId, action } of await store.takeRequests(replicaId)) {
      await this.hooks.apply(jobId, action);
    }
    if (this.#stopped) return;
    const orphan = await store.claimOrphan(replicaId, now + leaseMs, now, false);
    if (orphan !== undefined) await this.hooks.adopt(orphan);
    if (++this.#beats % 60 === 0) {
      await store.wipeSealedTickets(new Date(now - this.options.retryWindowMs).toISOString());
    }
  }
}
