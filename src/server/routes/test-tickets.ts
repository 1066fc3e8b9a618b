import { Hono } from "hono";
import { testTicketRequestSchema } from "../../shared/test-ticket";
import type { TestTicket, TestTicketRequest } from "../../shared/test-ticket";
import type { AuditTrail } from "../audit/audit-trail";
import { failedCompletion } from "../audit/outcomes";
import type { AuthleteGateway } from "../authlete";
import type { AppEnv } from "../env";
import { ProblemError } from "../problem";
import { jsonBody } from "../validation";
import { requireRole } from "./session";

export interface TestClient {
  clientId: string;
  clientSecret: string;
}

/** Where test tickets' client credentials come from; absent when none are configured. */
export type TestClientLookup = (serviceId: string) => TestClient | undefined;

export const DEFAULT_TEST_LOGIN_HINT = "test-user";

export function testTicketRoutes(
  authlete: AuthleteGateway,
  testClientFor: TestClientLookup | undefined,
  audit: AuditTrail,
) {
  return new Hono<AppEnv>().post(
    "/test-tickets",
    requireRole("operator", audit, "test-ticket"),
    jsonBody(testTicketRequestSchema),
    async (c) => {
      const { serviceId } = c.req.valid("json");
      const principal = c.var.principal;
      const record = {
        kind: "test-ticket" as const,
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId,
        target: authlete.target.baseUrl,
        requestId: c.var.requestId,
      };
      const started = performance.now();
      let ticket: TestTicket;
      try {
        ticket = await createTestTicket(c.req.valid("json"));
      } catch (error) {
        audit.record({
          ...record,
          ...failedCompletion(error, Math.round(performance.now() - started)),
        });
        throw error;
      }
      audit.record({
        ...record,
        outcome: "succeeded",
        ticket: ticket.ticket,
        upstreamStatus: 200,
        durationMs: Math.round(performance.now() - started),
      });
      return c.json(ticket, 201);
    },
  );

  async function createTestTicket({
    serviceId,
    loginHint = DEFAULT_TEST_LOGIN_HINT,
    bindingMessage,
  }: TestTicketRequest): Promise<TestTicket> {
    const client = testClientFor?.(serviceId);
    if (!client) {
      throw new ProblemError({
        kind: "test-tickets-unavailable",
        status: testClientFor ? 404 : 409,
        title: testClientFor
          ? `No test client is known for service ${serviceId}`
          : "Test tickets are not configured",
        detail: testClientFor
          ? "The simulator has test clients for services 1000000001 and 1000000002 only."
          : "Set AUTHLETE_TEST_CLIENT_ID and AUTHLETE_TEST_CLIENT_SECRET to a CIBA client of this service to create test tickets on a real cluster.",
      });
    }
    // The client's own backchannel authentication request (OpenID CIBA Core §7.1), form-encoded.
    const parameters = new URLSearchParams({ scope: "openid", login_hint: loginHint });
    if (bindingMessage) parameters.set("binding_message", bindingMessage);
    const answer = await authlete.createTicket({
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
}
