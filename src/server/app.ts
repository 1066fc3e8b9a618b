import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./env";
import type { Logger } from "./logger";
import { limitBodySizes, sameOriginWrites, securityHeaders } from "./hardening";
import { ProblemError, problemResponse } from "./problem";
import { failRoutes } from "./routes/fail";
import type { AuditTrail } from "./audit/audit-trail";
import type { SlidingWindowLimiter } from "./rate-limit";
import type { BulkRunner } from "./bulk/bulk-runner";
import type { BulkStore } from "./bulk/bulk-store";
import { auditRoutes } from "./routes/audit";
import { bulkJobRoutes } from "./routes/bulk-jobs";
import { reasonMatrixRoutes } from "./routes/reason-matrix";
import { oidcRoutes, requireSession, sessionRoutes } from "./routes/session";
import type { ConsoleAuth } from "./routes/session";
import { serviceRoutes } from "./routes/services";
import { configRoutes, healthRoutes } from "./routes/status";
import { testTicketRoutes } from "./routes/test-tickets";
import type { ServiceDirectory } from "./service-directory";
import { staticPage } from "./static-page";
import { refuseDuplicateKeys } from "./strict-json";

export interface AppDeps {
  /** Which Authlete, token and test client serve each service. */
  services: ServiceDirectory;
  logger: Logger;
  version: string;
  /** Who may use the API: sessions, and how people sign in (access code or OpenID Connect). */
  auth: ConsoleAuth;
  /** Where every action is recorded before it is answered. */
  audit: AuditTrail;
  /** Fail calls per operator. */
  failLimiter: SlidingWindowLimiter;
  /** Runs bulk fail jobs, kept in `bulkStore`. */
  bulkRunner: BulkRunner;
  bulkStore: BulkStore;
  /** The built page; absent in development, where Vite serves it. */
  clientDir?: string;
}

export function createApp(deps: AppDeps) {
  const api = new Hono<AppEnv>()
    .use(sameOriginWrites())
    .use(limitBodySizes())
    .use(refuseDuplicateKeys())
    .use(requireSession(deps.auth.sessions))
    .use(async (c, next) => {
      await next();
      c.header("Cache-Control", "no-store");
    })
    .route("/", sessionRoutes(deps.auth, deps.audit))
    .route("/", failRoutes(deps.services, deps.audit, deps.failLimiter))
    .route("/", serviceRoutes(deps.services))
    .route("/", testTicketRoutes(deps.services, deps.audit))
    .route("/", auditRoutes(deps.audit))
    .route("/", bulkJobRoutes(deps.services, deps.bulkRunner, deps.bulkStore, deps.audit))
    .route("/", reasonMatrixRoutes(deps.services, deps.audit))
    .route("/", configRoutes(deps.services, deps.version))
    .all("*", (c) =>
      problemResponse(c, {
        kind: "not-found",
        status: 404,
        title: "No such API",
        detail: `${c.req.method} ${c.req.path} is not an API of this console.`,
      }),
    );

  const app = new Hono<AppEnv>()
    .use(requestId())
    .use(securityHeaders())
    .use(async (c, next) => {
      c.set("logFields", {});
      const started = performance.now();
      await next();
      deps.logger.info(
        {
          requestId: c.var.requestId,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...c.var.logFields,
        },
        "request",
      );
    })
    .route("/api", api)
    .route("/", healthRoutes(deps.services));

  const signIn = deps.auth.method;
  if (signIn.mode === "oidc") app.route("/auth/oidc", oidcRoutes(deps.auth, signIn, deps.audit));

  if (deps.clientDir) app.route("/", staticPage(deps.clientDir));

  app.notFound((c) =>
    problemResponse(c, {
      kind: "not-found",
      status: 404,
      title: "Not found",
      detail: `${c.req.path} does not exist.`,
    }),
  );

  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error.init);
    if (error instanceof HTTPException && error.status < 500) {
      // Raised by Hono itself, e.g. a body that is not JSON.
      return problemResponse(c, {
        kind: "validation-failed",
        status: error.status,
        title: "The request is invalid",
        detail: error.message,
      });
    }
    deps.logger.error({ requestId: c.var.requestId, err: error }, "unexpected error");
    return problemResponse(c, {
      kind: "internal-error",
      status: 500,
      title: "The console failed unexpectedly",
      detail: "The error is logged with this request's ID.",
    });
  });

  return app;
}

export type AppType = ReturnType<typeof createApp>;
