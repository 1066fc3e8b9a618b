import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { problemResponse } from "./problem";

/** Larger bodies are refused before they are read: a fail request is well under 4 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Security headers on every answer. The built page has no inline script or style, so the policy
 * can be strict; frame-ancestors 'none' stops the console being framed (clickjacking).
 * HSTS only over https: on plain-http loopback it would be meaningless.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
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
    if (new URL(c.req.url).protocol === "https:") {
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
      (origin !== undefined && origin !== new URL(c.req.url).origin);
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

/** A bulk job's list: 10,000 tickets of up to 256 characters, with JSON around them. */
export const MAX_BULK_BODY_BYTES = 4 * 1024 * 1024;

/** Every API body is small but a bulk job's; each gets its own ceiling. */
export function limitBodySizes(): MiddlewareHandler<AppEnv> {
  const small = limitBodySize();
  const bulk = limitBodySize(MAX_BULK_BODY_BYTES);
  return (c, next) =>
    c.req.method === "POST" && c.req.path === "/api/bulk-jobs" ? bulk(c, next) : small(c, next);
}
