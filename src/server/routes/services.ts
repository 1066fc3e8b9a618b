import { Hono } from "hono";
import type { AppEnv } from "../env";
import type { ServiceDirectory } from "../service-directory";

export function serviceRoutes(services: ServiceDirectory) {
  return new Hono<AppEnv>().get("/services", async (c) =>
    c.json(await services.listServices(), 200),
  );
}
