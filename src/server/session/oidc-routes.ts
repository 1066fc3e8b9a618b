import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AuditTrail } from "../actions/audit-trail";
import type { AppEnv } from "../http/app-env";
import type { OidcSignIn } from "./oidc";
import { addressKey, throttledSignIn } from "./sign-in";
import type { ConsoleAuth } from "./sign-in";

/** Holds a started OpenID Connect sign-in until the provider redirects back. */
export const OIDC_PENDING_COOKIE = "cfc_oidc";

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
      let refusedAs = "failed";
      const result = await throttledSignIn(c, { auth, audit }, [addressKey(c)], async () => {
        const outcome = await oidc.finish(pendingId, new URL(c.req.url).search);
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
