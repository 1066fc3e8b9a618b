import { deepLink, failAsCurl } from "../../../shared/curl";
import type { FailRequest, FailRequestInput } from "../../../shared/fail-request";
import { CopyButton } from "../../components/copy-button";

/** Copy link (fills the form, never submits) and Copy as curl (the token as $AUTHLETE_TOKEN). */
export function ShareActions({
  values,
  validRequest,
  baseUrl,
}: {
  values: () => FailRequestInput;
  /** The form as a valid request, or undefined after showing what is wrong. */
  validRequest: () => FailRequest | undefined;
  baseUrl: string;
}) {
  return (
    <div className="actions share-actions">
      <CopyButton
        label="Copy link"
        text={() => {
          const { serviceId, backchannelAuthenticationFailRequest: fail } = values();
          return deepLink(window.location.origin, {
            serviceId,
            ticket: fail.ticket,
            reason: fail.reason,
          });
        }}
      />
      <CopyButton
        label="Copy as curl"
        text={() => {
          const request = validRequest();
          return request && failAsCurl(baseUrl, request);
        }}
      />
    </div>
  );
}
