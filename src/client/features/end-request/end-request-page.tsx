import { Suspense, lazy, useRef, useState } from "react";
import type { AuditEvent } from "../../../shared/audit";
import { EndRequestForm } from "./end-request-form";
import type { EndFormOutcome } from "./end-request-form";

const EndOutcomePanel = lazy(() =>
  import("./end-outcome-view").then((m) => ({ default: m.EndOutcomePanel })),
);

// The person's recent actions, under the result: loaded after the form.
const RecentActions = lazy(() =>
  import("../../components/recent-actions").then((m) => ({ default: m.RecentActions })),
);

/** One screen, as Fail ticket: the form, and every outcome beside it (above it on phones). */
export function EndRequestPage() {
  const useAgain = useRef<((event: AuditEvent) => void) | null>(null);
  const [outcome, setOutcome] = useState<EndFormOutcome>();
  return (
    <div className={outcome ? "layout has-outcome" : "layout"}>
      <EndRequestForm
        onOutcome={setOutcome}
        onUseAgainReady={(fill) => {
          useAgain.current = fill;
        }}
      />
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
        <Suspense fallback={null}>
          <RecentActions onUseAgain={(event) => useAgain.current?.(event)} />
        </Suspense>
      </div>
    </div>
  );
}
