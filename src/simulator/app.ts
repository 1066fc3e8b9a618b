import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { REASONS } from "../shared/reasons";
import type { FailReason } from "../shared/reasons";
import { RESULT } from "./result-codes";
import type { ResultCode } from "./result-codes";
import {
  DEFAULT_SIMULATOR_ACCESS_TOKEN,
  SEED_CLIENTS,
  SEED_SERVICES,
  type SimulatedClient,
  type SimulatedService,
} from "./seed";
import { asText, clampInt } from "./request-values";
import { TicketStore } from "./ticket-store";
import { FaultSwitch, injectFaults } from "./faults";
import { faultRoutes } from "./fault-routes";
import type { SimulatorFault } from "./faults";

export type { SimulatorFault };

export interface SimulatorOptions {
  /** The token that may use every service (default `simulator-access-token`). */
  accessToken?: string;
  ticketTtlSeconds?: number;
  /** More services beyond the seed, e.g. to exercise paging. */
  extraServices?: SimulatedService[];
  /** More tokens, each limited to some services (e.g. to exercise 403), maybe unable to list them. */
  restrictedTokens?: Record<string, { services: string[]; mayListServices?: boolean }>;
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
  const services = [...SEED_SERVICES, ...(options.extraServices ?? [])];
  const allServiceIds = services.map((service) => service.serviceId);
  const grants = new Map<string, Set<string>>([
    [options.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN, new Set(allServiceIds)],
    ...Object.entries(options.restrictedTokens ?? {}).map(
      ([token, grant]) => [token, new Set(grant.services)] as const,
    ),
  ]);
  const tokensThatMayNotList = new Set(
    Object.entries(options.restrictedTokens ?? {})
      .filter(([, grant]) => grant.mayListServices === false)
      .map(([token]) => token),
  );
  const tickets = new TicketStore(options.ticketTtlSeconds ?? 600, options.now);
  const requestLog: SimulatorRequestRecord[] = [];
  const faults = new FaultSwitch(options.faults);

  type Env = { Variables: { token: string; grantedServices: Set<string>; body: unknown } };

  /** An answer in Authlete's shape: resultCode, resultMessage and the API's own fields. */
  function answer(status: 200 | 400 | 401 | 403 | 404, result: ResultCode, extra = {}): Response {
    return Response.json(
      { resultCode: result.code, resultMessage: result.message, ...extra },
      { status },
    );
  }

  const app = new Hono<Env>();

  const adminToken = options.adminToken ?? options.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN;
  const failCalls = new Map<string, number>();

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

  app.use("/api/*", injectFaults(faults, options.random));

  // Bearer authentication, answered in Authlete's shape.
  app.use("/api/*", async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    const granted = match ? grants.get(match[1]!) : undefined;
    if (!granted) return answer(401, RESULT.missingToken);
    c.set("token", match![1]!);
    c.set("grantedServices", granted);
    return next();
  });

  app.use("/api/:serviceId{[0-9]+}/*", async (c, next) => {
    const serviceId = c.req.param("serviceId");
    if (!c.var.grantedServices.has(serviceId)) {
      return answer(403, RESULT.serviceForbidden(serviceId));
    }
    if (c.req.method === "POST") {
      const body: unknown = await c.req.json().catch(() => undefined);
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return answer(400, RESULT.malformedBody);
      }
      c.set("body", body);
    }
    return next();
  });

  app.get("/api/service/get/list", (c) => {
    if (tokensThatMayNotList.has(c.var.token)) return answer(403, RESULT.listForbidden);
    const visible = services.filter((service) => c.var.grantedServices.has(service.serviceId));
    const start = clampInt(c.req.query("start"), 0);
    const end = Math.max(start, clampInt(c.req.query("end"), 5));
    return c.json({
      start,
      end,
      totalCount: visible.length,
      // The limited view Authlete gives of a service (docs/authlete-reference.md §5).
      services: visible.slice(start, end).map((service, index) => ({
        apiKey: Number(service.serviceId),
        serviceName: service.name,
        number: start + index + 1,
        clientIdAliasEnabled: false,
      })),
    });
  });

  app.post("/api/:serviceId/backchannel/authentication", (c) => {
    const serviceId = c.req.param("serviceId");
    const body = c.var.body as Record<string, unknown>;
    const client = SEED_CLIENTS.find(
      (candidate: SimulatedClient) =>
        candidate.serviceId === serviceId &&
        candidate.clientId === asText(body.clientId) &&
        candidate.clientSecret === body.clientSecret,
    );
    if (!client) {
      return answer(200, RESULT.clientAuthFailed, {
        action: "UNAUTHORIZED",
        responseContent: JSON.stringify({
          error: "invalid_client",
          error_description: "Client authentication failed.",
        }),
      });
    }
    const parameters = new URLSearchParams(
      typeof body.parameters === "string" ? body.parameters : "",
    );
    const scopes = (parameters.get("scope") ?? "").split(" ").filter(Boolean);
    const hints = (
      [
        ["LOGIN_HINT", parameters.get("login_hint")],
        ["LOGIN_HINT_TOKEN", parameters.get("login_hint_token")],
        ["ID_TOKEN_HINT", parameters.get("id_token_hint")],
      ] as const
    ).filter(([, value]) => value !== null && value !== "");
    const badRequest = (detail: string) =>
      answer(200, RESULT.authenticationBadRequest(detail), {
        action: "BAD_REQUEST",
        responseContent: JSON.stringify({ error: "invalid_request", error_description: detail }),
      });
    if (!scopes.includes("openid"))
      return badRequest("The 'scope' parameter must include 'openid'.");
    const [onlyHint, ...otherHints] = hints;
    if (!onlyHint || otherHints.length > 0) {
      return badRequest(
        "Exactly one of login_hint, login_hint_token and id_token_hint is required.",
      );
    }
    const [hintType, hint] = onlyHint;
    const stored = tickets.create({
      serviceId,
      clientId: client.clientId,
      hintType,
      hint: hint ?? "",
      bindingMessage: parameters.get("binding_message") ?? undefined,
    });
    return answer(200, RESULT.authenticationOk, {
      action: "USER_IDENTIFICATION",
      ticket: stored.ticket,
      clientId: Number(client.clientId),
      clientName: client.clientName,
      deliveryMode: "POLL",
      hintType,
      hint: stored.hint,
      bindingMessage: stored.bindingMessage,
      scopes: scopes.map((name) => ({ name })),
      userCodeRequired: false,
    });
  });

  /** The pending ticket a request's body names, when this service holds it. */
  function ticketOf(c: { var: Env["Variables"]; req: { param(name: "serviceId"): string } }) {
    const { ticket } = c.var.body as Record<string, unknown>;
    return typeof ticket === "string" ? tickets.find(ticket, c.req.param("serviceId")) : undefined;
  }

  app.post("/api/:serviceId/backchannel/authentication/issue", (c) => {
    const stored = ticketOf(c);
    if (!stored) {
      return answer(200, RESULT.issueUnknownTicket, { action: "INVALID_TICKET" });
    }
    stored.authReqId ??= randomBytes(32).toString("base64url");
    return answer(200, RESULT.issueOk, {
      action: "OK",
      authReqId: stored.authReqId,
      expiresIn: Math.max(0, Math.round((stored.expiresAt - Date.now()) / 1000)),
      interval: 5,
      responseContent: JSON.stringify({
        auth_req_id: stored.authReqId,
        expires_in: 600,
        interval: 5,
      }),
    });
  });

  app.post("/api/:serviceId/backchannel/authentication/fail", (c) => {
    const body = c.var.body as Record<string, unknown>;
    if (typeof body.ticket !== "string" || body.ticket === "") {
      return failAnswer(RESULT.failMissingTicket, "server_error");
    }
    // Authlete's prose: reason defaults to SERVER_ERROR when omitted.
    const reasonName = body.reason ?? "SERVER_ERROR";
    const service = services.find((known) => known.serviceId === c.req.param("serviceId"));
    if (
      typeof reasonName !== "string" ||
      !Object.hasOwn(REASONS, reasonName) ||
      service?.unsupportedReasons?.includes(reasonName)
    ) {
      return failAnswer(RESULT.failUnknownReason, "server_error");
    }
    const reason = REASONS[reasonName as FailReason];
    // Authlete answers alike whether or not the ticket exists; it deletes it only when it does
    // and belongs to this service.
    const stored = tickets.find(body.ticket, c.req.param("serviceId"));
    if (stored) tickets.delete(stored.ticket);
    const content: Record<string, string> = { error: reason.error };
    if (typeof body.errorDescription === "string")
      content.error_description = body.errorDescription;
    if (typeof body.errorUri === "string") content.error_uri = body.errorUri;
    return answer(200, RESULT.failOk, {
      action: reason.action,
      responseContent: JSON.stringify(content),
    });
  });

  function failAnswer(result: ResultCode, error: string) {
    return answer(200, result, {
      action: "INTERNAL_SERVER_ERROR",
      responseContent: JSON.stringify({ error, error_description: result.message }),
    });
  }

  app.post("/api/:serviceId/backchannel/authentication/complete", (c) => {
    const stored = ticketOf(c);
    if (!stored) return answer(200, RESULT.completeUnknownTicket, { action: "SERVER_ERROR" });
    tickets.delete(stored.ticket);
    // POLL mode: the client fetches the result from the token endpoint; nothing to push.
    return answer(200, RESULT.completeOk, {
      action: "NO_ACTION",
      clientId: Number(stored.clientId),
    });
  });

  app.notFound(() => answer(404, RESULT.unknownPath));

  return {
    app,
    tickets,
    requestLog,
    /** One fault (or none), replacing the others. */
    setFault: (next: SimulatorFault | null) => faults.set(next ? [next] : []),
    setFaults: (next: SimulatorFault[]) => faults.set(next),
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
