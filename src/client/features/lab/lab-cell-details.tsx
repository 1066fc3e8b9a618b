import { cellId } from "../../../shared/lab";
import type { LabCell, LabCellKey } from "../../../shared/lab";
import { verdictText } from "../../../shared/lab-report";
import { DataTable } from "../../components/data-table";
import { JsonView } from "../../components/json-view";

export const CELL_DETAILS_ID = "lab-cell-details";

function shown(value: string | number | boolean | null): string {
  return value === null ? "(absent)" : String(value);
}

/** One cell opened: what was judged, the notification, the exchange in order, and Re-run. */
export function LabCellDetails(props: {
  cell: LabCell;
  onRerun: (key: LabCellKey) => void;
  rerunDisabled: boolean;
}) {
  const { cell } = props;
  const title = `${cellId(cell)}: ${verdictText(cell)}`;
  return (
    <section id={CELL_DETAILS_ID} className="lab-cell-details" aria-labelledby="lab-cell-title">
      <div className="results-header">
        <h3 id="lab-cell-title">{title}</h3>
        <button
          type="button"
          className="button-secondary"
          disabled={props.rerunDisabled}
          onClick={() => props.onRerun({ outcome: cell.outcome, mode: cell.mode })}
        >
          Re-run this cell
        </button>
      </div>
      {cell.detail && <p className="note">{cell.detail}</p>}
      {cell.checks.length > 0 && (
        <DataTable
          caption={`What the client received in ${cellId(cell)}, against the spec`}
          columns={["Field", "Expected (spec)", "Received", "Verdict"]}
        >
          {cell.checks.map((check) => (
            <tr key={check.field}>
              <th scope="row">{check.field}</th>
              <td className="mono">{shown(check.expected)}</td>
              <td className="mono">{shown(check.actual)}</td>
              <td>
                <span className={`verdict verdict-${check.ok ? "pass" : "fail"}`}>
                  {check.ok ? "ok" : "differs"}
                </span>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {cell.notification && (
        <>
          <h4>Notification at the client&apos;s endpoint</h4>
          {cell.notification.arrived ? (
            <JsonView value={cell.notification.body} label="The notification received" />
          ) : (
            <p className="muted">None arrived.</p>
          )}
        </>
      )}
      <h4>The exchange, in order</h4>
      <ol className="lab-exchange">
        {cell.exchange.map((step, index) => (
          <li key={index}>
            <p>
              <strong>{step.who}</strong>: <span className="mono">{step.what}</span>{" "}
              <span className="muted">
                {step.who === "wait"
                  ? `(${step.durationMs} ms)`
                  : `(at ${step.atMs} ms, ${step.durationMs} ms)`}
              </span>
            </p>
            {step.request !== undefined && (
              <JsonView value={step.request} label={`Step ${index + 1}: sent`} />
            )}
            {step.answer !== undefined && (
              <JsonView value={step.answer} label={`Step ${index + 1}: answer`} />
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
