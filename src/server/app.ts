import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { BulkRunner } from "./bulk/bulk-runner";
import type { ActionPolicy } from "./actions/action-policy";
import { sameOriginWrites, securityHeaders } from "./http/hardening";
import type { Logger } from "./logger";
import { problemOf, problemResponse } from "./http/problem";
import { clientFacts, publicHostOnly } from "./http/public-address";
import type { TrustProxy } from "./http/public-address";
import { requestIds } from "./http/request-context";
import type { AppEnv } from "./http/app-env";
import { auditRoutes } from "./audit/routes";
import { bulkJobRoutes } from "./bulk/routes";
import { failRoutes, runFail } from "./fail/routes";
import { endRoutes, redeliveryRoutes, runEnd } from "./end/routes";
import { approvalRoutes } from "./approvals/routes";
import type { ApprovedActionRunners, Approvals } from "./actions/approvals";
import { launchJob } from "./bulk/start-job";
import type { DeliveryDeps } from "./notifications/delivery";
import { labRoutes } from "./lab/routes";
import type { LabDeps } from "./lab/lab-run";
import { LAB_RECEIVER_PATH, labReceiverRoutes } from "./lab/receiver";
import { tokenHash } from "./lab/lab-store";
import { oidcRoutes } from "./session/oidc-routes";
import { sessionRoutes } from "./session/routes";
import type { ConsoleAuth } from "./session/sign-in";
import { serviceRoutes } from "./services/routes";
import { configRoutes, consoleConfig, healthRoutes } from "./status/routes";
import type { ConsoleFacts } from "./status/routes";
import type { Context } from "hono";
import { checkSession } from "./http/guards";
import { roleAllows } from "../shared/session";
import { testTicketRoutes } from "./test-tickets/routes";
import type { ServiceDirectory } from "./authlete/service-directory";
import { staticPage } from "./http/static-page";
import type { AuditTrail } from "./actions/audit-trail";
import type { BulkJobStore } from "./bulk/bulk-job-store";
import type { Registry } from "prom-client";
import type { AuditSink } from "../shared/audit-sinks";
import { metricsRoutes } from "./metrics/metrics-routes";
import { answeredWithin } from "./http/first-frame";
import type { FirstFrameRenderer } from "./http/first-frame";
import type { FirstFrameData } from "../shared/first-frame";
import { sessionInfo } from "./session/sign-in";

export interface AppDeps {
  /** Which Authlete, token and test client serve each service. */
  services: ServiceDirectory;
  logger: Logger;
  version: string;
  /** Who may use the API: sessions, and how people sign in (access code or OpenID Connect). */
  auth: ConsoleAuth;
  /** Where every action is recorded before it is answered. */
  audit: AuditTrail;
  /** Whether an action may leave: known service, asked first, within budgets. */
  actionPolicy: ActionPolicy;
  /** Runs bulk fail jobs; the routes read the jobs' pages from `bulkStore`. */
  bulkRunner: BulkRunner;
  bulkStore: BulkJobStore;
  /** Sends client notifications (ending issued requests), and holds those that did not arrive. */
  delivery: DeliveryDeps;
  /** The built page; absent in development, where Vite serves it. */
  clientDir?: string;
  /** The built first frame's renderer (decision 023), when there is one. */
  firstFrame?: () => Promise<FirstFrameRenderer | undefined>;
  /** SERVE_SOURCE_MAPS: the built page's .map files (default: 404). */
  serveSourceMaps?: boolean;
  /** The clock of the readiness verdict (tests move it). */
  now?: () => number;
  /** PUBLIC_URL and TRUST_PROXY. */
  publicAddress: { publicUrl: string | undefined; trustProxy: TrustProxy };
  /** The QA lab: its runs, its receiver, how its cells wait and notify. */
  lab: LabDeps;
  /** Four-eyes approval requests (issue 21). */
  approvals: Approvals;
  /** The audit stream's sinks, for supervisors. */
  auditSinks: () => Promise<AuditSink[]>;
  /** GET /metrics on this port, when METRICS_TOKEN is set (METRICS_PORT has its own app). */
  metrics?: { registry: Registry; token: string };
}

export function createApp(deps: AppDeps) {
  const { auth, audit, services, actionPolicy } = deps;
  const sessions = auth.sessions;
  const { approvals } = deps;
  const endDeps = { sessions, audit, actionPolicy, delivery: deps.delivery, approvals };
  const bulkDeps = {
    sessions,
    services,
    audit,
    actionPolicy,
    runner: deps.bulkRunner,
    store: deps.bulkStore,
    approvals,
  };
  const facts: ConsoleFacts = {
    services,
    version: deps.version,
    deliverNotifications: deps.delivery.enabled,
    sessionIdleSeconds: deps.auth.idleSeconds,
  };
  /** The first frame is an operator's: a viewer's `/` leads elsewhere, a stranger signs in. */
  async function firstFrameData(c: Context<AppEnv>): Promise<FirstFrameData | undefined> {
    const checked = await checkSession(sessions, c);
    if (!("session" in checked) || !roleAllows(checked.session.role, "operator")) return undefined;
    return {
      session: sessionInfo(checked.session),
      config: consoleConfig(facts),
      services: await answeredWithin(services.listServices(), 100),
    };
  }
  // An approved request runs as its own route would have run it.
  const runners: ApprovedActionRunners = {
    fail: (run, held) => runFail(audit, run, held.request, run.caller.requestId ?? ""),
    end: (run, held) =>
      runEnd(endDeps, run, held.request, held.deliverNotification, run.caller.requestId ?? ""),
    bulk: async (run, held) => ({
      jobId: await launchJob(bulkDeps, run, run.caller, held.request),
    }),
  };
  // The route table: each area carries its own guards (routes/*.ts: signedInArea, requireRole,
  // body limits). Only /session is open without a session.
  const api = new Hono<AppEnv>()
    // First, so that every answer of the API carries it: the 403, 401, 413 and 400 answered
    // before any session or body is looked at included.
    .use(async (c, next) => {
      await next();
      c.header("Cache-Control", "no-store");
    })
    .use(sameOriginWrites())
    .route("/session", sessionRoutes(auth, audit))
    .route(
      "/backchannel/authentication/fail",
      failRoutes({ sessions, audit, actionPolicy, approvals }),
    )
    .route("/backchannel/authentication/complete", endRoutes(endDeps))
    .route("/client-notifications", redeliveryRoutes(endDeps))
    .route("/services", serviceRoutes({ sessions, services }))
    .route(
      "/test-tickets",
      testTicketRoutes({
        sessions,
        services,
        audit,
        actionPolicy: deps.actionPolicy,
        expectNotification: (token) => deps.lab.labStore.expectNotification(tokenHash(token)),
      }),
    )
    .route("/audit", auditRoutes({ sessions, audit, sinks: deps.auditSinks }))
    .route("/bulk-jobs", bulkJobRoutes(bulkDeps))
    .route("/approvals", approvalRoutes({ sessions, audit, approvals, runners }))
    .route("/lab", labRoutes({ ...deps.lab, sessions, services, actionPolicy }))
    .route("/config", configRoutes({ sessions, ...facts }))
    .all("*", (c) =>
      problemResponse(c, {
        kind: "not-found",
        status: 404,
        title: "No such API",
        detail: `${c.req.method} ${c.req.path} is not an API of this console.`,
      }),
    );

  const app = new Hono<AppEnv>()
    .use(requestIds())
    .use(clientFacts(deps.publicAddress))
    .use(securityHeaders())
    .use(async (c, next) => {
      c.set("logFields", {});
      const started = performance.now();
      await next();
      deps.logger.info(
        {
          requestId: c.var.requestId,
          callerRequestId: c.var.callerRequestId,
          client: c.var.client.address,
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...c.var.logFields,
        },
        "request",
      );
    })
    // The probes first: an orchestrator asks for them by the pod's address, not PUBLIC_URL.
    .route("/", healthRoutes(deps.services, sessions, deps.now))
    .use(publicHostOnly(deps.publicAddress.publicUrl))
    .route("/api", api)
    // The QA lab's client notification endpoint: Authlete's test clients name it, no session.
    .route(LAB_RECEIVER_PATH, labReceiverRoutes(deps.lab.labStore));

  if (deps.metrics) app.route("/metrics", metricsRoutes(deps.metrics.registry, deps.metrics.token));
  const signIn = deps.auth.method;
  if (signIn.mode === "oidc") app.route("/auth/oidc", oidcRoutes(deps.auth, signIn, deps.audit));

  if (deps.clientDir) {
    app.route(
      "/",
      staticPage(deps.clientDir, {
        serveSourceMaps: deps.serveSourceMaps ?? false,
        firstFrame: deps.firstFrame && {
          source: firstFrameData,
          renderer: deps.firstFrame,
          logger: deps.logger,
        },
      }),
    );
  }

  app.notFound((c) =>
    problemResponse(c, {
      kind: "not-found",
      status: 404,
      title: "Not found",
      detail: `${c.req.path} does not exist.`,
    }),
  );

  app.onError((error, c) => {
    const problem = problemOf(error);
    if (problem) return problemResponse(c, problem);
    if (error instanceof HTTPException && error.status < 500) {
      // Raised by Hono itself, e.g. a body that is not JSON.
      return problemResponse(c, {
        kind: "validation-failed",
        status: error.status,
        title: "The request is invalid",
        detail: error.message,
      });
    }
    if (isBodyAbort(error)) {
      // Node answered 408 itself when REQUEST_TIMEOUT_SECONDS ran out (or the client left): a
      // client's doing, not the console's fault.
      deps.logger.info(
        { requestId: c.var.requestId, path: c.req.path },
        "request body not received",
      );
      return problemResponse(c, {
        kind: "request-timeout",
        status: 408,
        title: "The request was not received in time",
        detail: "Its body stopped arriving; nothing was done.",
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

/** The error reading a body raises when the socket went before the body came (Node: "aborted"). */
function isBodyAbort(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return error instanceof Error && (error.message === "aborted" || code === "ECONNRESET");
}
