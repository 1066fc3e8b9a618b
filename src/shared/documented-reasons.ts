/**
 * Authlete's nine fail reasons and what each makes the client receive, written out literally
 * from docs/authlete-reference.md §2 (Authlete API 3.0.16), not taken from the console's own
 * catalogue (src/shared/reasons.ts): the tests that use it check the catalogue and the
 * simulator against the documentation, not against themselves. documented-reasons.test.ts
 * checks this table against the document's.
 */
export const DOCUMENTED_REASONS = [
  {
    reason: "EXPIRED_LOGIN_HINT_TOKEN",
    error: "expired_login_hint_token",
    action: "BAD_REQUEST",
    status: 400,
  },
  { reason: "UNKNOWN_USER_ID", error: "unknown_user_id", action: "BAD_REQUEST", status: 400 },
  {
    reason: "UNAUTHORIZED_CLIENT",
    error: "unauthorized_client",
    action: "BAD_REQUEST",
    status: 400,
  },
  { reason: "MISSING_USER_CODE", error: "missing_user_code", action: "BAD_REQUEST", status: 400 },
  { reason: "INVALID_USER_CODE", error: "invalid_user_code", action: "BAD_REQUEST", status: 400 },
  {
    reason: "INVALID_BINDING_MESSAGE",
    error: "invalid_binding_message",
    action: "BAD_REQUEST",
    status: 400,
  },
  { reason: "INVALID_TARGET", error: "invalid_target", action: "BAD_REQUEST", status: 400 },
  { reason: "ACCESS_DENIED", error: "access_denied", action: "FORBIDDEN", status: 403 },
  { reason: "SERVER_ERROR", error: "server_error", action: "INTERNAL_SERVER_ERROR", status: 500 },
] as const;
