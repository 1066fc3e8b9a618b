import type { TestTicket, TestTicketRequest } from "../../shared/test-ticket";
import { ProblemError } from "../http/problem";
import type { ResolvedService, ServiceDirectory } from "../authlete/service-directory";
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
  { serviceId, loginHint = DEFAULT_TEST_LOGIN_HINT, bindingMessage }: TestTicketRequest,
  directory: Pick<ServiceDirectory, "testTicketsAvailable" | "testTicketsHint">,
): Promise<TestTicket> {
  const client = service.testClient;
  if (!client) {
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
  const parameters = new URLSearchParams({ scope: "openid", login_hint: loginHint });
  if (bindingMessage) parameters.set("binding_message", bindingMessage);
  const answer = await service.gateway.createTicket({
    serviceId,
    ...client,
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
          : `Authlete answered action ${answer.action ?? "(none)"} instead of USER_IDENTIFICATION: check that the test client may use CIBA in poll mode.`,
      resultCode: answer.resultCode,
      resultMessage: answer.resultMessage,
    });
  }
  return {
    serviceId,
    ticket: answer.ticket,
    clientId: answer.clientId === undefined ? client.clientId : String(answer.clientId),
    clientName: answer.clientName ?? null,
    loginHint: answer.hint ?? loginHint,
    bindingMessage: answer.bindingMessage ?? null,
  };
}

/**
 * A fresh test ticket, recorded whether it was made or not (the new ticket as hash and tail).
 * Without `service` (the test-tickets area), the service is resolved first, and a service the
 * console does not know is refused and recorded like any refusal.
 */
export async function auditedTestTicket(
  deps: { audit: AuditTrail; services: ServiceDirectory },
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
    ticket = await createTestTicket(service, request, services);
  } catch (error) {
    await audit.record({ ...base, target, ...failedCompletion(error, elapsed()) });
    throw error;
  }
  await audit.record({
    ...base,
    target,
    outcome: "succeeded",
    ticket: ticket.ticket,
    upstreamStatus: 200,
    durationMs: elapsed(),
  });
  return ticket;
}
