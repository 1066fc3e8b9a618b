import { setTimeout as sleep } from "node:timers/promises";
import PQueue from "p-queue";
import type { BulkJob, BulkJobRequest } from "../../shared/bulk-job";
import type { LineChoice } from "../../shared/bulk-job";
import type { Caller } from "../actions/caller";
import type { ResolvedService } from "../authlete/service-directory";

export interface RetryPolicy {
  /** Tries per ticket for 5xx and network errors (a fail call is idempotent). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A job this process is running or still holds tickets of. */
export interface LiveJob {
  id: string;
  service: ResolvedService;
  /** Whose records its calls make: the request that started it, or that asked for Retry failed. */
  caller: Caller;
  request: Omit<BulkJobRequest, "tickets">;
  status: BulkJob["status"];
  /** p-queue: at most `concurrency` tickets of this job at once; paused with the job. */
  queue: PQueue;
  /** The only copy of each ticket, held while the job can still send it. */
  tickets: Map<number, { ticket: string; reason: LineChoice }>;
  /** Ends the retries of a cancelled job's tickets. */
  abort: AbortController;
  /** Authlete asked the whole token to wait until then (429 + Retry-After). */
  notBefore: number;
  finishedTimes: number[];
  releaseTimer: NodeJS.Timeout | undefined;
  /** Outcome writes of tickets already answered, overlapped with the next calls. */
  outcomeWrites: Set<Promise<void>>;
  /**
   * This replica stopped running the job (shutdown, or its lease was lost): it sends nothing
   * more and writes nothing more about the job; whoever holds the lease goes on with it.
   */
  handedOff: boolean;
}

/** Waits out the job's 429 Retry-After; a cancel ends the wait at once. */
export async function waitOutRateLimit(job: LiveJob): Promise<void> {
  const waitMs = job.notBefore - Date.now();
  if (waitMs <= 0 || job.abort.signal.aborted) return;
  await sleep(waitMs, undefined, { signal: job.abort.signal }).catch(() => undefined);
}

/** Seconds until done at the recent pace; null until there is a pace. */
export function estimate(finishedTimes: number[], remaining: number): number | null {
  if (remaining === 0) return 0;
  if (finishedTimes.length < 2) return null;
  const spanSeconds = Math.max(0.001, (finishedTimes.at(-1)! - finishedTimes[0]!) / 1000);
  return Math.ceil(remaining / ((finishedTimes.length - 1) / spanSeconds));
}

/** A job this replica starts running: its queue, and the tickets it holds. */
export function liveJob(
  job: Pick<LiveJob, "id" | "service" | "caller" | "request" | "tickets">,
  concurrency: number,
): LiveJob {
  return {
    ...job,
    status: "running",
    queue: new PQueue({ concurrency }),
    abort: new AbortController(),
    notBefore: 0,
    finishedTimes: [],
    releaseTimer: undefined,
    handedOff: false,
    outcomeWrites: new Set(),
  };
}

/**
 * Writes a ticket's outcome beside the job's next calls: its slot takes the next ticket at
 * once. The job settles (and a shutdown hands it back) only once these are written.
 */
export function writeOutcomeLater(job: LiveJob, written: Promise<void>): void {
  job.outcomeWrites.add(written);
  void written.finally(() => job.outcomeWrites.delete(written));
}

/** Resolves once every outcome write of the job so far is done. */
export async function outcomesWritten(job: LiveJob): Promise<void> {
  while (job.outcomeWrites.size > 0) await Promise.all(job.outcomeWrites);
}

/** This replica stops running the job at once (shutdown, or its lease was lost). */
export function handOff(job: LiveJob): void {
  job.handedOff = true;
  job.queue.pause();
  job.queue.clear();
  job.abort.abort();
}

/** Resolves once no call of the job is out and its outcomes are written (a shutdown's wait). */
export async function callsAndWritesDone(job: LiveJob): Promise<void> {
  await job.queue.onPendingZero();
  await outcomesWritten(job);
}

/**
 * Whether this process runs the job now: its copy is not handed off and not ended. An ended
 * copy may be stale (another replica may have retried the job since), so controls and views
 * go to the database instead (issue 19, item 14).
 */
export function runsHere(job: LiveJob | undefined): job is LiveJob {
  return (
    job !== undefined && !job.handedOff && (job.status === "running" || job.status === "paused")
  );
}
