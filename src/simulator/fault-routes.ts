import { Hono } from "hono";
import { z } from "zod";
import type { FaultSwitch } from "./faults";
import { simulatorFaultsSchema } from "./faults";

/**
 * Simulator-only, not part of Authlete: read and switch the fault modes at run time, with the
 * simulator's own token (`refuse` answers anyone else in Authlete's 401 shape).
 */
export function faultRoutes(faults: FaultSwitch, token: string, refuse: () => Response) {
  return new Hono()
    .use(async (c, next) => {
      const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
      return match?.[1] === token ? next() : refuse();
    })
    .get("/", (c) => c.json(faults.get(), 200))
    .put("/", async (c) => {
      const parsed = simulatorFaultsSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json({ error: z.prettifyError(parsed.error) }, 400);
      faults.set(parsed.data);
      return c.json(faults.get(), 200);
    })
    .delete("/", (c) => {
      faults.set([]);
      return c.body(null, 204);
    });
}
