/** The simulator's fixed seed data, documented in the README ("The Authlete simulator"). */

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
  /** Client.bcDeliveryMode (push, with tokens in the notification, is not simulated). */
  bcDeliveryMode: "POLL" | "PING";
  /** Client.bcNotificationEndpoint (ping and push). */
  bcNotificationEndpoint?: string;
}

export const SEED_SERVICES: readonly SimulatedService[] = [
  {
    serviceId: "1000000001",
    name: "Demo Service",
    number: 1,
    backchannelAuthReqIdDuration: 600,
    backchannelPollingInterval: 5,
  },
  {
    serviceId: "1000000002",
    name: "Second Demo Service",
    number: 2,
    backchannelAuthReqIdDuration: 300,
    backchannelPollingInterval: 10,
  },
  // Not a real Authlete behaviour but the simulator's own stand-in for an Authlete from before
  // INVALID_BINDING_MESSAGE and INVALID_TARGET existed; labelled so in its name.
  {
    serviceId: "1000000003",
    name: "Simulated older Authlete (no INVALID_BINDING_MESSAGE, INVALID_TARGET)",
    number: 3,
    backchannelAuthReqIdDuration: 600,
    backchannelPollingInterval: 5,
    unsupportedReasons: ["INVALID_BINDING_MESSAGE", "INVALID_TARGET"],
  },
];

export const SEED_CLIENTS: readonly SimulatedClient[] = [
  {
    clientId: "3000000001",
    clientSecret: "demo-client-secret",
    clientName: "Demo CIBA Client",
    serviceId: "1000000001",
    bcDeliveryMode: "POLL",
  },
  {
    clientId: "3000000011",
    clientSecret: "demo-ping-client-secret",
    clientName: "Demo CIBA Ping Client",
    serviceId: "1000000001",
    bcDeliveryMode: "PING",
    bcNotificationEndpoint: "https://client.example.com/cb/ping",
  },
  {
    clientId: "3000000002",
    clientSecret: "demo-client-secret-2",
    clientName: "Second Demo CIBA Client",
    serviceId: "1000000002",
    bcDeliveryMode: "POLL",
  },
  {
    clientId: "3000000003",
    clientSecret: "legacy-client-secret",
    clientName: "Legacy CIBA Client",
    serviceId: "1000000003",
    bcDeliveryMode: "POLL",
  },
];

/** The seeded poll-mode client of a service, lent to the console to make test tickets. */
export function seededClientOf(serviceId: string): SimulatedClient | undefined {
  return SEED_CLIENTS.find(
    (client) => client.serviceId === serviceId && client.bcDeliveryMode === "POLL",
  );
}
