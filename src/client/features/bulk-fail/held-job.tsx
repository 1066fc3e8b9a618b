import { Link } from "wouter";
import type { ApprovalAccepted } from "../../../shared/approvals";
import type { ServiceSummary } from "../../../shared/console-info";
import { ApprovalOutcome } from "../../components/approval-outcome";

/** A job held for four-eyes approval (issue 21): its state, then a link once it runs. */
export function HeldJob({
  held,
  tickets,
  service,
}: {
  held: { approval: ApprovalAccepted["approval"]; at: Date };
  tickets: number;
  service: ServiceSummary | undefined;
}) {
  return (
    <ApprovalOutcome
      accepted={held.approval}
      what={`a bulk job of ${tickets} tickets on ${service?.name ?? "the service"}`}
      at={held.at}
      production={service?.environment === "production"}
      renderResult={(result) => <ApprovedJobLink result={result} />}
    />
  );
}

/** An approved job's page: it runs for whoever asked for it. */
function ApprovedJobLink({ result }: { result: unknown }) {
  const jobId = (result as { jobId?: string }).jobId;
  return jobId ? <Link href={`/bulk/${jobId}`}>Open the job</Link> : null;
}
