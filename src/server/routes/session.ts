import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { signInRequestSchema } from "../../shared/session";
import type { SessionInfo, SignInMethod } from "../../shared/session";
import { limitBodySize, notSignedIn, sessionCookieName } from "../guards";
import { refuseDuplicateKeys } from "../strict-json";
import type { AuditTrail } from "../store/audit-trail";
import type { AppEnv } from "../request-context";
import type { OidcSignIn } from "../oidc";
import { problemResponse } from "../problem";
import type { FailedSignIns, Principal, SessionStore } from "../sessions";
import { secretsEqual } from "../sessions";
import { jsonBody } from "../validation";

/** Holds a started OpenID Connect sign-in until the provider redirects back. */
export const OIDC_PENDING_COOKIE = "cfc_oidc";

export interface LocalSignIn {
  mode: "local";
  accessCode: string;
  failedSignIns: FailedSignIns;
}

export interface ConsoleAuth {
  sessions: SessionStore;
  method: LocalSignIn | OidcSignIn;
}

/** Starts a session for a signed-in person: a new ID every time (no session fixation). */
async function startSession(
  c: Context<AppEnv>,
  auth: ConsoleAuth,
  principal: Principal,
): Promise<void> {
  await auth.sessions.delete(getCookie(c, sessionCookieName(c)));
  const id = await auth.sessions.create(principal);
  setCookie(c, sessionCookieName(c), id, {
    httpOnly: true,
    sameSite: "Strict",
    secure: c.var.client.https,
    path: "/",
  });
  c.var.logFields.operator = principal.name;
}

function sessionInfo(principal: Principal): SessionInfo {
  return { name: principal.name, email: principal.email, role: principal.role };
}

/**
 * /api/session: how to sign in, who is signed in, local sign-in and sign-out. The only API open
 * without a session; its one body (the sign-in) is small.
 */
export function sessionRoutes(auth: ConsoleAuth, audit: AuditTrail) {
  const method = auth.method;
  return new Hono<AppEnv>()
    .use(limitBodySize())
    .use(refuseDuplicateKeys())
    .get("/method", (c) => {
      const answer: SignInMethod = { mode: method.mode };
      return c.json(answer, 200);
    })
    .post("/", jsonBody(signInRequestSchema), async (c) => {
      if (method.mode !== "local") {
        return problemResponse(c, {
          kind: "sign-in-failed",
          status: 400,
          title: "Sign in with your organisation's account",
          detail: "This console uses OpenID Connect; there is no access code.",
        });
      }
      const { name, accessCode } = c.req.valid("json");
      const client = c.var.client.address;
      const delay = await method.failedSignIns.delayMs(client);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (!secretsEqual(accessCode, method.accessCode)) {
        await method.failedSignIns.record(client);
        await audit.record({
          kind: "sign-in",
          outcome: "refused",
          operator: name,
          requestId: c.var.requestId,
          clientAddress: c.var.client.address,
          detail: "wrong access code",
        });
        return problemResponse(c, {
          kind: "sign-in-failed",
          status: 401,
          title: "Wrong access code",
          detail:
            "Use the code printed when the console started, or the one in CONSOLE_ACCESS_CODE.",
          errors: [{ path: "accessCode", message: "This access code is not right." }],
        });
      }
      await method.failedSignIns.clear(client);
      // In local mode everyone who knows the code is an operator (issue 3).
      const principal: Principal = { name, email: null, role: "operator" };
      await audit.record({
        kind: "sign-in",
        outcome: "succeeded",
        operator: name,
        role: principal.role,
        requestId: c.var.requestId,
        clientAddress: c.var.client.address,
      });
      await startSession(c, auth, principal);
      return c.json(sessionInfo(principal), 200);
    })
    .get("/", async (c) => {
      const session = await auth.sessions.touch(getCookie(c, sessionCookieName(c)));
      if (!session) return notSignedIn(c);
      return c.json(sessionInfo(session), 200);
    })
    .delete("/", async (c) => {
      const id = getCookie(c, sessionCookieName(c));
      const session = await auth.sessions.touch(id);
      if (session) {
        await audit.record({
          kind: "sign-out",
          outcome: "succeeded",
          operator: session.name,
          email: session.email,
          role: session.role,
          requestId: c.var.requestId,
          clientAddress: c.var.client.address,
        });
      }
      await auth.sessions.delete(id);
      deleteCookie(c, sessionCookieName(c), {
        path: "/",
        secure: c.var.client.https,
      });
      return c.body(null, 204);
    });
}

/**
 * /auth/oidc/*: browser navigations, not API calls. The sign-in's state lives server-side; the
 * browser holds only its key, in a Lax cookie, because the provider's redirect back is a
 * cross-site navigation that a Strict cookie would not survive.
 */
export function oidcRoutes(auth: ConsoleAuth, oidc: OidcSignIn, audit: AuditTrail) {
  const pendingCookie = { httpOnly: true, sameSite: "Lax", path: "/auth/oidc" } as const;
  return new Hono<AppEnv>()
    .get("/login", async (c) => {
      let started;
      try {
        started = await oidc.start();
      } catch {
        return c.redirect("/login?error=unavailable", 303);
      }
      setCookie(c, OIDC_PENDING_COOKIE, started.pendingId, {
        ...pendingCookie,
        secure: c.var.client.https,
        maxAge: 600,
      });
      return c.redirect(started.url, 303);
    })
    .get("/callback", async (c) => {
      const pendingId = getCookie(c, OIDC_PENDING_COOKIE);
      deleteCookie(c, OIDC_PENDING_COOKIE, { path: pendingCookie.path });
      const outcome = await oidc.finish(pendingId, new URL(c.req.url).search);
      if (!outcome.ok) {
        await audit.record({
          kind: "sign-in",
          outcome: outcome.refusal === "not-allowed" ? "forbidden" : "refused",
          operator: outcome.who ?? "(unknown)",
          requestId: c.var.requestId,
          clientAddress: c.var.client.address,
          detail: outcome.detail,
        });
        return c.redirect(`/login?error=${outcome.refusal}`, 303);
      }
      const { principal } = outcome;
      await audit.record({
        kind: "sign-in",
        outcome: "succeeded",
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        requestId: c.var.requestId,
        clientAddress: c.var.client.address,
      });
      await startSession(c, auth, principal);
      return c.redirect("/", 303);
    });
}
