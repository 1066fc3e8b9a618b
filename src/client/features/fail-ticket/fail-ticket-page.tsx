import { Suspense, lazy, useState } from "react";
import { FailTicketForm } from "./fail-ticket-form";
import type { FailOutcome } from "./use-fail-submission";

// Needed only once a ticket is failed: not part of what the form waits for.
const FailOutcomeView = lazy(() =>
  import("./fail-result-view").then((m) => ({ default: m.FailOutcomeView })),
);

/**
 * One screen: the form on the left, every outcome on the right (above the form on phones, so
 * that it is where the eye goes after the button).
 */
export function FailTicketPage() {
  const [outcome, setOutcome] = useState<FailOutcome>();
  return (
    <div className={outcome ? "layout has-outcome" : "layout"}>
      <FailTicketForm onOutcome={setOutcome} />
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
      </div>
    </div>
  );
}
