import { useEffect, useRef } from "react";
import type { PreviousFails } from "../../../shared/audit";

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

interface RepeatFailDialogProps {
  ticketTail: string;
  fails: PreviousFails["fails"];
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Authlete answers the same whether or not a ticket still exists (authlete-facts §3); only this
 * console's records know it was failed here before. A modal dialog: Esc or Cancel goes back.
 */
export function RepeatFailDialog({
  ticketTail,
  fails,
  onConfirm,
  onCancel,
}: RepeatFailDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);
  const [latest] = fails;
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="repeat-fail-title"
      aria-describedby="repeat-fail-text"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="repeat-fail-title">This ticket was already failed</h2>
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
              <time dateTime={latest.at}>{TIME_FORMAT.format(new Date(latest.at))}</time>
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
    </dialog>
  );
}
