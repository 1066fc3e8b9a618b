import { deepLink, endAsCurl } from "../../../shared/curl";
import type { EndRequest, EndRequestInput } from "../../../shared/end-request";
import { CopyButton } from "../../components/copy-button";

/** Copy link (fills the form, never submits) and Copy as curl (the token as $AUTHLETE_TOKEN). */
export function EndShareActions({
  values,
  validRequest,
  baseUrl,
}: {
  values: () => EndRequestInput;
  validRequest: () => EndRequest | undefined;
  baseUrl: string;
}) {
  return (
    <div className="actions share-actions">
      <CopyButton
        label="Copy link"
        text={() => {
          const { serviceId, backchannelAuthenticationCompleteRequest: end } = values();
          return deepLink(
            window.location.origin,
            { serviceId, ticket: end.ticket, result: end.result },
            "/end",
          );
        }}
      />
      <CopyButton
        label="Copy as curl"
        text={() => {
          const request = validRequest();
          return request && endAsCurl(baseUrl, request);
        }}
      />
    </div>
  );
}
