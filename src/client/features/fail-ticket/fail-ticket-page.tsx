import { lazy } from "react";
import { ActionPage } from "../../components/action-page";
import { FailTicketForm } from "./fail-ticket-form";
import type { FailOutcome } from "./use-fail-submission";

// Needed only once a ticket is failed: not part of what the form waits for.
const FailOutcomeView = lazy(() =>
  import("./fail-result-view").then((m) => ({ default: m.FailOutcomeView })),
);

export function FailTicketPage() {
  return (
    <ActionPage<FailOutcome>
      Form={FailTicketForm}
      OutcomeView={FailOutcomeView}
      placeholder="Authlete's answer and the response the authorization server sends to its client appear here after you fail a ticket, and so does anything that stops it."
    />
  );
}
