import { CLIENT_RESPONSE_HEADERS, CLIENT_STATUS_BY_ACTION } from "../../shared/reasons";
import type { FailAction } from "../../shared/reasons";
import type { FailResult } from "../../shared/fail-result";

/**
 * What the authorization server sends its client after /fail: the status the action names,
 * the headers of RFC 6749 §5.2, and responseContent as the body.
 */
export function toClientResponse(
  action: FailAction | undefined,
  responseContent: string | undefined,
): FailResult["clientResponse"] {
  const notes: string[] = [];
  if (action === undefined)
    notes.push("Authlete returned no action; an authorization server would answer 500.");
  let body: unknown = null;
  if (responseContent === undefined) {
    notes.push("Authlete returned no responseContent.");
  } else {
    try {
      body = JSON.parse(responseContent);
    } catch {
      notes.push("responseContent is not JSON; it is shown as Authlete returned it.");
    }
  }
  return {
    status: CLIENT_STATUS_BY_ACTION[action ?? "INTERNAL_SERVER_ERROR"],
    headers: { ...CLIENT_RESPONSE_HEADERS },
    body,
    ...(notes.length > 0 ? { note: notes.join(" ") } : {}),
  };
}
