import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { formatTime } from "../../lib/format";
import { BulkFailForm } from "./bulk-fail-form";
import { BulkJobView } from "./bulk-job-view";
import { bulkJobsQuery } from "./queries";

/** /bulk: a new job and the recent ones; /bulk/:id: one job. */
export function BulkFailPage({ jobId }: { jobId?: string }) {
  if (jobId) return <BulkJobView id={jobId} />;
  return (
    <div className="layout">
      <BulkFailForm />
      <RecentJobs />
    </div>
  );
}

function RecentJobs() {
  const jobs = useQuery(bulkJobsQuery);
  return (
    <section className="card" aria-labelledby="recent-jobs-title">
      <h2 id="recent-jobs-title">Recent jobs</h2>
      {jobs.data?.length === 0 && <p className="muted">No bulk job yet.</p>}
      <ul className="job-list">
        {jobs.data?.map((job) => (
          <li key={job.id}>
            <Link href={`/bulk/${job.id}`}>
              {job.serviceName ?? job.serviceId}: {job.total} tickets
            </Link>{" "}
            <span className={`job-status job-${job.status}`}>{job.status}</span>
            <span className="muted block">
              {formatTime(job.createdAt)} · {job.operator} · {job.counts.succeeded} done,{" "}
              {job.counts.failed + job.counts.interrupted} failed
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
