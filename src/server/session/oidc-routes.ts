import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { visibleText } from "../../shared/text";
import type { AuditTrail } from "../actions/audit-trail";
import type { AppEnv } from "../http/app-env";
import { NO_PENDING_SIGN_IN } from "./oidc";
import type { OidcSignIn } from "./oidc";
import { addressKey, recordRefusal, throttledSignIn } from "./sign-in";
import type { ConsoleAuth } from "./sign-in";

/** Holds a started OpenID Connect sign-in until the provider redirects back. */
export const OIDC_PENDING_COOKIE = "cfc_oidc";

/**
 * /auth/oidc/*: browser navigations, not API calls. The sign-in's state lives in the database
 * (any replica finds it); the browser holds only its key, in a Lax cookie, because the
 * provider's redirect back is a cross-site navigation that a Strict cookie would not survive.
 */
export function oidcRoutes(auth: ConsoleAuth, oidc: OidcSignIn, audit: AuditTrail) {
  const pendingCookie = { httpOnly: true, sameSite: "Lax", path: "/auth/oidc" } as const;
  return new Hono<AppEnv>()
    .get("/login", async (c) => {
      let started;
      try {
        started = await oidc.start(c.var.client.address);
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
      const pending = await oidc.take(getCookie(c, OIDC_PENDING_COOKIE));
      deleteCookie(c, OIDC_PENDING_COOKIE, { path: pendingCookie.path });
      const query = new URL(c.req.url).search;
      const providerError = new URLSearchParams(query).get("error");
      // Not a guess at anything: a callback nobody started here (anyone can send one) or the
      // provider's own refusal. Recorded, one record per address and window, but never counted
      // toward the lockout, or a stranger could lock everyone behind one address out.
      if (!pending || providerError !== null) {
        const detail = pending
          ? `provider: ${visibleText(providerError ?? "").slice(0, 100)}`
          : NO_PENDING_SIGN_IN;
        const key = `oidc-callback:${c.var.client.address}`;
        await auth.throttle.countWithoutLockout(key);
        await recordRefusal(
          c,
          { auth, audit },
          { outcome: "refused", who: "(unknown)", detail },
          key,
        );
        return c.redirect("/login?error=failed", 303);
      }
      let refusedAs = "failed";
      const result = await throttledSignIn(c, { auth, audit }, [addressKey(c)], async () => {
        const outcome = await oidc.finish(pending, query);
        if (outcome.ok) return { principal: outcome.principal };
        refusedAs = outcome.refusal;
        const forbidden = outcome.refusal === "not-allowed";
        return {
          refusal: {
            outcome: forbidden ? "forbidden" : "refused",
            who: outcome.who ?? "(unknown)",
            detail: outcome.detail,
          },
        };
      });
      if (result.kind === "throttled") return c.redirect("/login?error=locked", 303);
      if (result.kind === "refused") return c.redirect(`/login?error=${refusedAs}`, 303);
      return c.redirect("/", 303);
    });
}
