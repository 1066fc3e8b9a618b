import type { FailRequest } from "../../../shared/fail-request";
import type { FailResult } from "../../../shared/fail-result";
import type { ApprovalAccepted } from "../../../shared/approvals";
import { heldForApproval } from "../../lib/form-outcome";
import type { FormOutcome } from "../../lib/form-outcome";
import { rememberServiceId } from "../../lib/last-service";
import { useAskFirst } from "../../lib/use-ask-first";
import { useFailTicket } from "./queries";

/**
 * Fail ticket: one request to the console. When the server asks first (the ticket was failed
 * here before, or the service is production), the one dialog asks and the request goes again
 * with the answers (decision 014).
 */
export function useFailSubmission(onOutcome: (outcome: FailOutcome) => void) {
  // The last outcome stays while a question is asked (and after it is cancelled); a new result
  // or an error replaces it.
  return useAskFirst(
    useFailTicket(),
    (answer: FailResult | ApprovalAccepted, request: FailRequest) => {
      rememberServiceId(request.serviceId);
      onOutcome(
        heldForApproval(answer)
          ? { kind: "approval", approval: answer.approval, request, at: new Date() }
          : { kind: "done", result: answer, request, at: new Date() },
      );
    },
    (error) => onOutcome({ kind: "problem", error, at: new Date() }),
  );
}

export type FailOutcome = FormOutcome<FailResult, FailRequest>;
