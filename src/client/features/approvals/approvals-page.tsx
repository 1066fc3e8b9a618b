import { useQuery } from "@tanstack/react-query";
import type { Approval } from "../../../shared/approvals";
import { DataTable } from "../../components/data-table";
import { RequestErrorAlert } from "../../components/problem-alert";
import { Link } from "wouter";
import { approvalsQuery, useApprovalDecision } from "../../lib/approval-queries";
import { formatTime } from "../../lib/format";
import { ApprovalCard } from "./approval-card";

/**
 * Supervisors' Approvals (issue 21): break-glass runs nobody has acknowledged, the requests
 * waiting for a second person, then the latest decisions. Refreshed every 15 s.
 */
export function ApprovalsPage() {
  const { data, error, isPending } = useQuery(approvalsQuery);
  if (isPending) return <p className="muted">Loading the approval requests…</p>;
  if (!data)
    return <RequestErrorAlert error={error} title="The approval requests could not be read" />;
  const waiting = data.approvals.filter((approval) => approval.state === "pending");
  const glass = data.approvals.filter(
    (approval) => approval.breakGlass && !approval.acknowledgedBy,
  );
  const decided = data.approvals.filter((approval) => approval.state !== "pending");
  return (
    <div className="stack">
      {glass.length > 0 && (
        <section className="card break-glass-note" aria-labelledby="break-glass-title">
          <h2 id="break-glass-title">Break-glass runs to acknowledge</h2>
          {glass.map((approval) => (
            <BreakGlassRun key={approval.id} approval={approval} />
          ))}
        </section>
      )}
      <section aria-labelledby="waiting-title" className="stack">
        <h2 id="waiting-title">Waiting for approval ({waiting.length})</h2>
        {waiting.length === 0 && <p className="muted">Nothing is waiting for a second person.</p>}
        {waiting.map((approval) => (
          <ApprovalCard
            key={approval.id}
            approval={approval}
            breakGlassAllowed={data.breakGlassAllowed}
          />
        ))}
      </section>
      {decided.length > 0 && (
        <section aria-labelledby="decided-title">
          <h2 id="decided-title">Decided</h2>
          <DataTable
            caption="Decided approval requests, newest first"
            columns={["Asked at", "Action", "Asked by", "State", "Decided by", "Why"]}
          >
            {decided.map((approval) => (
              <tr key={approval.id}>
                <td>{formatTime(approval.requestedAt)}</td>
                <td>{approval.action}</td>
                <td>{approval.requester}</td>
                <td>{approval.breakGlass ? "approved (break-glass)" : approval.state}</td>
                <td>{approval.decidedBy ?? "—"}</td>
                <td>{approval.rejectReason ?? approval.breakGlassJustification ?? ""}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
      <p className="muted">
        Every step is in the <Link href="/audit">audit log</Link>, as records of kind approval; the
        action an approval ran names both people.
      </p>
    </div>
  );
}

function BreakGlassRun({ approval }: { approval: Approval }) {
  const { acknowledge } = useApprovalDecision(approval.id);
  return (
    <div>
      <p>
        <strong>{approval.decidedBy}</strong> ran their own request at{" "}
        {formatTime(approval.decidedAt ?? approval.requestedAt)}: {approval.action}. Why:{" "}
        {approval.breakGlassJustification}
      </p>
      <button
        type="button"
        className="button-secondary"
        disabled={acknowledge.isPending}
        onClick={() => acknowledge.mutate()}
      >
        Acknowledge
      </button>
      <RequestErrorAlert error={acknowledge.error} title="It was not acknowledged" />
    </div>
  );
}
