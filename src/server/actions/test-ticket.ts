import type { TestTicket, TestTicketRequest } from "../../shared/test-ticket";
import { ProblemError } from "../http/problem";
import type { ResolvedService, ServiceDirectory, TestClient } from "../authlete/service-directory";
import { randomBytes } from "node:crypto";
import { ticketTail } from "../../shared/ask-first";
import { stopwatch } from "./action-call";
import type { AuditTrail } from "./audit-trail";
import type { RecordDetails, RecordDraft } from "./caller";
import { failedCompletion } from "./outcomes";

export const DEFAULT_TEST_LOGIN_HINT = "test-user";

/**
 * A fresh ticket, made the way a client makes one: the service's test client sends its own
 * backchannel authentication request (OpenID CIBA Core §7.1) through Authlete.
 */
export async function createTestTicket(
  service: ResolvedService,
  request: TestTicketRequest,
  directory: Pick<ServiceDirectory, "testTicketsAvailable" | "testTicketsHint">,
  /** The console's receiver, told the token it will be notified with (see auditedTestTicket). */
  expectNotification?: (token: string) => Promise<void>,
): Promise<TestTicket> {
  const { serviceId, loginHint = DEFAULT_TEST_LOGIN_HINT, bindingMessage } = request;
  const client = testClientFor(service, request, directory);
  const parameters = new URLSearchParams({ scope: "openid", login_hint: loginHint });
  if (bindingMessage) parameters.set("binding_message", bindingMessage);
  // Ping and push clients must send one (CIBA Core §7.1); the AS gets it back from /complete.
  if (request.issued && client.deliveryMode !== "POLL") {
    const token = randomBytes(24).toString("base64url");
    await expectNotification?.(token);
    parameters.set("client_notification_token", token);
  }
  const answer = await service.gateway.createTicket({
    serviceId,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    parameters: parameters.toString(),
  });
  if (answer.action !== "USER_IDENTIFICATION" || !answer.ticket) {
    throw new ProblemError({
      kind: "test-client-refused",
      status: 502,
      title: "Authlete did not create a ticket",
      detail:
        answer.action === "UNAUTHORIZED"
          ? `Authlete refused the test client ${client.clientId} (action UNAUTHORIZED): check the client ID and secret, and that the client belongs to service ${serviceId}.`
          : `Authlete answered action ${answer.action ?? "(none)"} instead of USER_IDENTIFICATION: check that the test client may use CIBA${client.deliveryMode ? ` in ${client.deliveryMode.toLowerCase()} mode` : ""}.`,
      resultCode: answer.resultCode,
      resultMessage: answer.resultMessage,
    });
  }
  const issued = request.issued ? await issue(service, serviceId, answer.ticket) : undefined;
  return {
    serviceId,
    ticket: answer.ticket,
    clientId: answer.clientId === undefined ? client.clientId : String(answer.clientId),
    clientName: answer.clientName ?? null,
    loginHint: answer.hint ?? loginHint,
    bindingMessage: answer.bindingMessage ?? null,
    issued: issued !== undefined,
    deliveryMode: answer.deliveryMode ?? client.deliveryMode ?? null,
    authReqIdTail: issued ? ticketTail(issued.authReqId) : null,
    expiresIn: issued?.expiresIn ?? null,
  };
}

/** /issue, as the AS calls it once the user is identified: the client gets its auth_req_id. */
async function issue(service: ResolvedService, serviceId: string, ticket: string) {
  const answer = await service.gateway.issue(serviceId, ticket);
  if (answer.action !== "OK" || !answer.authReqId) {
    throw new ProblemError({
      kind: "test-client-refused",
      status: 502,
      title: "Authlete did not issue the test request",
      detail: `Authlete answered action ${answer.action ?? "(none)"} to /issue instead of OK. The ticket was made, but not issued.`,
      resultCode: answer.resultCode,
      resultMessage: answer.resultMessage,
    });
  }
  return { authReqId: answer.authReqId, expiresIn: answer.expiresIn ?? null };
}

/** The test client for the request: the mode asked for (issued requests), else the first. */
function testClientFor(
  service: ResolvedService,
  request: TestTicketRequest,
  directory: Pick<ServiceDirectory, "testTicketsAvailable" | "testTicketsHint">,
): TestClient {
  const { serviceId } = request;
  const wanted = request.issued ? (request.deliveryMode ?? "POLL") : undefined;
  const client = wanted
    ? (service.testClients.find((candidate) => candidate.deliveryMode === wanted) ??
      (request.deliveryMode === undefined
        ? service.testClients.find((candidate) => candidate.deliveryMode === undefined)
        : undefined))
    : service.testClient;
  if (client) return client;
  if (wanted && service.testClients.length > 0) {
    throw new ProblemError({
      kind: "test-tickets-unavailable",
      status: 404,
      title: `No ${wanted.toLowerCase()} test client for service ${serviceId}`,
      detail: `This service's test clients offer ${service.testClients.map((candidate) => candidate.deliveryMode ?? "an undeclared mode").join(", ")}. Give it one per mode (testClients in CONSOLE_CONFIG, or in SIMULATOR_SEED).`,
      errors: [{ path: "deliveryMode", message: `No ${wanted} test client.` }],
    });
  }
  const production = service.environment === "production";
  throw new ProblemError({
    kind: "test-tickets-unavailable",
    status: production ? 403 : directory.testTicketsAvailable ? 404 : 409,
    title: production
      ? `${service.name ?? serviceId} is a production service: no test tickets there`
      : directory.testTicketsAvailable
        ? `No test client is known for service ${serviceId}`
        : "Test tickets are not configured",
    detail:
      directory.testTicketsHint ??
      "The simulator lends a test client only to the services its seed names one for (testClient in SIMULATOR_SEED; built in: 1000000001, 1000000002 and 1000000003).",
  });
}

/**
 * A fresh test ticket, recorded whether it was made or not (the new ticket as hash and tail).
 * Without `service` (the test-tickets area), the service is resolved first, and a service the
 * console does not know is refused and recorded like any refusal.
 */
export async function auditedTestTicket(
  deps: {
    audit: AuditTrail;
    services: ServiceDirectory;
    /**
     * When the test client's notification endpoint is the console's own receiver (the embedded
     * simulator's seeded clients): the receiver accepts the notification this ticket's end sends.
     */
    expectNotification?: (token: string) => Promise<void>;
  },
  draft: RecordDraft & RecordDetails,
  request: TestTicketRequest,
  resolved?: ResolvedService,
): Promise<TestTicket> {
  const { audit, services } = deps;
  const base = { ...draft, kind: "test-ticket" as const, serviceId: request.serviceId };
  let service = resolved;
  if (!service) {
    try {
      service = services.resolve(request.serviceId);
    } catch (error) {
      await audit.record({ ...base, ...failedCompletion(error, 0) });
      throw error;
    }
  }
  const target = service.gateway.target.baseUrl;
  const elapsed = stopwatch();
  let ticket: TestTicket;
  try {
    ticket = await createTestTicket(service, request, services, deps.expectNotification);
  } catch (error) {
    await audit.record({ ...base, target, ...failedCompletion(error, elapsed()) });
    throw error;
  }
  await audit.record({
    ...base,
    target,
    outcome: "succeeded",
    ticket: ticket.ticket,
    deliveryMode: ticket.deliveryMode,
    detail: ticket.issued ? `issued (auth_req_id …${ticket.authReqIdTail})` : undefined,
    upstreamStatus: 200,
    durationMs: elapsed(),
  });
  return ticket;
}
