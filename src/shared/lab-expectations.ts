import { DOCUMENTED_REASONS } from "./documented-reasons";
import type { DeliveryMode } from "./end-outcome";
import type { LabCellKey, LabCheck } from "./lab";

/**
 * What the client receives in each lab cell, written as literals from the specifications: the
 * /fail reason table of Authlete's API (documented-reasons.ts, checked against
 * docs/authlete-reference.md §2), OpenID CIBA Core 1.0 (§7.3 the request's answer, §10.1 the
 * token response, §10.2 ping, §10.3 push, §11 the token errors) and RFC 6749 §5.2 (a token
 * error is HTTP 400). Never the simulator's or the console's own tables: a lab run checks them.
 *
 * A field not listed is not specified, so not judged (the token endpoint's error_description
 * after /complete, say: CIBA Core does not say it echoes the one /complete was given).
 */
export type Expected = Record<string, string | number | boolean | null>;

export interface Echo {
  errorDescription: string | null;
  errorUri: string | null;
}

/** The fields a lab cell observes and judges, by name (the report's "field" column). */
export const FIELD = {
  failAction: "/fail action",
  clientStatus: "client's HTTP status",
  error: "error",
  errorDescription: "error_description",
  errorUri: "error_uri",
  completeAction: "/complete action",
  arrived: "notification arrived",
  pingFields: "ping notification fields",
  pushError: "push: error",
  pushDescription: "push: error_description",
  pushUri: "push: error_uri",
  pushTokenType: "push: token_type",
  pushAccessToken: "push: access_token present",
  pushIdTokenSubject: "push: id_token sub",
  pendingError: "token before the end: error",
  tokenStatus: "token endpoint: HTTP status",
  tokenError: "token endpoint: error",
  tokenType: "token endpoint: token_type",
  tokenAccess: "token endpoint: access_token present",
  tokenSubject: "token endpoint: subject",
  reuseError: "second token request: error",
} as const;

const TOKEN_ERROR_STATUS = 400; // RFC 6749 §5.2

/** The error the client ends with after /complete's refusing results (CIBA Core §11). */
const END_ERROR = { ACCESS_DENIED: "access_denied", TRANSACTION_FAILED: "expired_token" } as const;

export function expectedFor(key: LabCellKey, echo: Echo, subject: string): Expected {
  const { outcome, mode } = key;
  if (outcome.startsWith("fail:")) {
    const documented = DOCUMENTED_REASONS.find((row) => `fail:${row.reason}` === outcome)!;
    // The client's backchannel authentication request is answered with the error (§13); it
    // never got an auth_req_id, so nothing is notified.
    return {
      [FIELD.failAction]: documented.action,
      [FIELD.clientStatus]: documented.status,
      [FIELD.error]: documented.error,
      [FIELD.errorDescription]: echo.errorDescription,
      [FIELD.errorUri]: echo.errorUri,
      ...noNotification(mode),
    };
  }
  if (outcome === "expiry") {
    // Nobody completes: no notification ever comes (§10.2, §10.3 are sent on completion only);
    // a token request after expires_in gets expired_token (§11).
    if (mode === "PUSH") return { [FIELD.arrived]: false };
    return {
      ...(mode === "POLL" && { [FIELD.pendingError]: "authorization_pending" }),
      ...noNotification(mode),
      [FIELD.tokenStatus]: TOKEN_ERROR_STATUS,
      [FIELD.tokenError]: "expired_token",
    };
  }
  const result = outcome.slice("complete:".length) as
    "ACCESS_DENIED" | "TRANSACTION_FAILED" | "AUTHORIZED";
  const notified = mode !== "POLL";
  const common: Expected = {
    // Authlete's /complete: NO_ACTION for poll, NOTIFICATION for ping and push (the spec).
    [FIELD.completeAction]: notified ? "NOTIFICATION" : "NO_ACTION",
    // A poll client has no notification endpoint: nothing to observe.
    ...(notified && { [FIELD.arrived]: true }),
    ...(mode === "POLL" && { [FIELD.pendingError]: "authorization_pending" }),
    // §10.2: a ping carries the auth_req_id and nothing else.
    ...(mode === "PING" && { [FIELD.pingFields]: "auth_req_id" }),
  };
  if (mode === "PUSH") {
    // §10.3: a push client does not poll; the notification is what it gets.
    return result === "AUTHORIZED"
      ? {
          ...common,
          [FIELD.pushTokenType]: "Bearer",
          [FIELD.pushAccessToken]: true,
          [FIELD.pushIdTokenSubject]: subject,
        }
      : {
          ...common,
          [FIELD.pushError]: END_ERROR[result],
          // The spec's /complete: the description and URI go into the error it reports.
          [FIELD.pushDescription]: echo.errorDescription,
          [FIELD.pushUri]: echo.errorUri,
        };
  }
  return result === "AUTHORIZED"
    ? {
        ...common,
        [FIELD.tokenStatus]: 200,
        [FIELD.tokenType]: "Bearer",
        [FIELD.tokenAccess]: true,
        [FIELD.tokenSubject]: subject,
        // §10.1 and RFC 6749 §4.1.2's one-time grants: the auth_req_id is used up.
        [FIELD.reuseError]: "invalid_grant",
      }
    : { ...common, [FIELD.tokenStatus]: TOKEN_ERROR_STATUS, [FIELD.tokenError]: END_ERROR[result] };
}

function noNotification(mode: DeliveryMode): Expected {
  return mode === "POLL" ? {} : { [FIELD.arrived]: false };
}

/** Each expected field against what was observed (absent: null). */
export function judgeFields(expected: Expected, observed: Expected): LabCheck[] {
  return Object.entries(expected).map(([field, want]) => {
    const actual = Object.hasOwn(observed, field) ? observed[field]! : null;
    return { field, expected: want, actual, ok: actual === want };
  });
}
