import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Approval, ApprovalAccepted } from "../../shared/approvals";
import { approvalQuery } from "../lib/approval-queries";
import { formatTime } from "../lib/format";
import { OutcomePanel } from "./outcome-panel";
import { RequestErrorAlert } from "./problem-alert";

/**
 * A send held for four-eyes approval (issue 21), in the result column: nothing was sent yet.
 * The page asks about it every 2 s while it waits, and the headline (which takes the focus, so
 * screen readers say it) changes with the decision; an approved action's answer then shows as
 * if it had been sent from here.
 */
export function ApprovalOutcome({
  accepted,
  what,
  at,
  production,
  renderResult,
}: {
  accepted: ApprovalAccepted["approval"];
  /** "ticket …CSH-sc on Payments with ACCESS_DENIED" */
  what: string;
  at: Date;
  production: boolean;
  renderResult: (result: unknown) => ReactNode;
}) {
  const { data, error } = useQuery(approvalQuery(accepted.id));
  const state = data?.state ?? "pending";
  return (
    <OutcomePanel
      tone={state === "approved" ? "done" : state === "pending" ? "waiting" : "problem"}
      headline={headlineOf(state, what, data)}
      at={at}
      production={production}
      outcomeKey={`${accepted.id}:${state}`}
    >
      {state === "pending" && (
        <p>
          Nothing was sent. A supervisor other than you approves or rejects it on their Approvals
          page, by {formatTime(accepted.expiresAt)}; then it expires. This page shows the decision
          as soon as it is made.
        </p>
      )}
      {data?.state === "rejected" && <p>Nothing was sent. Ask again if it is still needed.</p>}
      {data?.state === "expired" && (
        <p>Nobody decided in time, and nothing was sent. Ask again if it is still needed.</p>
      )}
      {data?.state === "approved" &&
        (data.result === null ? (
          <p role="status">Sending to Authlete…</p>
        ) : (
          renderResult(data.result)
        ))}
      <RequestErrorAlert error={error} title="The request's state could not be read" />
    </OutcomePanel>
  );
}

function headlineOf(state: Approval["state"], what: string, approval: Approval | undefined) {
  const by = approval?.decidedBy ?? "a supervisor";
  switch (state) {
    case "pending":
      return `Waiting for approval: ${what}`;
    case "approved":
      return approval?.breakGlass
        ? `Run by break-glass: ${what}`
        : `Approved by ${by} and sent: ${what}`;
    case "rejected":
      return `Rejected by ${by} (${approval?.rejectReason ?? ""}): ${what}`;
    case "expired":
      return `Expired unapproved: ${what}`;
  }
}
