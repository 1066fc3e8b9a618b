import type { PreviousFails } from "../../../shared/audit";
import { ModalDialog } from "../../components/modal-dialog";
import { formatTime } from "../../lib/format";

interface RepeatFailDialogProps {
  ticketTail: string;
  fails: PreviousFails["fails"];
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Authlete answers the same whether or not a ticket still exists (docs/authlete-reference.md §3); only this
 * console's records know it was failed here before.
 */
export function RepeatFailDialog({
  ticketTail,
  fails,
  onConfirm,
  onCancel,
}: RepeatFailDialogProps) {
  const [latest] = fails;
  return (
    <ModalDialog
      title="This ticket was already failed"
      describedBy="repeat-fail-text"
      onCancel={onCancel}
    >
      <div id="repeat-fail-text">
        <p>
          This console failed ticket <span className="mono">…{ticketTail}</span>{" "}
          {fails.length === 1 ? "once" : `${fails.length} times`} before. The last time:
        </p>
        {latest && (
          <dl className="facts">
            <dt>By</dt>
            <dd>{latest.operator}</dd>
            <dt>When</dt>
            <dd>
              <time dateTime={latest.at}>{formatTime(latest.at)}</time>
            </dd>
            <dt>Reason</dt>
            <dd className="mono">{latest.reason}</dd>
          </dl>
        )}
        <p>
          Authlete deleted it then, so failing it again changes nothing there; it only shows what
          the client would receive. Fail it again?
        </p>
      </div>
      <div className="submit-row">
        <button type="button" onClick={onConfirm}>
          Fail again
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
