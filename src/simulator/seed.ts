/** The simulator's seed data, documented in the README ("The Authlete simulator"). */
import { seedFrom } from "./seed-file";
import type { SeedFile } from "./seed-file";

export const DEFAULT_SIMULATOR_ACCESS_TOKEN = "simulator-access-token";

export interface SimulatedService {
  serviceId: string;
  name: string;
  /** The service's own number (Authlete's Service.number), whichever token lists it. */
  number: number;
  /** Service.backchannelAuthReqIdDuration: the auth_req_id's lifetime /issue reports (seconds). */
  backchannelAuthReqIdDuration: number;
  /** Service.backchannelPollingInterval (seconds). */
  backchannelPollingInterval: number;
  /** Service.backchannelUserCodeParameterSupported. */
  backchannelUserCodeParameterSupported: boolean;
  /** Service.supportedScopes: requested scopes outside it are dropped. */
  supportedScopes: { name: string; defaultEntry: boolean }[];
  supportedClaims: string[];
  /** Simulator only: the client the console borrows for test tickets. */
  testClientId?: string;
  /**
   * Simulator only, not an Authlete setting: reasons this service answers as unknown, standing
   * in for an Authlete from before they existed. Its name says so wherever it is shown.
   */
  unsupportedReasons?: readonly string[];
}

export interface SimulatedClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  serviceId: string;
  /** Client.bcDeliveryMode; absent: the client cannot use CIBA (A169301). Push is not simulated. */
  bcDeliveryMode: "POLL" | "PING" | undefined;
  /** Client.bcNotificationEndpoint (ping). */
  bcNotificationEndpoint?: string;
  bcUserCodeRequired: boolean;
  /** Client.tokenAuthMethod: with CLIENT_SECRET_POST, credentials may come in `parameters`. */
  tokenAuthMethod: "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST";
  /** CIBA among the client's grantTypes. */
  cibaEnabled: boolean;
}

export interface SimulatedToken {
  token: string;
  services: string[];
  fullServiceView: boolean;
  mayListServices: boolean;
}

/** What the simulator holds: from SIMULATOR_SEED, or the built-in seed below. */
export interface SimulatorSeed {
  services: SimulatedService[];
  clients: SimulatedClient[];
  tokens: SimulatedToken[];
}

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
      testClient: 3000000001,
    },
    {
      apiKey: 1000000002,
      serviceName: "Second Demo Service",
      number: 2,
      backchannelAuthReqIdDuration: 300,
      backchannelPollingInterval: 10,
      testClient: 3000000002,
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
      bcNotificationEndpoint: "https://client.example.com/cb/ping",
    },
    {
      clientId: 3000000002,
      clientSecret: "demo-client-secret-2",
      clientName: "Second Demo CIBA Client",
      serviceApiKey: 1000000002,
      bcDeliveryMode: "POLL",
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

/** The built-in seed's test client of a service. */
export function seededClientOf(serviceId: string): SimulatedClient | undefined {
  return testClientOf(BUILT_IN_SEED, serviceId);
}
