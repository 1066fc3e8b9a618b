import { useState } from "react";
import type { Approval } from "../../../shared/approvals";
import { Field } from "../../components/field";
import { JsonView } from "../../components/json-view";
import { RequestErrorAlert } from "../../components/problem-alert";
import { isProblem } from "../../lib/api-client";
import { useApprovalDecision } from "../../lib/approval-queries";
import { formatTime } from "../../lib/format";

/**
 * One waiting request, as a supervisor decides it: exactly what will be sent and what the
 * client will get, who asked and why; Approve, or Reject with a reason. Their own request
 * cannot be approved; with break-glass on, it can be run with a second justification.
 */
export function ApprovalCard({
  approval,
  breakGlassAllowed,
}: {
  approval: Approval;
  breakGlassAllowed: boolean;
}) {
  const { approve, reject } = useApprovalDecision(approval.id);
  const [rejectReason, setRejectReason] = useState("");
  const [glass, setGlass] = useState("");
  const headingId = `approval-${approval.id}`;
  const alreadyActed = isProblem(approve.error, "already-acted");
  const requester = approval.requesterEmail
    ? `${approval.requester} (${approval.requesterEmail})`
    : approval.requester;
  return (
    <section className="card approval-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{approval.action}</h3>
      <dl className="facts">
        <dt>Service</dt>
        <dd>
          {approval.serviceName ?? "service"} <code>{approval.serviceId}</code>
        </dd>
        <dt>Asked by</dt>
        <dd>
          {requester} at {formatTime(approval.requestedAt)}
        </dd>
        <dt>Why</dt>
        <dd>{approval.justification ?? "(no justification given)"}</dd>
        <dt>Expires</dt>
        <dd>{formatTime(approval.expiresAt)}</dd>
        <dt>The client gets</dt>
        <dd>{approval.clientGets}</dd>
      </dl>
      <JsonView value={approval.sends} label={`What will be sent: ${approval.action}`} />
      {approval.mine ? (
        <p className="note">
          This is your request: another supervisor must approve it.
          {breakGlassAllowed ? "" : " There is no way around a second person on this console."}
        </p>
      ) : (
        <div className="approval-actions">
          <button
            type="button"
            disabled={approve.isPending}
            onClick={() => approve.mutate({ again: alreadyActed || undefined })}
          >
            {alreadyActed ? "Approve all the same" : "Approve and send"}
          </button>
          <NoteField
            id={`${headingId}-reject`}
            label="Reason to reject"
            value={rejectReason}
            onChange={setRejectReason}
          />
          <button
            type="button"
            className="button-secondary"
            disabled={reject.isPending || rejectReason.trim() === ""}
            onClick={() => reject.mutate(rejectReason)}
          >
            Reject
          </button>
        </div>
      )}
      {approval.mine && breakGlassAllowed && (
        <details>
          <summary>Break-glass: run it yourself</summary>
          <p className="break-glass-note">
            Only when no second supervisor can be reached. It is recorded as break-glass and shown
            to every supervisor until one acknowledges it.
          </p>
          <NoteField
            id={`${headingId}-glass`}
            label="Why no second supervisor can approve"
            value={glass}
            onChange={setGlass}
          />
          <button
            type="button"
            className="button-danger"
            disabled={approve.isPending || glass.trim() === ""}
            onClick={() => approve.mutate({ breakGlassJustification: glass })}
          >
            Run it myself (break-glass)
          </button>
        </details>
      )}
      <RequestErrorAlert error={approve.error} title="It was not approved" />
      <RequestErrorAlert error={reject.error} title="It was not rejected" />
    </section>
  );
}

/** A reason the server requires (at most 500 characters), typed before its button. */
function NoteField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} error={undefined}>
      {(control) => (
        <input
          {...control}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
          maxLength={500}
        />
      )}
    </Field>
  );
}
