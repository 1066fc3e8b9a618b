/**
 * The nine reasons of Authlete's /backchannel/authentication/fail API and what each makes the
 * authorization server send to its client. One catalogue for the BFF, the page and the simulator.
 * Source: docs/authlete-reference.md §2 (Authlete API 3.0.16).
 */

export const FAIL_ACTIONS = ["BAD_REQUEST", "FORBIDDEN", "INTERNAL_SERVER_ERROR"] as const;
export type FailAction = (typeof FAIL_ACTIONS)[number];

/** The HTTP status the authorization server answers its client with, per action. */
export const CLIENT_STATUS_BY_ACTION: Record<FailAction, number> = {
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  INTERNAL_SERVER_ERROR: 500,
};

/** Reason phrases of the statuses a failed CIBA request can get (RFC 9110 §15). */
export const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  500: "Internal Server Error",
};

export const ACTION_MEANINGS: Record<FailAction, string> = {
  BAD_REQUEST: "Send the client 400 Bad Request with responseContent as the JSON body.",
  FORBIDDEN: "Send the client 403 Forbidden with responseContent as the JSON body.",
  INTERNAL_SERVER_ERROR:
    "Send the client 500 Internal Server Error with responseContent as the JSON body.",
};

/**
 * The headers the authorization server sends with responseContent (RFC 6749 §5.2 and
 * OpenID CIBA Core §13).
 */
export const CLIENT_RESPONSE_HEADERS = {
  "Content-Type": "application/json",
  "Cache-Control": "no-store",
  Pragma: "no-cache",
} as const;

export interface ReasonInfo {
  /** The `error` value the client receives in responseContent. */
  error: string;
  /** A few words for the dropdown: "the AS failed". */
  short: string;
  action: FailAction;
  clientStatus: number;
  /** One plain sentence on when an operator or authorization server picks this reason. */
  whenToUse: string;
}

function reason(error: string, action: FailAction, short: string, whenToUse: string): ReasonInfo {
  return { error, action, short, clientStatus: CLIENT_STATUS_BY_ACTION[action], whenToUse };
}

export const REASONS = {
  EXPIRED_LOGIN_HINT_TOKEN: reason(
    "expired_login_hint_token",
    "BAD_REQUEST",
    "the login hint token expired",
    "The login_hint_token the client sent has expired.",
  ),
  UNKNOWN_USER_ID: reason(
    "unknown_user_id",
    "BAD_REQUEST",
    "no such user",
    "No user matches the hint the client sent.",
  ),
  UNAUTHORIZED_CLIENT: reason(
    "unauthorized_client",
    "BAD_REQUEST",
    "the client may not use CIBA",
    "The client may not use CIBA or the requested delivery mode.",
  ),
  MISSING_USER_CODE: reason(
    "missing_user_code",
    "BAD_REQUEST",
    "no user code sent",
    "A user code is required but the client sent none.",
  ),
  INVALID_USER_CODE: reason(
    "invalid_user_code",
    "BAD_REQUEST",
    "wrong user code",
    "The user code the client sent is wrong.",
  ),
  INVALID_BINDING_MESSAGE: reason(
    "invalid_binding_message",
    "BAD_REQUEST",
    "bad binding message",
    "The binding message is unacceptable (too long, bad characters).",
  ),
  INVALID_TARGET: reason(
    "invalid_target",
    "BAD_REQUEST",
    "resource refused",
    "A requested resource (RFC 8707) is rejected.",
  ),
  ACCESS_DENIED: reason(
    "access_denied",
    "FORBIDDEN",
    "refused or declined",
    "The authorization server refuses the request, e.g. the user declined or policy forbids it.",
  ),
  SERVER_ERROR: reason(
    "server_error",
    "INTERNAL_SERVER_ERROR",
    "the AS failed",
    "The authorization server failed, e.g. it crashed and the ticket is stuck.",
  ),
} as const satisfies Record<string, ReasonInfo>;

export type FailReason = keyof typeof REASONS;

export const FAIL_REASONS = Object.keys(REASONS) as [FailReason, ...FailReason[]];

/** What an operator picks for a stuck ticket, most often first: the dropdown leads with them. */
export const USUAL_REASONS = ["SERVER_ERROR", "UNKNOWN_USER_ID", "ACCESS_DENIED"] as const;

/** "SERVER_ERROR: the AS failed · 500": a reason, its meaning and the client's status. */
export function reasonLabel(name: FailReason): string {
  const info: ReasonInfo = REASONS[name];
  return `${name}: ${info.short} · ${info.clientStatus}`;
}
