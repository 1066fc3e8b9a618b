import { Hono } from "hono";
import type { ConsoleConfig } from "../../shared/console-info";
import type { AuthleteGateway } from "../authlete";
import type { AppEnv } from "../env";

/** GET /api/config: what the page must know. Never a secret. */
export function configRoutes(
  authlete: AuthleteGateway,
  testTicketsAvailable: boolean,
  version: string,
) {
  return new Hono<AppEnv>().get("/config", (c) => {
    const config: ConsoleConfig = {
      target: authlete.target,
      testTickets: testTicketsAvailable
        ? { available: true }
        : {
            available: false,
            reason:
              "Set AUTHLETE_TEST_CLIENT_ID and AUTHLETE_TEST_CLIENT_SECRET to create test tickets.",
          },
      version,
    };
    return c.json(config, 200);
  });
}

/** Liveness (the process answers) and readiness (Authlete answers with our token). */
export function healthRoutes(authlete: AuthleteGateway) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }, 200))
    .get("/readyz", async (c) => {
      await authlete.checkReachable();
      return c.json({ status: "ready", target: authlete.target }, 200);
    });
}
