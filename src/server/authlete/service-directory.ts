import type { ServiceSummary } from "../../shared/console-info";
import type { Target } from "../../shared/fail-result";
import type { DeliveryMode } from "../../shared/end-outcome";
import type { Environment } from "../../shared/service-profiles";
import type { AuthleteGateway } from "./gateway";
import { ProblemError } from "../http/problem";

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** Known for the per-mode test clients; absent for the single one (Authlete says it). */
  deliveryMode?: DeliveryMode;
  /** The user the QA lab's AUTHORIZED completion names; default the test login hint. */
  subject?: string;
}

/** The delivery modes the service's test clients offer for issued test requests. */
function modesOf(clients: readonly TestClient[]): DeliveryMode[] {
  return [...new Set(clients.flatMap((client) => client.deliveryMode ?? []))];
}

/** A service as the console knows it: where it lives, and how careful to be with it. */
export interface ResolvedService {
  gateway: AuthleteGateway;
  /** Absent without CONSOLE_CONFIG: the console then knows nothing of environments. */
  environment: Environment | undefined;
  name: string | undefined;
  /** The test client for tickets: the first of `testClients`. */
  testClient: TestClient | undefined;
  /** Every test client, one per delivery mode where configured (issued test requests). */
  testClients: TestClient[];
  /** Four-eyes (issue 21): its actions wait for a supervisor's approval. */
  approvalRequired: boolean;
}

/** A service of CONSOLE_CONFIG with its secrets read from the environment. */
export interface ConfiguredService {
  serviceId: string;
  name: string;
  environment: Environment;
  gateway: AuthleteGateway;
  testClients: TestClient[];
  approvalRequired: boolean;
}

/**
 * Which Authlete, token and test client serve a service. Two shapes: one gateway for every
 * service (a single token, or the embedded simulator), or the services of CONSOLE_CONFIG.
 */
export interface ServiceDirectory {
  resolve(serviceId: string): ResolvedService;
  listServices(): Promise<ServiceSummary[]>;
  /** The service's name for people: configured, or as Authlete lists it (undefined if unknown). */
  nameOf(serviceId: string): Promise<string | undefined>;
  /** Every cluster answers with its token (readiness). */
  checkReachable(): Promise<void>;
  /** What the banner names: the one target, or the first configured one. */
  defaultTarget: Target;
  /** Whether any service can have test tickets. */
  testTicketsAvailable: boolean;
  /** Why not, in words for the page. */
  testTicketsHint: string | undefined;
}

export function singleGatewayDirectory(
  gateway: AuthleteGateway,
  testClientsFor: ((serviceId: string) => TestClient[]) | undefined,
): ServiceDirectory {
  const clientsOf = (serviceId: string) => testClientsFor?.(serviceId) ?? [];
  return {
    resolve: (serviceId) => ({
      gateway,
      environment: undefined,
      name: undefined,
      testClient: clientsOf(serviceId)[0],
      testClients: clientsOf(serviceId),
      // Approval is a service profile's setting: without CONSOLE_CONFIG there are none.
      approvalRequired: false,
    }),
    async listServices() {
      const services = await gateway.listServices();
      return services.map((service) => ({
        ...service,
        environment: null,
        cluster: null,
        testClient: clientsOf(service.serviceId).length > 0,
        testDeliveryModes: modesOf(clientsOf(service.serviceId)),
        approvalRequired: false,
      }));
    },
    async nameOf(serviceId) {
      try {
        const services = await gateway.listServices();
        return services.find((service) => service.serviceId === serviceId)?.name || undefined;
      } catch {
        return undefined; // A name is a nicety; never fail an action for it.
      }
    },
    checkReachable: () => gateway.checkReachable(),
    get defaultTarget() {
      return gateway.target;
    },
    testTicketsAvailable: testClientsFor !== undefined,
    testTicketsHint: testClientsFor
      ? undefined
      : "Set AUTHLETE_TEST_CLIENT_ID and AUTHLETE_TEST_CLIENT_SECRET to a CIBA client of this service to create test tickets on a real cluster.",
  };
}

export function configuredDirectory(services: ConfiguredService[]): ServiceDirectory {
  const byId = new Map(services.map((service) => [service.serviceId, service]));
  const gateways = [...new Set(services.map((service) => service.gateway))];
  return {
    resolve(serviceId) {
      const service = byId.get(serviceId);
      if (!service) {
        throw new ProblemError({
          kind: "unknown-service",
          status: 404,
          title: `Service ${serviceId} is not configured in this console`,
          detail: `This console serves only the services listed in its CONSOLE_CONFIG: ${services.map((s) => s.serviceId).join(", ")}.`,
          errors: [{ path: "serviceId", message: "Not a service of this console." }],
        });
      }
      return {
        gateway: service.gateway,
        environment: service.environment,
        name: service.name,
        testClient: service.testClients[0],
        testClients: service.testClients,
        approvalRequired: service.approvalRequired,
      };
    },
    listServices: () =>
      Promise.resolve(
        services.map((service) => ({
          serviceId: service.serviceId,
          name: service.name,
          environment: service.environment,
          cluster: service.gateway.target.baseUrl,
          testClient: service.testClients.length > 0,
          testDeliveryModes: modesOf(service.testClients),
          approvalRequired: service.approvalRequired,
        })),
      ),
    nameOf: (serviceId) => Promise.resolve(byId.get(serviceId)?.name),
    async checkReachable() {
      for (const gateway of gateways) await gateway.checkReachable();
    },
    get defaultTarget() {
      return services[0]!.gateway.target;
    },
    testTicketsAvailable: services.some((service) => service.testClients.length > 0),
    testTicketsHint: "Give a staging or test service a testClient in CONSOLE_CONFIG.",
  };
}
