import { ticketTail } from "../../shared/ask-first";

/**
 * Names under which a lab exchange carries a secret or a handle worth stealing: the ticket, the
 * auth_req_id, the client notification token, the tokens and the client's secret. Each appears
 * in a report as its tail only (…abc123), on the page, in the downloads and in stored runs.
 */
const SECRET_NAMES = new Set([
  "ticket",
  "authReqId",
  "auth_req_id",
  "clientNotificationToken",
  "client_notification_token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "clientSecret",
  "client_secret",
  "authorization",
]);

/** Strings that carry more fields inside them: Authlete's `responseContent`, a form body. */
const NESTED_JSON = new Set(["responseContent", "body"]);
const NESTED_FORM = new Set(["parameters"]);

export function tail(secret: string): string {
  return `…${ticketTail(secret)}`;
}

/** A copy of `value` with every secret (at any depth, and inside nested JSON or forms) as a tail. */
export function masked(value: unknown, name?: string): unknown {
  if (typeof value === "string") {
    if (name !== undefined && SECRET_NAMES.has(name)) return tail(value.replace(/^Bearer /, ""));
    if (name !== undefined && NESTED_FORM.has(name)) return maskedForm(value);
    if (name !== undefined && NESTED_JSON.has(name)) return maskedJson(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => masked(item));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, masked(inner, key)]),
    );
  }
  return value;
}

function maskedJson(text: string): string {
  try {
    return JSON.stringify(masked(JSON.parse(text) as unknown));
  } catch {
    return text;
  }
}

function maskedForm(text: string): string {
  const form = new URLSearchParams(text);
  for (const [key, value] of [...form]) {
    if (SECRET_NAMES.has(key)) form.set(key, tail(value));
  }
  return decodeURIComponent(form.toString());
}
