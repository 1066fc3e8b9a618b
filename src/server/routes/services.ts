import { Hono } from "hono";
import type { AuthleteGateway } from "../authlete";
import type { AppEnv } from "../env";

export function serviceRoutes(authlete: AuthleteGateway) {
  return new Hono<AppEnv>().get("/services", async (c) =>
    c.json(await authlete.listServices(), 200),
  );
}
