import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { BulkJob } from "../../../shared/bulk-job";
import { bulkItemsPageSchema } from "../../../shared/bulk-job";
import { ModalDialog } from "../../components/modal-dialog";
import { api, readAnswer } from "../../lib/api-client";
import { jobFigures } from "./item-labels";
import { hasPastedTickets, pastedTickets } from "./pasted-tickets";
import type { useJobControl } from "./queries";

const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/**
 * Pause, resume, cancel (asked first: it cannot be undone), retry the errors (saying until
 * when), and copy the tickets never sent from this tab's own copy of what was pasted.
 */
export function JobControls({
  job,
  control,
}: {
  job: BulkJob;
  control: ReturnType<typeof useJobControl>;
}) {
  const [asking, setAsking] = useState(false);
  const busy = control.isPending;
  const { errors, notSent } = jobFigures(job);
  const open = job.status === "running" || job.status === "paused";
  return (
    <>
      <div className="actions job-controls">
        {job.status === "running" && (
          <button type="button" onClick={() => control.mutate("pause")} disabled={busy}>
            Pause
          </button>
        )}
        {job.status === "paused" && (
          <button type="button" onClick={() => control.mutate("resume")} disabled={busy}>
            Resume
          </button>
        )}
        {job.canRetry && (
          <button type="button" onClick={() => control.mutate("retry-failed")} disabled={busy}>
            Retry {errors} {errors === 1 ? "error" : "errors"}
          </button>
        )}
        {open && (
          <button
            type="button"
            className="button-danger button-apart"
            onClick={() => setAsking(true)}
            disabled={busy}
          >
            Cancel job
          </button>
        )}
      </div>
      {job.retryUntil && (
        <p className="muted">Retry possible until {CLOCK.format(new Date(job.retryUntil))}.</p>
      )}
      {!job.canRetry && !open && errors > 0 && (
        <p className="muted">
          The errors can no longer be retried here: the console keeps the tickets only for a while
          after the job ends (and never after a cancel). Start a new job with them.
        </p>
      )}
      {notSent > 0 && hasPastedTickets(job.id) && <CopyUnsent job={job} count={notSent} />}
      {asking && (
        <CancelDialog
          job={job}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            control.mutate("cancel");
            setAsking(false);
          }}
        />
      )}
    </>
  );
}

function CancelDialog(props: { job: BulkJob; onCancel: () => void; onConfirm: () => void }) {
  const { counts } = props.job;
  const queued = counts.queued;
  const inFlight = counts["in-flight"];
  return (
    <ModalDialog
      title="Cancel this job?"
      describedBy="cancel-job-text"
      tone="danger"
      onCancel={props.onCancel}
    >
      <p id="cancel-job-text">
        {queued} {queued === 1 ? "ticket" : "tickets"} will not be sent; {inFlight} in flight will
        finish. A cancel cannot be undone, and its tickets cannot be retried.
      </p>
      <div className="submit-row">
        <button type="button" className="button-danger" onClick={props.onConfirm}>
          Cancel job
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel} autoFocus>
          Keep it running
        </button>
      </div>
    </ModalDialog>
  );
}

/** Reads the not-sent items' numbers from the server, and the tickets from this tab's copy. */
function CopyUnsent({ job, count }: { job: BulkJob; count: number }) {
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  async function copy() {
    setSaid("Copying…");
    try {
      const seqs: number[] = [];
      for (let offset = 0; offset < count; offset += 500) {
        const page = await queryClient.fetchQuery({
          queryKey: ["bulk-unsent", job.id, offset],
          queryFn: () =>
            readAnswer(
              api["bulk-jobs"][":id"].items.$get({
                param: { id: job.id },
                query: { state: "not-attempted", offset: String(offset), limit: "500" },
              }),
              bulkItemsPageSchema,
            ),
        });
        seqs.push(...page.items.map((item) => item.seq));
      }
      const tickets = pastedTickets(job.id, seqs) ?? [];
      await navigator.clipboard.writeText(tickets.join("\n"));
      setSaid(`Copied ${tickets.length} tickets, one per line.`);
    } catch {
      setSaid("Copy failed: try again, or filter the table by not sent.");
    }
  }
  return (
    <p className="copy-unsent">
      <button type="button" className="button-secondary" onClick={() => void copy()}>
        Copy the {count} unsent tickets
      </button>{" "}
      <span role="status">{said}</span>{" "}
      <span className="muted">
        From this tab&apos;s own copy of what was pasted: it works in this tab only.
      </span>
    </p>
  );
}
