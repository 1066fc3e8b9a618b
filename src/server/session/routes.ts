import { setTimeout } from "node:timers/promises";
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { signInRequestSchema } from "../../shared/session";
import type { SessionInfo, SignInMethod } from "../../shared/session";
import { limitBodySize, notSignedIn, sessionCookieName } from "../http/guards";
import { refuseDuplicateKeys } from "../http/strict-json";
import type { AuditTrail } from "../actions/audit-trail";
import type { AppEnv } from "../http/app-env";
import type { OidcSignIn } from "./oidc";
import { problemResponse } from "../http/problem";
import { nameVerified } from "../identity/limit-key";
import { LocalAccounts } from "./local-accounts";
import { recordedPerson, requestFacts } from "../http/request-context";
import type { Principal, SessionStore, SignInThrottle } from "../identity/sessions";
import { secretsEqual } from "../identity/sessions";
import { jsonBody } from "../http/validation";

/** Holds a started OpenID Connect sign-in until the provider redirects back. */
export const OIDC_PENDING_COOKIE = "cfc_oidc";

/** One access code for everyone, and a typed name: for one person trying the console. */
export interface SharedCodeSignIn {
  mode: "local";
  accessCode: string;
}

/** CONSOLE_USERS: a name and a personal code per person. */
export interface AccountsSignIn {
  mode: "accounts";
  accounts: LocalAccounts;
}

export interface ConsoleAuth {
  sessions: SessionStore;
  method: SharedCodeSignIn | AccountsSignIn | OidcSignIn;
  throttle: SignInThrottle;
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
  return {
    name: principal.name,
    email: principal.email,
    role: principal.role,
    nameVerified: nameVerified(principal),
  };
}

/** Who a name and code sign in as, or undefined when they do not. */
async function checkCode(
  method: SharedCodeSignIn | AccountsSignIn,
  name: string,
  code: string,
): Promise<Principal | undefined> {
  if (method.mode === "local") {
    // The shared code makes everyone an operator under the name they type (nothing proves it).
    return secretsEqual(code, method.accessCode)
      ? { name, email: null, role: "operator", subject: null }
      : undefined;
  }
  const account = await method.accounts.verify(name, code);
  return account && { ...account, email: null, subject: LocalAccounts.subjectOf(account.name) };
}

/** The throttle's key for a client address: every sign-in from it counts there. */
const addressKey = (c: Context<AppEnv>) => `address:${c.var.client.address}`;

/**
 * Records a refused sign-in as the window's one record for this address: the first refusal
 * writes it, later ones rewrite its count, so a burst of guesses cannot fill the disk.
 */
function recordRefusal(
  c: Context<AppEnv>,
  auth: ConsoleAuth,
  audit: AuditTrail,
  refusal: { outcome: "refused" | "forbidden"; who: string; detail: string },
) {
  return auth.throttle.recordRefusal(
    addressKey(c),
    async () =>
      (
        await audit.record({
          ...requestFacts(c),
          kind: "sign-in",
          outcome: refusal.outcome,
          operator: refusal.who,
          nameVerified: false,
          detail: refusal.detail,
        })
      ).id,
    (auditId, attempts, windowStart) =>
      audit.amendDetail(
        auditId,
        `${refusal.detail}; ${attempts} sign-in attempts from this address since ${new Date(windowStart).toISOString()} (one record for the window: the name is the first one given)`,
      ),
  );
}

function tooManyAttempts(c: Context<AppEnv>, retryAfterSeconds: number, why: string) {
  return problemResponse(c, {
    kind: "rate-limited",
    status: 429,
    title: "Too many sign-in attempts",
    detail:
      why === "in-flight"
        ? "Another sign-in from your address is being checked. Try again in a moment."
        : `Sign-in from your address or for this account is locked after repeated wrong codes. Try again in ${Math.ceil(retryAfterSeconds / 60)} min.`,
    retryAfterSeconds,
  });
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
      // Counted before the code is checked: parallel guesses each wait for the ones before.
      const admission = await auth.throttle.admit(keys);
      if (!admission.admitted) {
        return tooManyAttempts(c, admission.retryAfterSeconds, admission.why);
      }
      try {
        if (admission.delayMs > 0) await setTimeout(admission.delayMs);
        const principal = await checkCode(method, name, accessCode);
        if (!principal) {
          await recordRefusal(c, auth, audit, {
            outcome: "refused",
            who: name,
            detail: method.mode === "local" ? "wrong access code" : "wrong name or access code",
          });
          return problemResponse(c, {
            kind: "sign-in-failed",
            status: 401,
            title: method.mode === "local" ? "Wrong access code" : "Wrong name or access code",
            detail:
              method.mode === "local"
                ? "Use the code printed when the console started, or the one in CONSOLE_ACCESS_CODE."
                : "Use your name as your administrator entered it, and your own access code.",
            errors: [{ path: "accessCode", message: "This access code is not right." }],
          });
        }
        await auth.throttle.succeeded(keys);
        await audit.record({
          ...recordedPerson(principal),
          ...requestFacts(c),
          kind: "sign-in",
          outcome: "succeeded",
        });
        await startSession(c, auth, principal);
        return c.json(sessionInfo(principal), 200);
      } finally {
        auth.throttle.settle(keys);
      }
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
          ...recordedPerson(session),
          ...requestFacts(c),
          kind: "sign-out",
          outcome: "succeeded",
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
      const keys = [addressKey(c)];
      const admission = await auth.throttle.admit(keys);
      if (!admission.admitted) return c.redirect("/login?error=locked", 303);
      try {
        const outcome = await oidc.finish(pendingId, new URL(c.req.url).search);
        if (!outcome.ok) {
          await recordRefusal(c, auth, audit, {
            outcome: outcome.refusal === "not-allowed" ? "forbidden" : "refused",
            who: outcome.who ?? "(unknown)",
            detail: outcome.detail,
          });
          return c.redirect(`/login?error=${outcome.refusal}`, 303);
        }
        const { principal } = outcome;
        await auth.throttle.succeeded(keys);
        await audit.record({
          ...recordedPerson(principal),
          ...requestFacts(c),
          kind: "sign-in",
          outcome: "succeeded",
        });
        await startSession(c, auth, principal);
        return c.redirect("/", 303);
      } finally {
        auth.throttle.settle(keys);
      }
    });
}
