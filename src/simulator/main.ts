/** Standalone simulator: `npm run simulator`, then point the console at it like at a cluster. */
import { serve } from "@hono/node-server";
import { z } from "zod";
import { createSimulator } from "./app";

const env = z
  .object({
    SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
    SIMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
    SIMULATOR_ACCESS_TOKEN: z.string().min(1).optional(),
    SIMULATOR_TICKET_TTL_SECONDS: z.coerce.number().int().positive().default(600),
    /** Added to every answer, like the network between a console and a real cluster. */
    SIMULATOR_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  })
  .safeParse(process.env);

if (!env.success) {
  for (const issue of env.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
  process.exit(1);
}

const simulator = createSimulator({
  accessToken: env.data.SIMULATOR_ACCESS_TOKEN,
  ticketTtlSeconds: env.data.SIMULATOR_TICKET_TTL_SECONDS,
});
const { app } = simulator;
if (env.data.SIMULATOR_DELAY_MS > 0) {
  simulator.setFault({ kind: "delay", ms: env.data.SIMULATOR_DELAY_MS });
}

serve(
  { fetch: app.fetch, hostname: env.data.SIMULATOR_HOST, port: env.data.SIMULATOR_PORT },
  (info) => {
    console.log(`Authlete simulator listening on http://${env.data.SIMULATOR_HOST}:${info.port}`);
    console.log(
      "Seeded services 1000000001, 1000000002 and 1000000003 (an older Authlete); see README, 'The Authlete simulator'.",
    );
  },
);
