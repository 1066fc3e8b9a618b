/** Standalone simulator: `npm run simulator`, then point the console at it like at a cluster. */
import { serve } from "@hono/node-server";
import { z } from "zod";
import { createSimulator } from "./app";
import { parseFaults } from "./faults";
import { BUILT_IN_SEED } from "./seed";
import { readSeedFile } from "./seed-file";

const env = z
  .object({
    SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
    SIMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
    SIMULATOR_ACCESS_TOKEN: z.string().min(1).optional(),
    SIMULATOR_TICKET_TTL_SECONDS: z.coerce.number().int().positive().default(600),
    /** Added to every answer, like the network between a console and a real cluster. */
    SIMULATOR_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** A JSON array of faults active from the start (see README, "Faults"). */
    SIMULATOR_FAULTS: z.string().optional(),
    /** Services, clients and tokens in a file (see README, "Services and clients in a file"). */
    SIMULATOR_SEED: z.string().optional(),
  })
  .safeParse(process.env);

if (!env.success) {
  for (const issue of env.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
  process.exit(1);
}

let faults;
try {
  faults = parseFaults(env.data.SIMULATOR_FAULTS);
} catch (error) {
  console.error(`SIMULATOR_FAULTS: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
if (env.data.SIMULATOR_DELAY_MS > 0)
  faults.unshift({ kind: "delay", ms: env.data.SIMULATOR_DELAY_MS, fraction: 1 });
let seed;
try {
  seed = env.data.SIMULATOR_SEED === undefined ? undefined : readSeedFile(env.data.SIMULATOR_SEED);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const { app } = createSimulator({
  seed,
  accessToken: env.data.SIMULATOR_ACCESS_TOKEN,
  ticketTtlSeconds: env.data.SIMULATOR_TICKET_TTL_SECONDS,
  faults,
});

serve(
  { fetch: app.fetch, hostname: env.data.SIMULATOR_HOST, port: env.data.SIMULATOR_PORT },
  (info) => {
    console.log(`Authlete simulator listening on http://${env.data.SIMULATOR_HOST}:${info.port}`);
    const services = (seed ?? BUILT_IN_SEED).services.map((service) => service.serviceId);
    console.log(
      `Services ${services.join(", ")} (${env.data.SIMULATOR_SEED ?? "the built-in seed, examples/simulator-seed.yaml"}); see README, 'The Authlete simulator'.`,
    );
  },
);
