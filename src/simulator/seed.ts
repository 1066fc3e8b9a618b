/** The simulator's seed data, documented in the README ("The Authlete simulator"). */
import { seedFrom } from "./seed-file";
import type { SeedFile } from "./seed-file";
import type { SimulatedClient, SimulatorSeed } from "./seed-types";

export const DEFAULT_SIMULATOR_ACCESS_TOKEN = "simulator-access-token";

/**
 * The built-in seed, in SIMULATOR_SEED's format: examples/simulator-seed.yaml is this, word for
 * word (a test compares them), and the README shows it.
 */
export const BUILT_IN_SEED_FILE = {
  services: [
    {
      apiKey: 1000000001,
      serviceName: "Demo Service",
      number: 1,
      backchannelAuthReqIdDuration: 600,
      backchannelPollingInterval: 5,
      supportedScopes: [
        { name: "openid", defaultEntry: false },
        { name: "profile", defaultEntry: false },
        { name: "email", defaultEntry: false },
        { name: "phone", defaultEntry: false },
      ],
      supportedAcrs: ["urn:mace:incommon:iap:silver", "urn:mace:incommon:iap:bronze"],
      testClient: 3000000001,
      testClients: [3000000011, 3000000021],
    },
    {
      apiKey: 1000000002,
      serviceName: "Second Demo Service",
      number: 2,
      backchannelAuthReqIdDuration: 300,
      backchannelPollingInterval: 10,
      testClient: 3000000002,
      testClients: [3000000012, 3000000022],
    },
    {
      apiKey: 1000000003,
      serviceName: "Simulated older Authlete (no INVALID_BINDING_MESSAGE, INVALID_TARGET)",
      number: 3,
      testClient: 3000000003,
      simulatedUnsupportedReasons: ["INVALID_BINDING_MESSAGE", "INVALID_TARGET"],
    },
  ],
  clients: [
    {
      clientId: 3000000001,
      clientSecret: "demo-client-secret",
      clientName: "Demo CIBA Client",
      serviceApiKey: 1000000001,
      bcDeliveryMode: "POLL",
    },
    {
      clientId: 3000000011,
      clientSecret: "demo-ping-client-secret",
      clientName: "Demo CIBA Ping Client",
      serviceApiKey: 1000000001,
      bcDeliveryMode: "PING",
      bcNotificationEndpoint: "/client-notifications/3000000011",
    },
    {
      clientId: 3000000021,
      clientSecret: "demo-push-client-secret",
      clientName: "Demo CIBA Push Client",
      serviceApiKey: 1000000001,
      bcDeliveryMode: "PUSH",
      bcNotificationEndpoint: "/client-notifications/3000000021",
    },
    {
      clientId: 3000000002,
      clientSecret: "demo-client-secret-2",
      clientName: "Second Demo CIBA Client",
      serviceApiKey: 1000000002,
      bcDeliveryMode: "POLL",
    },
    {
      clientId: 3000000012,
      clientSecret: "demo-ping-client-secret-2",
      clientName: "Second Demo CIBA Ping Client",
      serviceApiKey: 1000000002,
      bcDeliveryMode: "PING",
      bcNotificationEndpoint: "/client-notifications/3000000012",
    },
    {
      clientId: 3000000022,
      clientSecret: "demo-push-client-secret-2",
      clientName: "Second Demo CIBA Push Client",
      serviceApiKey: 1000000002,
      bcDeliveryMode: "PUSH",
      bcNotificationEndpoint: "/client-notifications/3000000022",
    },
    {
      clientId: 3000000003,
      clientSecret: "legacy-client-secret",
      clientName: "Legacy CIBA Client",
      serviceApiKey: 1000000003,
      bcDeliveryMode: "POLL",
    },
  ],
  accessTokens: [{ token: DEFAULT_SIMULATOR_ACCESS_TOKEN, services: "all" }],
} satisfies SeedFile;

export const BUILT_IN_SEED: SimulatorSeed = seedFrom(BUILT_IN_SEED_FILE);
export const SEED_CLIENTS: readonly SimulatedClient[] = BUILT_IN_SEED.clients;

/** The client a seed lends the console to make test tickets for a service. */
export function testClientOf(seed: SimulatorSeed, serviceId: string): SimulatedClient | undefined {
  const service = seed.services.find((candidate) => candidate.serviceId === serviceId);
  return seed.clients.find((client) => client.clientId === service?.testClientId);
}

/** Every client a seed lends the console for a service: the test client first, then one per mode. */
export function testClientsOf(seed: SimulatorSeed, serviceId: string): SimulatedClient[] {
  const service = seed.services.find((candidate) => candidate.serviceId === serviceId);
  const ids = [service?.testClientId, ...(service?.testClientIds ?? [])];
  return ids.flatMap((id) => seed.clients.filter((client) => client.clientId === id));
}

/** The built-in seed's test client of a service. */
export function seededClientOf(serviceId: string): SimulatedClient | undefined {
  return testClientOf(BUILT_IN_SEED, serviceId);
}
