import { Suspense, lazy, useState } from "react";
import type { FailResult } from "../../../shared/fail-result";
import { FailTicketForm } from "./fail-ticket-form";

// Needed only once a ticket is failed: not part of what the form waits for.
const FailResultView = lazy(() =>
  import("./fail-result-view").then((m) => ({ default: m.FailResultView })),
);

/** One screen: the form on the left, the answer on the right (below on narrow screens). */
export function FailTicketPage() {
  const [result, setResult] = useState<FailResult>();
  return (
    <div className="layout">
      <FailTicketForm onResult={setResult} />
      <div className="result-column" aria-live="polite">
        {result ? (
          <Suspense fallback={<p className="muted">Loading the result…</p>}>
            <FailResultView result={result} />
          </Suspense>
        ) : (
          <div className="card placeholder">
            <h2>Result</h2>
            <p className="muted">
              Authlete's answer and the response the authorization server sends to its client appear
              here after you fail a ticket.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
