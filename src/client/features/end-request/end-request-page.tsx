import { Suspense, lazy, useState } from "react";
import { EndRequestForm } from "./end-request-form";
import type { EndFormOutcome } from "./end-request-form";

const EndOutcomePanel = lazy(() =>
  import("./end-outcome-view").then((m) => ({ default: m.EndOutcomePanel })),
);

/** One screen, as Fail ticket: the form, and every outcome beside it (above it on phones). */
export function EndRequestPage() {
  const [outcome, setOutcome] = useState<EndFormOutcome>();
  return (
    <div className={outcome ? "layout has-outcome" : "layout"}>
      <EndRequestForm onOutcome={setOutcome} />
      <div className="result-column">
        {outcome ? (
          <Suspense fallback={<p className="muted">Loading the result…</p>}>
            <EndOutcomePanel outcome={outcome} />
          </Suspense>
        ) : (
          <div className="card placeholder">
            <h2>Result</h2>
            <p className="muted">
              Authlete's answer, and what the client receives next in its delivery mode (poll, ping
              or push), appear here after you end a request, and so does anything that stops it.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
