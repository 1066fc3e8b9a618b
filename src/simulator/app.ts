import { Hono } from "hono";
import { RESULT } from "./result-codes";
import type { ResultCode } from "./result-codes";
import { BUILT_IN_SEED, DEFAULT_SIMULATOR_ACCESS_TOKEN } from "./seed";
import type { SimulatedService, SimulatedToken, SimulatorSeed } from "./seed-types";
import { TicketStore } from "./ticket-store";
import { cibaRoutes } from "./ciba-routes";
import type { CibaEnv } from "./ciba-routes";
import { readBody } from "./service-views";
import { resultCodesPage, serviceRoutes } from "./service-routes";
import { contextStorage } from "hono/context-storage";
import { FaultSwitch, injectFaults } from "./faults";
import { faultRoutes } from "./fault-routes";
import type { SimulatorFault } from "./faults";
import { createNotificationSink } from "./notification-sink";
import { createCibaTokens } from "./ciba-token";

export type { SimulatorFault };

export interface SimulatorOptions {
  /** The token that may use every service (default `simulator-access-token`). */
  accessToken?: string;
  /** Services, clients and tokens (SIMULATOR_SEED); default: the built-in seed. */
  seed?: SimulatorSeed;
  ticketTtlSeconds?: number;
  /** More services beyond the seed, e.g. to exercise paging (settings as the seed's first). */
  extraServices?: Pick<SimulatedService, "serviceId" | "name">[];
  /** More tokens, each limited to some services (e.g. to exercise 403), maybe unable to list them. */
  restrictedTokens?: Record<
    string,
    { services: string[]; mayListServices?: boolean; fullServiceView?: boolean }
  >;
  now?: () => number;
  /** Decides which requests a fault with a `fraction` hits (default Math.random). */
  random?: () => number;
  /** Faults active from the start (SIMULATOR_FAULTS); changed later with setFaults or the admin route. */
  faults?: SimulatorFault[];
  /**
   * The token of the simulator-only routes (/_simulator/*). Default: the API token, as the
   * standalone simulator documents; the console's embedded one uses a random one per start.
   */
  adminToken?: string;
  /**
   * Where a seeded client's notification endpoint that is a path (/client-notifications/…)
   * points. Default: the simulator's own sink. The console's embedded simulator points them at
   * the console's own receiver, so that a QA lab run receives its notifications.
   */
  relativeEndpoint?: (path: string) => string | undefined;
}

/** The request log keeps the newest records only: a long-running simulator must not grow. */
export const REQUEST_LOG_LIMIT = 10_000;
/** Tickets whose fail calls are counted (/_simulator/fail-calls), newest kept. */
const FAIL_COUNT_LIMIT = 100_000;

export interface SimulatorRequestRecord {
  method: string;
  path: string;
  status: number;
  /** The JSON body as received, when there was one (tests assert on what reached Authlete). */
  body?: unknown;
}

export function createSimulator(options: SimulatorOptions = {}) {
  const seed = options.seed ?? BUILT_IN_SEED;
  const services: SimulatedService[] = [
    ...seed.services,
    ...(options.extraServices ?? []).map((extra, index) => ({
      ...seed.services[0]!,
      testClientId: undefined,
      ...extra,
      number: seed.services.length + index + 1,
    })),
  ];
  const allServiceIds = services.map((service) => service.serviceId);
  // The seed's tokens (the documented one renamed to SIMULATOR_ACCESS_TOKEN when that is set),
  // then the tests' restricted ones.
  const tokens: SimulatedToken[] = [
    ...seed.tokens.map((token) =>
      token.token === DEFAULT_SIMULATOR_ACCESS_TOKEN
        ? {
            ...token,
            token: options.accessToken ?? token.token,
            services:
              token.services.length === seed.services.length ? allServiceIds : token.services,
          }
        : token,
    ),
    ...Object.entries(options.restrictedTokens ?? {}).map(([token, grant]) => ({
      token,
      services: grant.services,
      fullServiceView: grant.fullServiceView ?? false,
      mayListServices: grant.mayListServices ?? true,
    })),
  ];
  const grants = new Map(tokens.map((token) => [token.token, new Set(token.services)]));
  const tokensWithFullView = new Set(tokens.filter((t) => t.fullServiceView).map((t) => t.token));
  const tokensThatMayNotList = new Set(
    tokens.filter((t) => !t.mayListServices).map((t) => t.token),
  );
  const tickets = new TicketStore(options.ticketTtlSeconds ?? 600, options.now);
  const requestLog: SimulatorRequestRecord[] = [];
  const faults = new FaultSwitch(options.faults);
  const sink = createNotificationSink();
  // The token endpoint's CIBA grant (`answer` is hoisted: Authlete's shape there too).
  const cibaTokens = createCibaTokens({
    tickets,
    clients: seed.clients,
    now: options.now ?? Date.now,
    answer: (status, result, extra) => answer(status, result, extra),
  });

  type Env = {
    Variables: CibaEnv["Variables"] & {
      token: string;
      grantedServices: Set<string>;
      fullView: boolean;
    };
  };

  /** An answer in Authlete's shape: resultCode, resultMessage and the API's own fields. */
  function answer(
    status: 200 | 400 | 401 | 403 | 404,
    result: ResultCode,
    extra: object = {},
  ): Response {
    return Response.json(
      { resultCode: result.code, resultMessage: result.message, ...extra },
      { status },
    );
  }

  const app = new Hono<Env>();

  const adminToken = options.adminToken ?? options.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN;
  const failCalls = new Map<string, number>();

  // An error's error_uri names the origin the request came to (ciba-requests.ts).
  app.use(contextStorage());
  app.route("/", resultCodesPage());

  app.use(async (c, next) => {
    const record: SimulatorRequestRecord = { method: c.req.method, path: c.req.path, status: 0 };
    requestLog.push(record);
    if (requestLog.length > REQUEST_LOG_LIMIT)
      requestLog.splice(0, requestLog.length - REQUEST_LOG_LIMIT);
    if (c.req.header("content-type")?.includes("json")) {
      record.body = await c.req.raw
        .clone()
        .json()
        .catch(() => "(not JSON)");
    }
    if (record.path.endsWith("/backchannel/authentication/fail")) {
      const ticket = (record.body as { ticket?: unknown } | undefined)?.ticket;
      if (typeof ticket === "string") {
        failCalls.set(ticket, (failCalls.get(ticket) ?? 0) + 1);
        if (failCalls.size > FAIL_COUNT_LIMIT) failCalls.delete(failCalls.keys().next().value!);
      }
    }
    await next();
    record.status = c.res.status;
  });

  // Simulator-only: switch faults at run time, with the admin token. Not part of Authlete.
  app.route(
    "/_simulator/faults",
    faultRoutes(faults, adminToken, () => answer(401, RESULT.missingToken)),
  );

  // Simulator-only: how many fail calls each ticket received (the crash journeys prove that
  // no ticket was sent twice), with the admin token. Not part of Authlete.
  app.get("/_simulator/fail-calls", (c) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (match?.[1] !== adminToken) return answer(401, RESULT.missingToken);
    return c.json(Object.fromEntries(failCalls), 200);
  });

  // Simulator-only: the seeded ping and push clients' notification endpoint, and what it got.
  app.route("/client-notifications", sink.routes);
  app.get("/_simulator/client-notifications", (c) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (match?.[1] !== adminToken) return answer(401, RESULT.missingToken);
    return c.json(sink.received(), 200);
  });

  app.use("/api/*", injectFaults(faults, options.random));

  // Bearer authentication, answered in Authlete's shape.
  app.use("/api/*", async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    const granted = match ? grants.get(match[1]!) : undefined;
    if (!granted) return answer(401, RESULT.missingToken);
    c.set("token", match![1]!);
    c.set("grantedServices", granted);
    c.set("fullView", tokensWithFullView.has(match![1]!));
    return next();
  });

  // A service's APIs: the token must cover the service, and a POST carries a JSON object or a
  // form (Authlete accepts application/x-www-form-urlencoded on the CIBA operations).
  // /api/service/... are not a service's APIs.
  app.use("/api/:serviceId/*", async (c, next) => {
    const serviceId = c.req.param("serviceId");
    if (serviceId === "service") return next();
    const service = services.find((known) => known.serviceId === serviceId);
    if (!/^[0-9]+$/.test(serviceId)) return answer(400, RESULT.malformedServiceId(serviceId));
    if (!service || !c.var.grantedServices.has(serviceId)) {
      return answer(403, RESULT.serviceForbidden(serviceId));
    }
    c.set("service", service);
    if (c.req.method === "POST") {
      const body = await readBody(c.req.raw);
      if (body === undefined) return answer(400, RESULT.malformedBody);
      c.set("body", body);
    }
    return next();
  });

  app.route("/api", serviceRoutes({ services, tokensThatMayNotList, answer }));

  app.route(
    "/api/:serviceId",
    cibaRoutes({
      tickets,
      clients: seed.clients,
      sink,
      tokens: cibaTokens,
      answer,
      endpointOf: (path, origin) => options.relativeEndpoint?.(path) ?? origin + path,
    }),
  );

  app.notFound(() => answer(404, RESULT.unknownPath));

  return {
    app,
    tickets,
    requestLog,
    /** What the notification sink received (tests, and the embedded console's page). */
    notifications: sink.received,
    /** One fault (or none), replacing the others. */
    setFault: (next: SimulatorFault | null) => faults.set(next ? [next] : []),
    setFaults: (next: SimulatorFault[]) => faults.set(next),
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
