import { useState } from "react";
import type { PreviousFails } from "../../../shared/audit";
import type { FailRequest } from "../../../shared/fail-request";
import type { FailResult } from "../../../shared/fail-result";
import { serverAsksToConfirm } from "../../components/production-confirm-dialog";
import { rememberServiceId } from "../../lib/last-service";
import { useFailTicket, usePreviousFails } from "./queries";

/** The questions asked between Fail ticket and the call: repeat warning, then production. */
export type FailQuestion =
  | { step: "repeat"; request: FailRequest; fails: PreviousFails["fails"] }
  | { step: "production"; request: FailRequest }
  | undefined;

/**
 * Submit → has this console failed the ticket before (warn) → is the service production (ask
 * for the ticket's tail and a justification) → fail. The page asks about production when its
 * services list says so; when the list could not be loaded, or is out of date, the server
 * refuses with confirmation-required and the same dialog opens then (decision 010).
 */
export function useFailSubmission(options: {
  isProduction: (serviceId: string) => boolean;
  onResult: (result: FailResult | undefined) => void;
}) {
  const failTicket = useFailTicket();
  const previousFails = usePreviousFails();
  const [question, setQuestion] = useState<FailQuestion>();

  function send(request: FailRequest) {
    setQuestion(undefined);
    options.onResult(undefined);
    failTicket.mutate(request, {
      onSuccess: (result) => {
        rememberServiceId(request.serviceId);
        options.onResult(result);
      },
      onError: (error) => {
        if (serverAsksToConfirm(error, request)) {
          failTicket.reset(); // Asked in the dialog instead of shown as an error.
          setQuestion({ step: "production", request });
        }
      },
    });
  }

  function afterRepeatCheck(request: FailRequest) {
    if (options.isProduction(request.serviceId)) setQuestion({ step: "production", request });
    else send(request);
  }

  return {
    question,
    pending: failTicket.isPending || previousFails.isPending,
    error: failTicket.error ?? previousFails.error,
    submit(request: FailRequest) {
      const { serviceId, backchannelAuthenticationFailRequest } = request;
      previousFails.mutate(
        { serviceId, ticket: backchannelAuthenticationFailRequest.ticket },
        {
          onSuccess: ({ fails }) => {
            if (fails.length === 0) afterRepeatCheck(request);
            else setQuestion({ step: "repeat", request, fails });
          },
        },
      );
    },
    confirmRepeat: (request: FailRequest) => afterRepeatCheck(request),
    confirmProduction: (request: FailRequest, confirmation: string, justification: string) =>
      send({ ...request, confirmation, justification }),
    cancel: () => setQuestion(undefined),
    reset() {
      failTicket.reset();
      previousFails.reset();
    },
  };
}
