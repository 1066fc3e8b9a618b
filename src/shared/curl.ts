import type { FailRequest } from "./fail-request";

/** A word for a POSIX shell: single-quoted, with ' written as '\''. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The Authlete API call the console makes for this request, for a terminal. The token is left
 * as $AUTHLETE_TOKEN: the console never hands it out.
 */
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

/** A link that fills the form again (never submits): service, ticket and reason. */
export function deepLink(
  origin: string,
  fields: { serviceId?: string; ticket?: string; reason?: string },
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value) query.set(name, value.trim());
  return `${origin}/?${query}`;
}
