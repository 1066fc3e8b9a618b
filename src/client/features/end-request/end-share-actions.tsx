import { deepLink, endAsCurl } from "../../../shared/curl";
import type { EndRequest, EndRequestInput } from "../../../shared/end-request";
import { ShareActions } from "../../components/share-actions";

/** The end form's Copy link (to /end) and Copy as curl (the /complete call). */
export function EndShareActions({
  values,
  validRequest,
  baseUrl,
  simulated,
}: {
  values: () => EndRequestInput;
  validRequest: () => EndRequest | undefined;
  baseUrl: string;
  simulated: boolean;
}) {
  return (
    <ShareActions
      simulated={simulated}
      link={() => {
        const { serviceId, backchannelAuthenticationCompleteRequest: end } = values();
        return deepLink(
          window.location.origin,
          { serviceId, ticket: end.ticket, result: end.result },
          "/end",
        );
      }}
      curl={() => {
        const request = validRequest();
        return request && endAsCurl(baseUrl, request);
      }}
    />
  );
}
