import type { MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { problemResponse } from "./problem";

/**
 * Security headers on every answer. The built page has no inline script or style, so the policy
 * can be strict: the first frame's one inline script and inline styles (decision 023) carry
 * this answer's nonce; frame-ancestors 'none' stops the console being framed (clickjacking).
 * HSTS only over https (PUBLIC_URL, or a trusted proxy's X-Forwarded-Proto): on plain-http
 * loopback it would be meaningless.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'", NONCE],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xContentTypeOptions: "nosniff",
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    strictTransportSecurity: false,
  });
  return async (c, next) => {
    await headers(c, next);
    if (c.var.client.https) {
      c.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * State-changing requests only from this console's own pages. Hono's csrf() checks form-like
 * content types only (JSON relies on CORS preflight); we refuse every cross-site write outright.
 * Browsers send Sec-Fetch-Site and Origin on such requests; tools like curl send neither and
 * cannot ride on a victim's browser, so they pass.
 */
export function sameOriginWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const crossSite =
      (site !== undefined && site !== "same-origin" && site !== "none") ||
      (origin !== undefined && origin !== c.var.client.origin);
    if (crossSite) {
      return problemResponse(c, {
        kind: "cross-site-request",
        status: 403,
        title: "Cross-site request refused",
        detail: "Changes can only be made from this console's own page.",
      });
    }
    return next();
  };
}
