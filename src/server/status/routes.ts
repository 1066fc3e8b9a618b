import { Hono } from "hono";
import type { ConsoleConfig } from "../../shared/console-info";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { AppEnv } from "../http/app-env";
import { getCookie } from "hono/cookie";
import { sessionCookieName, signedInArea } from "../http/guards";
import type { SessionStore } from "../identity/sessions";

/** What the page must know about this console, for GET /api/config and the first frame. */
export interface ConsoleFacts {
  services: ServiceDirectory;
  version: string;
  deliverNotifications: boolean;
  sessionIdleSeconds: number;
}

/** The page's configuration. Never a secret. */
export function consoleConfig(facts: ConsoleFacts): ConsoleConfig {
  const { services } = facts;
  return {
    target: services.defaultTarget,
    testTickets: services.testTicketsAvailable
      ? { available: true }
      : { available: false, reason: services.testTicketsHint },
    notifications: { deliver: facts.deliverNotifications },
    session: { idleSeconds: facts.sessionIdleSeconds },
    version: facts.version,
  };
}

/** GET /api/config: what the page must know. Never a secret. */
export function configRoutes(deps: ConsoleFacts & { sessions: SessionStore }) {
  return signedInArea(deps.sessions).get("/", (c) => c.json(consoleConfig(deps), 200));
}

/** How long /readyz reuses a verdict: probes every second cost one Authlete call per 5 s. */
export const READY_VERDICT_MS = 5_000;

/**
 * Liveness (the process answers) and readiness (Authlete answers with our token). Readiness is
 * checked at most once per READY_VERDICT_MS whoever asks (a probe, or anyone on the network:
 * it is open); only a signed-in person gets the details (the target, Authlete's refusal).
 */
export function healthRoutes(
  services: ServiceDirectory,
  sessions: SessionStore,
  now: () => number = Date.now,
) {
  let verdict: { at: number; failure: Promise<Error | undefined> } | undefined;
  const check = () => {
    if (!verdict || now() - verdict.at >= READY_VERDICT_MS) {
      verdict = {
        at: now(),
        failure: services.checkReachable().then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error("not ready")),
        ),
      };
    }
    return verdict.failure;
  };
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }, 200))
    .get("/readyz", async (c) => {
      c.header("Cache-Control", "no-store");
      const failure = await check();
      const signedIn = await sessions.touch(getCookie(c, sessionCookieName(c)));
      if (!signedIn) {
        return failure ? c.json({ status: "not-ready" }, 503) : c.json({ status: "ready" }, 200);
      }
      if (failure) throw failure;
      return c.json({ status: "ready", target: services.defaultTarget }, 200);
    });
}
