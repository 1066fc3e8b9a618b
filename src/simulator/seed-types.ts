/** What the simulator holds: its services, clients and tokens, in Authlete's property names. */

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
  /** Service.supportedAcrs: acr_values outside it are dropped. */
  supportedAcrs: string[];
  /** Simulator only: the client the console borrows for test tickets. */
  testClientId?: string;
  /** Simulator only: more test clients, one per delivery mode (issued test requests). */
  testClientIds?: string[];
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
  /** Client.bcDeliveryMode; absent: the client cannot use CIBA (A169301). */
  bcDeliveryMode: "POLL" | "PING" | "PUSH" | undefined;
  /**
   * Client.bcNotificationEndpoint (ping and push). Simulator only: a path ("/client-notifications/…")
   * stands for that path on the simulator itself, its notification sink.
   */
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
