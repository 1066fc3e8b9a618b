/** The simulator's fixed seed data, documented in the README ("The Authlete simulator"). */

export const DEFAULT_SIMULATOR_ACCESS_TOKEN = "simulator-access-token";

export interface SimulatedService {
  serviceId: string;
  name: string;
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
];

/** The seeded CIBA client of a service, used by the console to make test tickets. */
export function seededClientOf(serviceId: string): SimulatedClient | undefined {
  return SEED_CLIENTS.find((client) => client.serviceId === serviceId);
}
