import { useQuery } from "@tanstack/react-query";
import { cellId, changedCells } from "../../../shared/lab";
import type { LabRun } from "../../../shared/lab";
import { formatTime } from "../../lib/format";
import { labRunQuery, labRunsQuery } from "./queries";

/** The runs kept for the service (the last 20): open one, or compare it with the open run. */
export function LabHistory(props: {
  serviceId: string;
  openRun: LabRun | undefined;
  onOpen: (id: string) => void;
  compareId: string | null;
  onCompare: (id: string | null) => void;
}) {
  const runs = useQuery(labRunsQuery(props.serviceId)).data?.runs ?? [];
  if (runs.length === 0) return null;
  return (
    <section className="card" aria-labelledby="lab-history-title">
      <h2 id="lab-history-title">Previous runs of service {props.serviceId}</h2>
      <ul className="job-list">
        {runs.map((run) => {
          const isOpen = run.id === props.openRun?.id;
          const s = run.summary;
          return (
            <li key={run.id} className="recent-action lab-history-item">
              <span>
                {formatTime(run.startedAt)}
                {run.only && <span className="mono"> · {cellId(run.only)} again</span>} ·{" "}
                {run.state === "finished"
                  ? `${s.pass} pass, ${s.fail} fail, ${s.unsupported} unsupported, ${s.error} error`
                  : run.state}
                {isOpen && <strong> (open)</strong>}
              </span>
              <span className="actions">
                {!isOpen && (
                  <button
                    type="button"
                    className="button-secondary"
                    onClick={() => props.onOpen(run.id)}
                  >
                    Open
                  </button>
                )}
                {!isOpen && props.openRun && (
                  <button
                    type="button"
                    className="button-secondary"
                    aria-pressed={props.compareId === run.id}
                    onClick={() => props.onCompare(props.compareId === run.id ? null : run.id)}
                  >
                    Compare with the open run
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {props.openRun && props.compareId && (
        <Comparison earlierId={props.compareId} open={props.openRun} />
      )}
    </section>
  );
}

function Comparison({ earlierId, open }: { earlierId: string; open: LabRun }) {
  const other = useQuery(labRunQuery(earlierId)).data;
  if (!other) return <p className="muted">Reading that run…</p>;
  // The older run is "before", whichever was opened.
  const [before, after] = other.startedAt <= open.startedAt ? [other, open] : [open, other];
  const changes = changedCells(before, after);
  return (
    <div aria-live="polite">
      <h3>
        Changed between {formatTime(before.startedAt)} and {formatTime(after.startedAt)}
      </h3>
      {changes.length === 0 ? (
        <p>No cell that both runs have changed its verdict.</p>
      ) : (
        <ul>
          {changes.map((change) => (
            <li key={cellId(change)}>
              <span className="mono">{cellId(change)}</span>: {change.before ?? "–"} →{" "}
              <strong>{change.after ?? "–"}</strong>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
