import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { LabBudget } from "../../../shared/lab";
import { labBudgetQuery, labKeys } from "./queries";

/** m:ss, as a countdown reads. */
function clock(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/**
 * Seconds until the next run is allowed, counting down live from the budget's answer; when it
 * reaches 0 the budget is read again, so the button comes back by itself.
 */
function useCountdown(budget: LabBudget | undefined, readAt: number): number | null {
  const queryClient = useQueryClient();
  const [now, setNow] = useState(() => Date.now());
  const waiting = budget?.remaining === 0 && budget.retryAfterSeconds !== null;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waiting]);
  const left = waiting ? budget.retryAfterSeconds! - (now - readAt) / 1000 : null;
  const over = left !== null && left <= 0;
  useEffect(() => {
    if (over) void queryClient.invalidateQueries({ queryKey: labKeys.budget() });
  }, [over, queryClient]);
  return left;
}

/** How many runs are left this hour (LAB_RUNS_PER_HOUR), and when the next one is allowed. */
export function useLabBudget() {
  const budget = useQuery(labBudgetQuery);
  const secondsLeft = useCountdown(budget.data, budget.dataUpdatedAt);
  return { budget: budget.data, secondsLeft, exhausted: budget.data?.remaining === 0 };
}

export function LabBudgetLine({ budget, secondsLeft }: ReturnType<typeof useLabBudget>) {
  if (!budget) return null;
  if (budget.remaining > 0) {
    return (
      <p id="lab-budget" className="muted">
        <strong>{budget.remaining}</strong> of {budget.limit} runs left this hour (a run makes about
        a hundred Authlete calls).
      </p>
    );
  }
  return (
    <p id="lab-budget" className="note">
      No runs left this hour ({budget.limit} per hour).{" "}
      {secondsLeft !== null && (
        // Announced once, not every second: the visible clock ticks, the label stays.
        <span aria-live="off">
          The next run is allowed in <strong className="mono">{clock(secondsLeft)}</strong>.
        </span>
      )}
    </p>
  );
}
