/** The simulator's fixed seed data, documented in the README ("The Authlete simulator"). */

export const DEFAULT_SIMULATOR_ACCESS_TOKEN = "simulator-access-token";

export interface SimulatedService {
  serviceId: string;
  name: string;
  /** Reasons this service's (older) Authlete does not know: answered as unsupported. */
  unsupportedReasons?: readonly string[];
}

export interface SimulatedClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  serviceId: string;
}

export const SEED_SERVICES: readonly SimulatedService[] = [
  { serviceId: "1000000001", name: "Demo Service" },
  { serviceId: "1000000002", name: "Second Demo Service" },
  // Like an Authlete from before INVALID_BINDING_MESSAGE and INVALID_TARGET were added.
  {
    serviceId: "1000000003",
    name: "Legacy Service",
    unsupportedReasons: ["INVALID_BINDING_MESSAGE", "INVALID_TARGET"],
  },
];

export const SEED_CLIENTS: readonly SimulatedClient[] = [
  {
    clientId: "3000000001",
    clientSecret: "demo-client-secret",
    clientName: "Demo CIBA Client",
    serviceId: "1000000001",
  },
  {
    clientId: "3000000002",
    clientSecret: "demo-client-secret-2",
    clientName: "Second Demo CIBA Client",
    serviceId: "1000000002",
  },
  {
    clientId: "3000000003",
    clientSecret: "legacy-client-secret",
    clientName: "Legacy CIBA Client",
    serviceId: "1000000003",
  },
];

/** The seeded CIBA client of a service, used by the console to make test tickets. */
export function seededClientOf(serviceId: string): SimulatedClient | undefined {
  return SEED_CLIENTS.find((client) => client.serviceId === serviceId);
}
