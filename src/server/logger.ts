import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";

export type { Logger };

/**
 * One JSON line per event. Nothing secret is ever passed to it; the redaction below is a second
 * line of defence should a header object ever be logged by mistake.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "ciba-fail-console" },
      redact: {
        paths: ["*.authorization", "*.Authorization", "*.accessToken", "*.bearer"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
