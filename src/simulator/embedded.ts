import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import { createSimulator } from "./app";
import { BUILT_IN_SEED, DEFAULT_SIMULATOR_ACCESS_TOKEN, testClientsOf } from "./seed";
import type { EmbeddedSimulatorSettings } from "./settings";

/**
 * The simulator inside the console (no AUTHLETE_ACCESS_TOKEN): built with the console, listening
 * on a free loopback port only once the console starts. In-process, yet over real HTTP: the SDK
 * talks to it exactly as to a cluster.
 */
export function embeddedSimulator(
  settings: EmbeddedSimulatorSettings,
  now: () => number,
  /** The console's lab receiver: where the seeded ping and push clients are notified. */
  receiverUrl: () => string | undefined = () => undefined,
) {
  const simulator = createSimulator({
    accessToken: settings.accessToken,
    seed: settings.seed,
    // Anyone on this machine could reach its port: its fault switch takes a token made now and
    // never shown (faults for the embedded simulator come from SIMULATOR_FAULTS).
    adminToken: randomBytes(24).toString("base64url"),
    ticketTtlSeconds: settings.ticketTtlSeconds,
    faults: settings.faults,
    now,
    // A seeded endpoint written as a path names the client's endpoint on "this host": inside
    // the console that is the console, whose QA lab receives the notifications.
    relativeEndpoint: () => receiverUrl(),
  });
  const seed = settings.seed ?? BUILT_IN_SEED;
  let server: ServerType | undefined;
  let url: string | undefined;
  return {
    simulator,
    accessToken: settings.accessToken ?? DEFAULT_SIMULATOR_ACCESS_TOKEN,
    /** The test clients each seeded service lends the console: its test client first. */
    testClientsOf: (serviceId: string) =>
      testClientsOf(seed, serviceId).map((client) => ({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        deliveryMode: client.bcDeliveryMode,
      })),
    /** Its address; asked for only once the console has started. */
    url(): string {
      if (url === undefined) throw new Error("the embedded simulator has not started yet");
      return url;
    },
    start(): Promise<void> {
      return new Promise((resolve, reject) => {
        server = serve({ fetch: simulator.app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
          url = `http://127.0.0.1:${info.port}`;
          resolve();
        });
        server.once("error", reject);
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    },
  };
}

export type EmbeddedSimulator = ReturnType<typeof embeddedSimulator>;
