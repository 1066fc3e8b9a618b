import { useQuery } from "@tanstack/react-query";
import { bulkBudgetQuery } from "./queries";

const count = (n: number) => n.toLocaleString("en");

/**
 * What the person may still start (BULK_TICKETS_PER_HOUR, BULK_MAX_OPEN_JOBS), said before
 * they submit, and what stops this list: the server refuses such a job whole.
 */
export function BulkBudgetNote({ tickets }: { tickets: number }) {
  const { data: budget } = useQuery(bulkBudgetQuery);
  if (!budget) return null;
  const tooMany = tickets > budget.ticketsLeftThisHour;
  const noJobLeft = budget.openJobs >= budget.maxOpenJobs;
  return (
    <p id="bulk-budget" className={tooMany || noJobLeft ? "note" : "muted"} aria-live="polite">
      You can send <strong>{count(budget.ticketsLeftThisHour)}</strong> more tickets this hour (of{" "}
      {count(budget.ticketsPerHour)}), in at most {budget.maxOpenJobs} unfinished jobs (
      {budget.openJobs} now).
      {tooMany &&
        ` This list has ${count(tickets)}: split it, or wait for the hour's earlier jobs to leave the count.`}
      {noJobLeft && " Let a job finish, or cancel one, before starting another."}
    </p>
  );
}
