import type { FailRequest } from "./fail-request";
import type { EndRequest } from "./end-request";

/** A word for a POSIX shell: single-quoted, with ' written as '\''. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The Authlete API call the console makes for this request, for a terminal. The token is left
 * as $AUTHLETE_TOKEN: the console never hands it out.
 */
/**
 * The embedded simulator listens on a private port with a token nobody is shown: Copy as curl
 * on it targets the standalone simulator (npm run simulator) instead, whose token the README
 * documents (never written into the page).
 */
export const STANDALONE_SIMULATOR_URL = "http://127.0.0.1:8788";
export const STANDALONE_SIMULATOR_NOTE =
  "# For the standalone simulator (npm run simulator): AUTHLETE_TOKEN is its SIMULATOR_ACCESS_TOKEN (README)";

export function failAsCurl(baseUrl: string, request: FailRequest): string {
  const { serviceId, backchannelAuthenticationFailRequest } = request;
  const url = `${baseUrl.replace(/\/+$/, "")}/api/${serviceId}/backchannel/authentication/fail`;
  return [
    `curl -sS -X POST ${shellQuote(url)}`,
    `  -H "Authorization: Bearer $AUTHLETE_TOKEN"`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(JSON.stringify(backchannelAuthenticationFailRequest))}`,
  ].join(" \\\n");
}

/** The /complete call the console makes to end an issued request (subject "": see README). */
export function endAsCurl(baseUrl: string, request: EndRequest): string {
  const { serviceId, backchannelAuthenticationCompleteRequest } = request;
  const url = `${baseUrl.replace(/\/+$/, "")}/api/${serviceId}/backchannel/authentication/complete`;
  return [
    `curl -sS -X POST ${shellQuote(url)}`,
    `  -H "Authorization: Bearer $AUTHLETE_TOKEN"`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(JSON.stringify({ ...backchannelAuthenticationCompleteRequest, subject: "" }))}`,
  ].join(" \\\n");
}

/**
 * The client notification, for a terminal when the console may not send it: the token as
 * $CLIENT_NOTIFICATION_TOKEN and the auth_req_id as $AUTH_REQ_ID (the page has their tails only).
 */
export function notificationAsCurl(endpoint: string, body: Record<string, unknown>): string {
  const placeholder = "__AUTH_REQ_ID__";
  const json = JSON.stringify({ ...body, auth_req_id: placeholder });
  const [before, after] = json.split(`"${placeholder}"`) as [string, string];
  return [
    `curl -sS -X POST ${shellQuote(endpoint)}`,
    `  -H "Authorization: Bearer $CLIENT_NOTIFICATION_TOKEN"`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(before)}'"'"$AUTH_REQ_ID"'"'${shellQuote(after)}`,
  ].join(" \\\n");
}

/** A link that fills a form again (never submits): service, ticket and reason or result. */
export function deepLink(
  origin: string,
  fields: { serviceId?: string; ticket?: string; reason?: string; result?: string },
  path = "/",
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value) query.set(name, value.trim());
  return `${origin}${path}?${query}`;
}
