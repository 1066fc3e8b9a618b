import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { BULK_ITEM_STATES } from "../../../shared/bulk-job";
import type { BulkItemState, BulkJob } from "../../../shared/bulk-job";
import { AuthleteAnswerCell, DataTable } from "../../components/data-table";
import { RequestErrorAlert } from "../../components/problem-alert";
import { formatTime } from "../../lib/format";
import { TicketStoryLink } from "../../components/ticket-story-link";
import { ITEM_STATE_LABELS, clientGetsOf, jobFigures, statusLabel } from "./item-labels";
import { JobControls } from "./job-controls";
import { JobProgress } from "./job-progress";
import {
  ITEMS_PER_PAGE,
  bulkExportUrl,
  bulkItemsQuery,
  bulkJobQuery,
  useJobControl,
} from "./queries";

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${seconds % 60} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A job's live progress, its controls and its per-ticket results. Reloading reattaches. */
export function BulkJobView({ id }: { id: string }) {
  const job = useQuery(bulkJobQuery(id));
  if (job.isPending) return <p className="muted">Loading the job…</p>;
  if (job.isError) return <RequestErrorAlert error={job.error} title="The job could not be read" />;
  return <JobDetails job={job.data} />;
}

function JobDetails({ job }: { job: BulkJob }) {
  const control = useJobControl(job.id);
  const [state, setState] = useState<BulkItemState | undefined>();
  const [page, setPage] = useState(0);
  const items = useQuery(bulkItemsQuery(job.id, state, page, job.status));
  const { counts, total } = job;
  const { done, errors, notSent, remaining } = jobFigures(job);
  const running = job.status === "running";
  const pages = Math.max(1, Math.ceil((items.data?.total ?? 0) / ITEMS_PER_PAGE));

  return (
    <section className="card" aria-labelledby="bulk-job-title">
      <p>
        <Link href="/bulk">← Bulk fail</Link> ·{" "}
        <Link href={`/audit?jobId=${encodeURIComponent(job.id)}`}>Records of this job</Link>
      </p>
      <h2 id="bulk-job-title">
        Bulk job for {job.serviceName ?? `service ${job.serviceId}`}{" "}
        <span
          className={`job-status job-${job.status}${jobFigures(job).errors > 0 && !running ? " job-with-errors" : ""}`}
        >
          {statusLabel(job)}
        </span>
      </h2>
      <p className="muted">
        {job.action === "end" ? "Ends issued requests (/complete)" : "Fails tickets (/fail)"} ·
        started {formatTime(job.createdAt)} by {job.operator} · {total} tickets · {job.concurrency}{" "}
        at a time · job <span className="mono">{job.id}</span>
      </p>

      <div className="progress-block">
        <p className="progress-label" aria-hidden="true">
          Progress
        </p>
        <JobProgress job={job} />
        <p role="status" className="progress-figures">
          <span className="figure-done">
            <strong>{done}</strong> done
          </span>
          <span className="figure-errors">
            <strong>{errors}</strong> {errors === 1 ? "error" : "errors"}
          </span>
          <span className="figure-not-sent">
            <strong>{notSent}</strong> not sent
          </span>
          <span>
            <strong>{remaining}</strong> remaining
          </span>
          {counts["no-such-ticket"] > 0 && (
            <span>
              <strong>{counts["no-such-ticket"]}</strong> no such ticket
            </span>
          )}
          {job.action === "end" &&
            job.notifications.delivered + job.notifications.failed + job.notifications.refused >
              0 && (
              <span>
                notifications: <strong>{job.notifications.delivered}</strong> delivered,{" "}
                <strong>{job.notifications.failed + job.notifications.refused}</strong> not
              </span>
            )}
          {job.status === "running" && job.estimateSeconds !== null && (
            <span>about {duration(job.estimateSeconds)} left</span>
          )}
        </p>
        {job.status === "interrupted" && (
          <p className="note">
            The console stopped while this job ran, and it could not go on: its tickets were kept
            only in that console&apos;s memory (no TICKET_ENCRYPTION_KEY). Tickets never sent are
            marked not attempted; those in flight are marked interrupted (they may or may not have
            been failed; failing them again is safe). Start a new job for them.
          </p>
        )}
        {job.status !== "interrupted" && counts.interrupted > 0 && (
          <p className="note">
            The console running this job stopped, and another one went on with it.{" "}
            {counts.interrupted === 1 ? "One ticket was" : `${counts.interrupted} tickets were`} in
            flight at that moment: marked interrupted, not sent again (they may or may not have been
            failed; failing them again is safe).
          </p>
        )}
      </div>

      {job.canControl ? (
        <JobControls job={job} control={control} />
      ) : (
        (job.status === "running" || job.status === "paused" || job.canRetry) && (
          <p className="muted">
            {job.operator}&apos;s job: only they or a supervisor can pause, cancel or retry it.
          </p>
        )
      )}
      <div className="actions">
        <a className="button button-secondary" href={bulkExportUrl(job.id, "csv")} download>
          Export results as CSV
        </a>
        <a className="button button-secondary" href={bulkExportUrl(job.id, "json")} download>
          Export results as JSON
        </a>
      </div>
      <RequestErrorAlert error={control.error} title="That did not work" />

      <div className="results-header">
        <h3>Tickets</h3>
        <label className="inline-label">
          Show{" "}
          <select
            value={state ?? ""}
            onChange={(event) => {
              setState((event.target.value || undefined) as BulkItemState | undefined);
              setPage(0);
            }}
          >
            <option value="">all ({total})</option>
            {BULK_ITEM_STATES.map((name) => (
              <option key={name} value={name}>
                {ITEM_STATE_LABELS[name]} ({counts[name]})
              </option>
            ))}
          </select>
        </label>
      </div>
      <RequestErrorAlert error={items.error} title="The tickets could not be read" />
      <DataTable
        caption="Tickets of this job and what became of each"
        columns={[
          "Line",
          "Ticket",
          job.action === "end" ? "Result" : "Reason",
          "State",
          "Client gets",
          "Tries",
          "Authlete",
          "Last error",
        ]}
      >
        {items.data?.items.map((item) => (
          <tr key={item.seq}>
            <td className="mono">{item.line ?? item.seq}</td>
            <td className="nowrap">
              <TicketStoryLink tail={item.ticketTail} hash={item.ticketHash} />
            </td>
            <td className="mono">{item.reason}</td>
            <td>
              <span className={`outcome outcome-${item.state}`}>
                {ITEM_STATE_LABELS[item.state]}
              </span>
            </td>
            <td className="mono">{clientGetsOf(job, item)}</td>
            <td>{item.attempts}</td>
            <AuthleteAnswerCell {...item} />
            <td className="details">{item.error}</td>
          </tr>
        ))}
      </DataTable>
      {items.data && items.data.total === 0 && (
        <p className="muted">
          {state
            ? `Nothing to show: no ticket is “${ITEM_STATE_LABELS[state]}”.`
            : "This job has no tickets to show."}
        </p>
      )}
      {pages > 1 && (
        <nav aria-label="Pages of tickets" className="actions">
          <button
            type="button"
            className="button-secondary"
            onClick={() => setPage(page - 1)}
            disabled={page === 0}
          >
            Previous
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button
            type="button"
            className="button-secondary"
            onClick={() => setPage(page + 1)}
            disabled={page + 1 >= pages}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
