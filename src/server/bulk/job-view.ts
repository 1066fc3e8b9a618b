import type { BulkJob } from "../../shared/bulk-job";
import type { StoredJob } from "./job-rows";
import { estimate, runsHere } from "./live-job";
import type { LiveJob } from "./live-job";

/** A job as the runner knows it; the routes add whether the asker may control it. */
export type JobView = Omit<BulkJob, "canControl"> & {
  /** For the routes' access check, never sent to the page. */
  ownerKey: string | null;
};

/**
 * The job as the page shows it: from the database, with live figures where this replica runs
 * it. No query of its own, so a list of jobs costs what reading them costs.
 */
export function viewOf(
  stored: StoredJob,
  live: LiveJob | undefined,
  retry: { sealed: boolean; windowMs: number; nowMs: number },
): JobView {
  const status = runsHere(live) ? live.status : stored.status;
  const remaining = stored.counts.queued + stored.counts["in-flight"];
  const ended = status !== "running" && status !== "paused";
  const sealedStillKept =
    retry.sealed &&
    stored.finishedAt !== null &&
    status !== "cancelled" &&
    retry.nowMs - Date.parse(stored.finishedAt) < retry.windowMs;
  const { leaseOwner: _leaseOwner, leaseUntil: _until, ...job } = stored;
  const canRetry =
    ended && stored.counts.failed > 0 && ((live?.tickets.size ?? 0) > 0 || sealedStillKept);
  return {
    ...job,
    status,
    estimateSeconds: live?.status === "running" ? estimate(live.finishedTimes, remaining) : null,
    canRetry,
    retryUntil:
      canRetry && stored.finishedAt !== null
        ? new Date(Date.parse(stored.finishedAt) + retry.windowMs).toISOString()
        : null,
  };
}
