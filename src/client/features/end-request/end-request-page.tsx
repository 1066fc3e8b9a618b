import { lazy } from "react";
import { ActionPage } from "../../components/action-page";
import { EndRequestForm } from "./end-request-form";
import type { EndFormOutcome } from "./end-request-form";

const EndOutcomePanel = lazy(() =>
  import("./end-outcome-view").then((m) => ({ default: m.EndOutcomePanel })),
);

export function EndRequestPage() {
  return (
    <ActionPage<EndFormOutcome>
      Form={EndRequestForm}
      OutcomeView={EndOutcomePanel}
      placeholder="Authlete's answer, and what the client receives next in its delivery mode (poll, ping or push), appear here after you end a request, and so does anything that stops it."
    />
  );
}
