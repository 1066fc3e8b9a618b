import type { BulkItem, BulkItemState, BulkJob } from "../../../shared/bulk-job";
import { REASONS } from "../../../shared/reasons";
import type { FailReason } from "../../../shared/reasons";

/**
 * What the page calls each item state. "failed" reads two ways in a console whose verb is
 * "fail", so the page says "error"; the API and the exports keep their values (README).
 */
export const ITEM_STATE_LABELS: Record<BulkItemState, string> = {
  queued: "queued",
  "in-flight": "in flight",
  succeeded: "done",
  failed: "error",
  "not-attempted": "not sent",
  "no-such-ticket": "no such ticket",
  interrupted: "interrupted",
};

/** A fail job's done ticket: what its client gets ("500 server_error"); otherwise empty. */
export function clientGetsOf(job: BulkJob, item: BulkItem): string {
  if (job.action !== "fail" || item.state !== "succeeded") return "";
  const info = REASONS[item.reason as FailReason] as (typeof REASONS)[FailReason] | undefined;
  return info ? `${info.clientStatus} ${info.error}` : "";
}

/** The job's figures as the bar and the tab's title show them. */
export function jobFigures(job: BulkJob) {
  const { counts, total } = job;
  const done = counts.succeeded;
  const noSuchTicket = counts["no-such-ticket"];
  const errors = counts.failed + counts.interrupted;
  const notSent = counts["not-attempted"];
  const remaining = counts.queued + counts["in-flight"];
  return { total, done, noSuchTicket, errors, notSent, remaining };
}

/** "finished, 11 errors": the status, with the errors it ended with. */
export function statusLabel(job: BulkJob): string {
  const { errors } = jobFigures(job);
  if (job.status === "running" || job.status === "paused" || errors === 0) return job.status;
  return `${job.status}, ${errors} ${errors === 1 ? "error" : "errors"}`;
}
