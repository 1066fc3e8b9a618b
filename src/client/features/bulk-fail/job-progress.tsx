import { useEffect, useRef } from "react";
import type { BulkJob } from "../../../shared/bulk-job";
import { useTitleProgress } from "../../lib/page-title";
import { jobFigures } from "./item-labels";

const SEGMENTS = [
  { key: "done", label: "done" },
  { key: "errors", label: "errors" },
  { key: "notSent", label: "not sent" },
  { key: "remaining", label: "remaining" },
] as const;

/**
 * A job's progress as it is: a bar in four segments (done, errors, not sent, remaining), so a
 * job cancelled at 12 of 60 shows 12 done and 48 not sent, not a bar 93 % full. The tab's title
 * carries it while the job runs, and the page notifies when the job ends (if allowed).
 */
export function JobProgress({ job }: { job: BulkJob }) {
  const figures = jobFigures(job);
  const settled = figures.total - figures.remaining;
  const percent = figures.total === 0 ? 100 : Math.floor((settled / figures.total) * 100);
  const running = job.status === "running";
  useTitleProgress(
    running
      ? `▶ ${percent} %${figures.errors > 0 ? ` · ${figures.errors} ${figures.errors === 1 ? "error" : "errors"}` : ""}`
      : "",
  );
  useNotifyWhenEnded(job);
  // An end job's "no such ticket" is settled too: drawn with the done ones, said apart.
  const widths = { ...figures, done: figures.done + figures.noSuchTicket };
  const said = [
    ...SEGMENTS.map(({ key, label }) => `${figures[key]} ${label}`),
    ...(figures.noSuchTicket > 0 ? [`${figures.noSuchTicket} no such ticket`] : []),
  ].join(", ");
  return (
    <div
      className="segmented-bar"
      role="progressbar"
      aria-label="Progress"
      aria-valuemin={0}
      aria-valuemax={figures.total}
      aria-valuenow={settled}
      aria-valuetext={`${said}, of ${figures.total} tickets`}
    >
      {SEGMENTS.map(({ key }) =>
        widths[key] > 0 ? (
          <span key={key} className={`segment segment-${key}`} style={{ flexGrow: widths[key] }} />
        ) : null,
      )}
    </div>
  );
}

/** Asks once, when a job is being watched; says so when it ends while the tab is elsewhere. */
function useNotifyWhenEnded(job: BulkJob) {
  const wasRunning = useRef(job.status === "running");
  useEffect(() => {
    if (!("Notification" in window)) return;
    if (job.status === "running" && Notification.permission === "default") {
      void Notification.requestPermission();
    }
    if (wasRunning.current && job.status !== "running" && job.status !== "paused") {
      const { done, errors, notSent } = jobFigures(job);
      if (Notification.permission === "granted" && document.visibilityState === "hidden") {
        new Notification(`Bulk job ${job.status}`, {
          body: `${done} done · ${errors} errors · ${notSent} not sent`,
        });
      }
    }
    wasRunning.current = job.status === "running";
  }, [job]);
}
