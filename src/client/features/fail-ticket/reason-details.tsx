import { ACTION_MEANINGS, REASONS, STATUS_TEXT } from "../../../shared/reasons";
import type { FailReason } from "../../../shared/reasons";

/** What the chosen reason makes the client receive, before anything is sent. */
export function ReasonDetails({ id, reason }: { id: string; reason: FailReason | undefined }) {
  const info = reason ? REASONS[reason] : undefined;
  return (
    <div id={id} className="reason-details" aria-live="polite">
      {info ? (
        <>
          <p>{info.whenToUse}</p>
          <dl className="facts">
            <dt>error</dt>
            <dd>
              <code>{info.error}</code>
            </dd>
            <dt>action</dt>
            <dd>
              <code>{info.action}</code>
            </dd>
            <dt>Client gets</dt>
            <dd>
              HTTP {info.clientStatus} {STATUS_TEXT[info.clientStatus]}
            </dd>
          </dl>
          <p className="muted">{ACTION_MEANINGS[info.action]}</p>
        </>
      ) : (
        <p className="muted">Choose a reason to see what the client will receive.</p>
      )}
    </div>
  );
}
