import { z } from "zod";
import { optional } from "../shared/fail-request";
import { parseFaults } from "./faults";
import { SeedError, readSeedFile } from "./seed-file";

/**
 * The embedded simulator's settings (used when no AUTHLETE_ACCESS_TOKEN is set): the simulator
 * owns its variables and their formats (faults, the seed file); the console only reads the
 * result. Each problem names its variable, never its value.
 */
export const embeddedSimulatorSettings = z
  .object({
    SIMULATOR_ACCESS_TOKEN: optional(z.string()),
    SIMULATOR_TICKET_TTL_SECONDS: z.coerce.number().int().positive().default(600),
    SIMULATOR_SEED: optional(z.string()),
    SIMULATOR_FAULTS: optional(z.string()),
  })
  .transform((e, ctx) => {
    let faults: ReturnType<typeof parseFaults> = [];
    try {
      faults = parseFaults(e.SIMULATOR_FAULTS);
    } catch {
      ctx.addIssue({
        code: "custom",
        path: ["SIMULATOR_FAULTS"],
        message: "must be a JSON array of faults (see README)",
      });
    }
    let seed;
    if (e.SIMULATOR_SEED !== undefined) {
      try {
        seed = readSeedFile(e.SIMULATOR_SEED);
      } catch (error) {
        if (!(error instanceof SeedError)) throw error;
        for (const problem of error.problems) {
          ctx.addIssue({ code: "custom", path: ["SIMULATOR_SEED"], message: problem });
        }
      }
    }
    return {
      mode: "embedded-simulator" as const,
      accessToken: e.SIMULATOR_ACCESS_TOKEN,
      ticketTtlSeconds: e.SIMULATOR_TICKET_TTL_SECONDS,
      faults,
      /** SIMULATOR_SEED, read and checked; absent: the built-in seed. */
      seed,
    };
  });

export type EmbeddedSimulatorSettings = z.output<typeof embeddedSimulatorSettings>;
