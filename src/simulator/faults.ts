import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { RESULT } from "./result-codes";

/**
 * What the simulator can do wrong on purpose, as Authlete or the network might during an
 * incident. Each fault hits a `fraction` of requests (default all); several can be active, e.g.
 * 50 ms of latency on every call and a 500 on one in ten.
 */
const fraction = z.number().min(0).max(1).default(1);
/**
 * The one operation a fault hits, by the end of its path (e.g. "/auth/token", or
 * "/backchannel/authentication/fail"); default every operation.
 */
const path = z
  .string()
  .regex(/^(\/[\w-]+)+$/, "is a path such as /auth/token")
  .optional();

export const simulatorFaultSchema = z.discriminatedUnion("kind", [
  /** Added latency before the answer (or before another fault). */
  z.strictObject({
    kind: z.literal("delay"),
    ms: z.number().int().min(0).max(600_000),
    fraction,
    path,
  }),
  /** An error status with an Authlete-style body; Retry-After for 429 or 503 if given. */
  z.strictObject({
    kind: z.literal("status"),
    status: z.union([
      z.literal(400),
      z.literal(401),
      z.literal(403),
      z.literal(404),
      z.literal(429),
      z.literal(500),
      z.literal(502),
      z.literal(503),
    ]),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    fraction,
    path,
  }),
  /** The connection closes without an answer. */
  z.strictObject({ kind: z.literal("drop"), fraction, path }),
  /** HTTP 200 with an HTML page, as a proxy in the way would answer. */
  z.strictObject({ kind: z.literal("non-json"), fraction, path }),
  /** Content-Type: application/json and a body that is not JSON, with this status. */
  z.strictObject({
    kind: z.literal("broken-json"),
    status: z.number().int().min(200).max(599).default(200),
    fraction,
    path,
  }),
  /** Headers and the start of a JSON body, then nothing, ever. */
  z.strictObject({ kind: z.literal("stalled-body"), fraction, path }),
]);
export type SimulatorFault = z.input<typeof simulatorFaultSchema>;
type Fault = z.output<typeof simulatorFaultSchema>;

export const simulatorFaultsSchema = z.array(simulatorFaultSchema).max(20);

/** SIMULATOR_FAULTS: a JSON array of faults, e.g. `[{"kind":"status","status":500,"fraction":0.1}]`. */
export function parseFaults(json: string | undefined): Fault[] {
  if (!json) return [];
  return simulatorFaultsSchema.parse(JSON.parse(json));
}

export class FaultSwitch {
  #faults: Fault[];
  constructor(initial: SimulatorFault[] = []) {
    this.#faults = simulatorFaultsSchema.parse(initial);
  }
  get(): Fault[] {
    return this.#faults;
  }
  set(faults: SimulatorFault[]): void {
    this.#faults = simulatorFaultsSchema.parse(faults);
  }
}

/** Applies the active faults to each request, before anything else answers. */
export function injectFaults(
  faults: FaultSwitch,
  random: () => number = Math.random,
): MiddlewareHandler {
  return async (c, next) => {
    for (const fault of faults.get()) {
      if (fault.path !== undefined && !c.req.path.endsWith(fault.path)) continue;
      if (random() >= fault.fraction) continue;
      switch (fault.kind) {
        case "delay":
          await new Promise((resolve) => setTimeout(resolve, fault.ms));
          break;
        case "status": {
          const result = RESULT.simulatedFault(fault.status);
          if (fault.retryAfterSeconds !== undefined) {
            c.header("Retry-After", String(fault.retryAfterSeconds));
          }
          return c.json({ resultCode: result.code, resultMessage: result.message }, fault.status);
        }
        case "drop":
          return dropConnection(c);
        case "non-json":
          return c.text("<html>upstream proxy error</html>", 200);
        case "broken-json":
          return new Response('{"resultCode": "A0', {
            status: fault.status,
            headers: { "Content-Type": "application/json" },
          });
        case "stalled-body":
          return stalledBody();
      }
    }
    return next();
  };
}

function dropConnection(c: Context): Response {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  incoming?.socket.destroy();
  // Nothing reaches the client; the adapter finds the socket gone.
  return new Response(null, { status: 500 });
}

function stalledBody(): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"resultCode":"A185001","resultMessage":"'));
      // Never closed: the client waits until its own timeout.
    },
  });
  return new Response(stream, { status: 200, headers: { "Content-Type": "application/json" } });
}
