import { Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { signInRequestSchema, signOutRequestSchema } from "../../shared/session";
import type { SignInMethod } from "../../shared/session";
import type { AuditTrail } from "../actions/audit-trail";
import { draftRecord } from "../actions/caller";
import type { AppEnv } from "../http/app-env";
import {
  checkSession,
  limitBodySize,
  notSignedIn,
  requireRole,
  requireSession,
  sessionCookieName,
} from "../http/guards";
import { problemResponse } from "../http/problem";
import { callerOf } from "../http/request-context";
import { refuseDuplicateKeys } from "../http/strict-json";
import { jsonBody } from "../http/validation";
import { LocalAccounts } from "./local-accounts";
import { addressKey, checkCode, sessionInfo, throttledSignIn } from "./sign-in";
import type { ConsoleAuth } from "./sign-in";

/**
 * /api/session: how to sign in, who is signed in, local sign-in and sign-out. The only API open
 * without a session; its bodies are small. A supervisor may also sign others out.
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
      if (method.mode === "oidc") {
        return problemResponse(c, {
          kind: "sign-in-failed",
          status: 400,
          title: "Sign in with your organisation's account",
          detail: "This console uses OpenID Connect; there is no access code.",
        });
      }
      const { name, accessCode } = c.req.valid("json");
      const keys = [addressKey(c)];
      if (method.mode === "accounts") keys.push(LocalAccounts.subjectOf(name));
      const local = method.mode === "local";
      const result = await throttledSignIn(c, { auth, audit }, keys, async () => {
        const principal = await checkCode(method, name, accessCode);
        if (principal) return { principal };
        const detail = local ? "wrong access code" : "wrong name or access code";
        return { refusal: { outcome: "refused", who: name, detail } };
      });
      if (result.kind === "signed-in") return c.json(sessionInfo(result.principal), 200);
      if (result.kind === "throttled") {
        return problemResponse(c, {
          kind: "rate-limited",
          status: 429,
          title: "Too many sign-in attempts",
          detail:
            result.why === "in-flight"
              ? "Another sign-in from your address or for this account is being checked. Try again in a moment."
              : `Sign-in from your address or for this account is locked after repeated wrong codes. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} min.`,
          retryAfterSeconds: result.retryAfterSeconds,
        });
      }
      return problemResponse(c, {
        kind: "sign-in-failed",
        status: 401,
        title: local ? "Wrong access code" : "Wrong name or access code",
        detail: local
          ? "Use the code printed when the console started, or the one in CONSOLE_ACCESS_CODE."
          : "Use your name as your administrator entered it, and your own access code.",
        errors: [{ path: "accessCode", message: "This access code is not right." }],
      });
    })
    .post(
      "/sign-out",
      requireSession(auth.sessions),
      requireRole("supervisor", audit, "sign-out"),
      jsonBody(signOutRequestSchema),
      async (c) => {
        // Everyone includes the supervisor who asks: the record is written first, under them.
        const who = c.req.valid("json");
        const ended = await auth.sessions.signOut(who);
        const whom = "everyone" in who ? "everyone" : who.name;
        await audit.record({
          ...draftRecord(callerOf(c, c.var.principal)),
          kind: "sign-out",
          outcome: "succeeded",
          detail: `signed out ${whom}: ${ended} session${ended === 1 ? "" : "s"} ended`,
        });
        return c.json({ ended }, 200);
      },
    )
    .get("/", async (c) => {
      const checked = await checkSession(auth.sessions, c);
      if (!("session" in checked)) return notSignedIn(c, checked.ended);
      return c.json(sessionInfo(checked.session), 200);
    })
    .delete("/", async (c) => {
      const id = getCookie(c, sessionCookieName(c));
      const session = await auth.sessions.touch(id);
      if (session) {
        await audit.record({
          ...draftRecord(callerOf(c, session)),
          kind: "sign-out",
          outcome: "succeeded",
        });
      }
      await auth.sessions.delete(id);
      deleteCookie(c, sessionCookieName(c), { path: "/", secure: c.var.client.https });
      return c.body(null, 204);
    });
}
