import { Suspense, lazy, useRef, useState } from "react";
import type { AuditEvent } from "../../../shared/audit";
import { FailTicketForm } from "./fail-ticket-form";
import type { FailOutcome } from "./use-fail-submission";

// Needed only once a ticket is failed: not part of what the form waits for.
const FailOutcomeView = lazy(() =>
  import("./fail-result-view").then((m) => ({ default: m.FailOutcomeView })),
);

// The person's recent actions, under the result: loaded after the form.
const RecentActions = lazy(() =>
  import("../../components/recent-actions").then((m) => ({ default: m.RecentActions })),
);

/**
 * One screen: the form on the left, every outcome on the right (above the form on phones, so
 * that it is where the eye goes after the button).
 */
export function FailTicketPage() {
  const useAgain = useRef<((event: AuditEvent) => void) | null>(null);
  const [outcome, setOutcome] = useState<FailOutcome>();
  return (
    <div className={outcome ? "layout has-outcome" : "layout"}>
      <FailTicketForm
        onOutcome={setOutcome}
        onUseAgainReady={(fill) => {
          useAgain.current = fill;
        }}
      />
      <div className="result-column">
        {outcome ? (
          <Suspense fallback={<p className="muted">Loading the result…</p>}>
            <FailOutcomeView outcome={outcome} />
          </Suspense>
        ) : (
          <div className="card placeholder">
            <h2>Result</h2>
            <p className="muted">
              Authlete's answer and the response the authorization server sends to its client appear
              here after you fail a ticket, and so does anything that stops it.
            </p>
          </div>
        )}
        <Suspense fallback={null}>
          <RecentActions onUseAgain={(event) => useAgain.current?.(event)} />
        </Suspense>
      </div>
    </div>
  );
}
