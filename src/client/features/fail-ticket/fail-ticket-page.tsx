import { FailResultView } from "./fail-result-view";
import { FailTicketForm } from "./fail-ticket-form";
import { useFailTicket } from "./queries";

/** One screen: the form on the left, the answer on the right (below on narrow screens). */
export function FailTicketPage() {
  const failTicket = useFailTicket();
  return (
    <div className="layout">
      <FailTicketForm failTicket={failTicket} />
      <div className="result-column" aria-live="polite">
        {failTicket.data ? (
          <FailResultView result={failTicket.data} />
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
