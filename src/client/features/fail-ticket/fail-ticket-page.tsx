import { useState } from "react";
import type { FailResult } from "../../../shared/fail-result";
import { FailResultView } from "./fail-result-view";
import { FailTicketForm } from "./fail-ticket-form";

/** One screen: the form on the left, the answer on the right (below on narrow screens). */
export function FailTicketPage() {
  const [result, setResult] = useState<FailResult>();
  return (
    <div className="layout">
      <FailTicketForm onResult={setResult} />
      <div className="result-column" aria-live="polite">
        {result ? (
          <FailResultView result={result} />
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
