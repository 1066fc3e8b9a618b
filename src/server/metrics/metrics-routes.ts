import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { AppEnv } from "../http/app-env";
import { problemResponse } from "../http/problem";
import { requestIds } from "../http/request-context";
import { secretsEqual } from "../identity/sessions";

/**
 * GET /metrics in Prometheus' text format. With a token (METRICS_TOKEN), only for
 * `Authorization: Bearer <token>`; without one it is served only on METRICS_PORT's own listener,
 * which the operator keeps off the public network.
 */
export function metricsRoutes(registry: Registry, token: string | undefined) {
  return new Hono<AppEnv>().get("/", async (c) => {
    if (token !== undefined) {
      const given = /^Bearer (.+)$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
      if (!secretsEqual(given, token)) {
        c.header("WWW-Authenticate", 'Bearer realm="metrics"');
        return problemResponse(c, {
          kind: "not-signed-in",
          status: 401,
          title: "Metrics need their token",
          detail: "Send Authorization: Bearer with METRICS_TOKEN.",
        });
      }
    }
    return c.body(await registry.metrics(), 200, {
      "Content-Type": registry.contentType,
      "Cache-Control": "no-store",
    });
  });
}

/** METRICS_PORT's own app: /metrics and nothing else; no Host check (scraped by address). */
export function metricsListenerApp(registry: Registry, token: string | undefined) {
  return new Hono<AppEnv>()
    .use(requestIds())
    .route("/metrics", metricsRoutes(registry, token))
    .notFound((c) => c.text("Only /metrics is served here.\n", 404));
}
