import { Suspense, lazy, useState } from "react";
import type { EndOutcome } from "../../../shared/end-outcome";
import { EndRequestForm } from "./end-request-form";

const EndOutcomeView = lazy(() =>
  import("./end-outcome-view").then((m) => ({ default: m.EndOutcomeView })),
);

/** One screen, as Fail ticket: the form on the left, the answer on the right (below on phones). */
export function EndRequestPage() {
  const [outcome, setOutcome] = useState<EndOutcome>();
  return (
    <div className="layout">
      <EndRequestForm onOutcome={setOutcome} />
      <div className="result-column" aria-live="polite">
        {outcome ? (
          <Suspense fallback={<p className="muted">Loading the result…</p>}>
            <EndOutcomeView key={outcome.meta.requestId} outcome={outcome} />
          </Suspense>
        ) : (
          <div className="card placeholder">
            <h2>Result</h2>
            <p className="muted">
              Authlete's answer, and what the client receives next in its delivery mode (poll, ping
              or push), appear here after you end a request.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
