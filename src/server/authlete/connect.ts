import { embeddedSimulator } from "../../simulator/embedded";
import type { EmbeddedSimulator } from "../../simulator/embedded";
import type { ConsoleSettings } from "../config";
import { createAuthleteGateway } from "./gateway";
import type { AuthleteGateway, CallObserver } from "./gateway";
import { configuredDirectory, singleGatewayDirectory } from "./service-directory";
import type { ServiceDirectory } from "./service-directory";

/** Which Authlete serves each service: CONSOLE_CONFIG's clusters, one cluster, or the simulator. */
export function connectAuthlete(
  settings: ConsoleSettings,
  baseUrlOverride: string | undefined,
  now: () => number,
  /** Where the embedded simulator's seeded clients send notifications: the lab's receiver. */
  receiverUrl: () => string | undefined,
  /** Every Authlete call's operation, duration and status (the metrics). */
  observe?: CallObserver,
): {
  services: ServiceDirectory;
  description: string;
  embedded?: EmbeddedSimulator;
  /**
   * Where the embedded simulator's seeded clients are notified (none on a cluster): the
   * console's own receiver, and a simulator's own sink when a test brings its simulator.
   */
  sinkOrigins: () => string[];
} {
  const gatewayOf = cachedGateways(settings.timeoutMs, observe);
  if (settings.services) {
    const services = configuredDirectory(
      settings.services.map((service) => ({
        ...service,
        gateway: gatewayOf(baseUrlOverride ?? service.baseUrl, service.accessToken, false),
      })),
    );
    return {
      services,
      description: `the ${settings.services.length} services of CONSOLE_CONFIG`,
      sinkOrigins: () => [],
    };
  }
  const authlete = settings.authlete;
  if (authlete.mode === "cluster") {
    const baseUrl = baseUrlOverride ?? authlete.baseUrl;
    const gateway = gatewayOf(baseUrl, authlete.accessToken, false);
    const testClient = settings.testClient;
    return {
      services: singleGatewayDirectory(gateway, testClient ? () => [testClient] : undefined),
      description: `Authlete at ${baseUrl}`,
      sinkOrigins: () => [],
    };
  }
  const embedded = embeddedSimulator(authlete, now, receiverUrl);
  const gateway = gatewayOf(baseUrlOverride ?? (() => embedded.url()), embedded.accessToken, true);
  return {
    services: singleGatewayDirectory(gateway, embedded.testClientsOf),
    description: "the embedded Authlete simulator (no AUTHLETE_ACCESS_TOKEN set)",
    // A test that brings its own simulator starts none here.
    embedded: baseUrlOverride === undefined ? embedded : undefined,
    sinkOrigins: () => {
      const receiver = receiverUrl();
      return [
        ...(baseUrlOverride === undefined ? [] : [new URL(baseUrlOverride).origin]),
        ...(receiver === undefined ? [] : [new URL(receiver).origin]),
      ];
    },
  };
}

/** One gateway per cluster and token: services that share both share a connection pool. */
function cachedGateways(timeoutMs: number, observe: CallObserver | undefined) {
  const gateways = new Map<string, AuthleteGateway>();
  return (baseUrl: string | (() => string), accessToken: string, simulated: boolean) => {
    const key = JSON.stringify([typeof baseUrl === "string" ? baseUrl : "embedded", accessToken]);
    let gateway = gateways.get(key);
    if (!gateway) {
      gateway = createAuthleteGateway({ baseUrl, accessToken, timeoutMs, simulated, observe });
      gateways.set(key, gateway);
    }
    return gateway;
  };
}
