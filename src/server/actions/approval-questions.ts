import type { AuditTrail } from "./audit-trail";
import { ProblemError } from "../http/problem";
import type { ApprovalRow } from "./approval-store";
import type { HeldAction } from "./held-action";

export function notFound() {
  return new ProblemError({
    kind: "not-found",
    status: 404,
    title: "No such approval request",
    detail: "It may have been made on another console, or you may not see it.",
  });
}

/** The ticket (or some of the job's) was acted on while the request waited: ask the approver. */
export async function alreadyActed(audit: AuditTrail, held: HeldAction, row: ApprovalRow) {
  const again = "Approve again with again: true to run it all the same; nothing was sent.";
  if (held.kind === "bulk") {
    const count = await audit.countActedOn(
      row.service_id,
      held.request.tickets.map((item) => item.ticket),
    );
    if (count === 0) return;
    throw new ProblemError({
      kind: "already-acted",
      status: 409,
      title: `This console acted on ${count} of these tickets while the request waited`,
      detail: again,
      alreadyActedCount: count,
    });
  }
  const previousActions = await audit.previousActions(row.service_id, held.request.ticket);
  if (previousActions.length === 0) return;
  throw new ProblemError({
    kind: "already-acted",
    status: 409,
    title: "This ticket was acted on while the request waited",
    detail: again,
    previousActions,
  });
}
