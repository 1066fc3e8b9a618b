import type { FailRequest } from "../../../shared/fail-request";
import type { FailResult } from "../../../shared/fail-result";
import { rememberServiceId } from "../../lib/last-service";
import { useAskFirst } from "../../lib/use-ask-first";
import { useFailTicket } from "./queries";

/**
 * Fail ticket: one request to the console. When the server asks first (the ticket was failed
 * here before, or the service is production), the one dialog asks and the request goes again
 * with the answers (decision 014).
 */
export function useFailSubmission(onResult: (result: FailResult | undefined) => void) {
  const ask = useAskFirst(useFailTicket(), (result: FailResult, request: FailRequest) => {
    rememberServiceId(request.serviceId);
    onResult(result);
  });
  return {
    ...ask,
    submit(request: FailRequest) {
      onResult(undefined);
      ask.submit(request);
    },
  };
}
