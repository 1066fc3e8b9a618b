import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import type { AuditKind } from "../../shared/audit";
import { roleAllows } from "../../shared/session";
import type { Role } from "../../shared/session";
import { signedInRecord } from "./request-context";
import { problemResponse } from "./problem";
import { refuseDuplicateKeys } from "./strict-json";
import type { AppEnv } from "./app-env";
import type { SessionEnd, SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";

/**
 * The guards a route declares: who may call it and how much it may send. They sit on the
 * sub-app or route they guard, so the route table says both; none looks at the path.
 */

export const SESSION_COOKIE = "cfc_session";

/**
 * The session cookie's name: over https `__Host-` is added, so the browser takes it only with
 * Secure, Path=/ and no Domain (no sibling host can plant or widen it).
 */
export function sessionCookieName(c: Context<AppEnv>): string {
  return c.var.client.https ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** Larger bodies are refused before they are read: a fail request is well under 4 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;
/** A bulk job's list: 10,000 tickets of up to 256 characters, with JSON around them. */
export const MAX_BULK_BODY_BYTES = 4 * 1024 * 1024;

/**
 * A sub-app whose every route needs a live session, checked before any body is read; then
 * bodies of at most `maxBodyBytes`, refused when a JSON key is written twice.
 */
export function signedInArea(sessions: SessionStore, maxBodyBytes = MAX_BODY_BYTES) {
  return new Hono<AppEnv>()
    .use(requireSession(sessions))
    .use(limitBodySize(maxBodyBytes))
    .use(refuseDuplicateKeys());
}

/** The request's session, by its cookie: live, or why it ended. */
export function checkSession(sessions: SessionStore, c: Context<AppEnv>) {
  return sessions.check(getCookie(c, sessionCookieName(c)));
}

export function requireSession(sessions: SessionStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const checked = await checkSession(sessions, c);
    if (!("session" in checked)) return notSignedIn(c, checked.ended);
    const session = checked.session;
    c.set("principal", session);
    c.var.logFields.operator = session.name;
    return next();
  };
}

/**
 * Lets through `role` and the roles above it (a supervisor may do all an operator may); anyone
 * else's attempt is refused with 403 and recorded.
 */
export function requireRole(
  role: Role,
  audit: AuditTrail,
  kind: AuditKind,
  /** What else the refusal's record names (a job control's job id). */
  recordAlso: (c: Context<AppEnv>) => { jobId?: string } = () => ({}),
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.var.principal;
    if (roleAllows(principal.role, role)) return next();
    await audit.record({
      ...signedInRecord(c),
      ...recordAlso(c),
      kind,
      outcome: "forbidden",
      detail: `needs the ${role} role`,
    });
    return problemResponse(c, {
      kind: "forbidden",
      status: 403,
      title: "Your role may not do this",
      detail: `Signed in as a ${principal.role}; this needs the ${role} role.`,
    });
  };
}

export function limitBodySize(maxBytes = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      problemResponse(c, {
        kind: "body-too-large",
        status: 413,
        title: "The request is too large",
        detail: `Request bodies here are limited to ${maxBytes / 1024} KiB.`,
      }),
  });
}

const ENDED: Record<SessionEnd, string> = {
  idle: "Your session ended after a time without activity.",
  absolute: "Your session reached its longest allowed time.",
  "account-changed": "Your account changed (removed, another role or another code).",
  gone: "Your session is missing: signed out, here or elsewhere.",
};

/** 401, saying why the session ended when it is known, so the page can say it. */
export function notSignedIn(c: Context<AppEnv>, ended: SessionEnd = "gone") {
  return problemResponse(c, {
    kind: "not-signed-in",
    status: 401,
    title: "Sign in first",
    detail: ENDED[ended],
    sessionEnded: ended,
  });
}
