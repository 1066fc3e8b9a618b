import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { signInRequestSchema } from "../../shared/session";
import type { SessionInfo } from "../../shared/session";
import type { AppEnv } from "../env";
import { problemResponse } from "../problem";
import type { FailedSignIns, SessionStore } from "../sessions";
import { secretsEqual } from "../sessions";
import { jsonBody } from "../validation";

export const SESSION_COOKIE = "cfc_session";

export interface LocalAuth {
  accessCode: string;
  sessions: SessionStore;
  failedSignIns: FailedSignIns;
}

function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Local mode: a name for the records and the console's access code. */
export function sessionRoutes(auth: LocalAuth) {
  return new Hono<AppEnv>()
    .post("/session", jsonBody(signInRequestSchema), async (c) => {
      const { name, accessCode } = c.req.valid("json");
      const client = clientAddress(c);
      const delay = auth.failedSignIns.delayMs(client);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (!secretsEqual(accessCode, auth.accessCode)) {
        auth.failedSignIns.record(client);
        return problemResponse(c, {
          kind: "sign-in-failed",
          status: 401,
          title: "Wrong access code",
          detail:
            "Use the code printed when the console started, or the one in CONSOLE_ACCESS_CODE.",
          errors: [{ path: "accessCode", message: "This access code is not right." }],
        });
      }
      auth.failedSignIns.clear(client);
      // A new ID at every sign-in (no session fixation).
      auth.sessions.delete(getCookie(c, SESSION_COOKIE));
      const id = auth.sessions.create(name, "operator");
      setCookie(c, SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: "Strict",
        secure: new URL(c.req.url).protocol === "https:",
        path: "/",
      });
      c.var.logFields.operator = name;
      const session: SessionInfo = { name, role: "operator" };
      return c.json(session, 200);
    })
    .get("/session", (c) => {
      const session = auth.sessions.touch(getCookie(c, SESSION_COOKIE));
      if (!session) return notSignedIn(c);
      const info: SessionInfo = { name: session.name, role: session.role };
      return c.json(info, 200);
    })
    .delete("/session", (c) => {
      auth.sessions.delete(getCookie(c, SESSION_COOKIE));
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    });
}

/** Every API but signing in needs a live session. */
export function requireSession(auth: LocalAuth): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.path === "/api/session") return next();
    const session = auth.sessions.touch(getCookie(c, SESSION_COOKIE));
    if (!session) return notSignedIn(c);
    c.var.logFields.operator = session.name;
    return next();
  };
}

function notSignedIn(c: Context<AppEnv>) {
  return problemResponse(c, {
    kind: "not-signed-in",
    status: 401,
    title: "Sign in first",
    detail: "Your session is missing or has expired.",
  });
}
