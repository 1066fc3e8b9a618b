import { useQuery } from "@tanstack/react-query";
import { Link, useRoute } from "wouter";
import { approvalsQuery } from "../../lib/approval-queries";

/** Supervisors' header link to Approvals, with how many wait (and break-glass runs to see). */
export function ApprovalsNavLink() {
  const [active] = useRoute("/approvals");
  const { data } = useQuery(approvalsQuery);
  const count = (data?.pendingCount ?? 0) + (data?.unacknowledgedBreakGlass ?? 0);
  return (
    <Link href="/approvals" aria-current={active ? "page" : undefined}>
      Approvals
      {count > 0 && (
        <span className="approval-count">
          {count}
          <span className="visually-hidden"> waiting</span>
        </span>
      )}
    </Link>
  );
}
