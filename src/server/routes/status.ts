import { Hono } from "hono";
import type { ConsoleConfig } from "../../shared/console-info";
import type { ServiceDirectory } from "../service-directory";
import type { AppEnv } from "../request-context";
import { signedInArea } from "../guards";
import type { SessionStore } from "../sessions";

/** GET /api/config: what the page must know. Never a secret. */
export function configRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  version: string;
}) {
  const { services, version } = deps;
  return signedInArea(deps.sessions).get("/", (c) => {
    const config: ConsoleConfig = {
      target: services.defaultTarget,
      testTickets: services.testTicketsAvailable
        ? { available: true }
        : { available: false, reason: services.testTicketsHint },
      version,
    };
    return c.json(config, 200);
  });
}

/** Liveness (the process answers) and readiness (Authlete answers with our token). */
export function healthRoutes(services: ServiceDirectory) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }, 200))
    .get("/readyz", async (c) => {
      await services.checkReachable();
      return c.json({ status: "ready", target: services.defaultTarget }, 200);
    });
}
