import { useState } from "react";
import { cellId } from "../../../shared/lab";
import type { LabCellKey, LabRun } from "../../../shared/lab";
import { findCell, labRunToMarkdown, outcomesOf, verdictText } from "../../../shared/lab-report";
import { downloadText } from "../../lib/download";
import { formatTime } from "../../lib/format";
import { CELL_DETAILS_ID, LabCellDetails } from "./lab-cell-details";

const MODE_NAMES = { POLL: "poll", PING: "ping", PUSH: "push" } as const;

/** A run: its progress, the outcome × mode grid, the downloads, and the cell opened. */
export function LabRunView(props: {
  run: LabRun;
  onRerun: (key: LabCellKey) => void;
  rerunDisabled: boolean;
}) {
  const { run } = props;
  const [openId, setOpenId] = useState<string | null>(null);
  const open = run.cells.find((cell) => cellId(cell) === openId);
  const done = run.cells.filter((cell) => cell.state === "done").length;
  const { summary } = run;
  const file = `qa-lab-${run.serviceId}-${run.startedAt.replace(/[:.]/g, "-")}`;
  const title = `${run.serviceName ?? `Service ${run.serviceId}`}: ${
    run.state === "running"
      ? `running, ${done} of ${run.cells.length} cells done`
      : `${summary.pass} of ${run.cells.length} pass`
  }`;
  return (
    <section className="card" aria-labelledby="lab-run-title" aria-busy={run.state === "running"}>
      <div className="results-header">
        <h2 id="lab-run-title">{title}</h2>
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            onClick={() =>
              downloadText(`${file}.json`, JSON.stringify(run, null, 2), "application/json")
            }
          >
            Download JSON
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => downloadText(`${file}.md`, labRunToMarkdown(run), "text/markdown")}
          >
            Download Markdown
          </button>
        </div>
      </div>
      {run.state === "running" && (
        <progress max={run.cells.length} value={done} aria-label="Cells done" />
      )}
      <p
        role="status"
        className={run.state === "running" || summary.pass === run.cells.length ? "" : "note"}
      >
        {run.state === "interrupted" &&
          "This run was interrupted (the console stopped): its unfinished cells never ended. "}
        {summary.pass} pass, {summary.fail} fail, {summary.unsupported} not supported by this
        service, {summary.error} could not be judged. Started {formatTime(run.startedAt)} against{" "}
        <span className="mono">{run.target}</span>
        {run.state === "running" &&
          `; the longest cell waits about ${run.longestWaitSeconds} s for the protocol`}
        .
      </p>
      <div className="table-scroll">
        <table className="data-table lab-grid">
          <caption className="visually-hidden">
            Each outcome for each delivery mode: choose a cell to see its checks and exchange
          </caption>
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              {run.modes.map((mode) => (
                <th key={mode} scope="col">
                  {MODE_NAMES[mode]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {outcomesOf(run).map((outcome) => (
              <tr key={outcome}>
                <th scope="row" className="mono">
                  {outcome}
                </th>
                {run.modes.map((mode) => {
                  const cell = findCell(run, outcome, mode);
                  if (!cell) return <td key={mode}>–</td>;
                  const id = cellId(cell);
                  const verdict = verdictText(cell);
                  return (
                    <td key={mode}>
                      <button
                        type="button"
                        className={`lab-cell verdict verdict-${cell.verdict ?? "pending"}`}
                        aria-expanded={openId === id}
                        aria-controls={CELL_DETAILS_ID}
                        aria-label={`${outcome}, ${MODE_NAMES[mode]}: ${verdict}`}
                        onClick={() => setOpenId(openId === id ? null : id)}
                      >
                        {verdict}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && (
        <LabCellDetails cell={open} onRerun={props.onRerun} rerunDisabled={props.rerunDisabled} />
      )}
    </section>
  );
}
