import { deepLink, failAsCurl } from "../../../shared/curl";
import type { FailRequest, FailRequestInput } from "../../../shared/fail-request";
import { ShareActions } from "../../components/share-actions";

/** The fail form's Copy link and Copy as curl (loaded after the form: not needed to fill it). */
export function FailShareActions({
  values,
  validRequest,
  baseUrl,
  simulated,
}: {
  values: () => FailRequestInput;
  /** The form as a valid request, or undefined after showing what is wrong. */
  validRequest: () => FailRequest | undefined;
  baseUrl: string;
  simulated: boolean;
}) {
  return (
    <ShareActions
      simulated={simulated}
      link={() => {
        const { serviceId, backchannelAuthenticationFailRequest: fail } = values();
        return deepLink(window.location.origin, {
          serviceId,
          ticket: fail.ticket,
          reason: fail.reason,
        });
      }}
      curl={() => {
        const request = validRequest();
        return request && failAsCurl(baseUrl, request);
      }}
    />
  );
}
