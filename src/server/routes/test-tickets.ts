import { testTicketRequestSchema } from "../../shared/test-ticket";
import { auditedTestTicket } from "../audit/audited-calls";
import { failedCompletion } from "../audit/outcomes";
import { requireRole, signedInArea } from "../guards";
import type { ServiceDirectory } from "../service-directory";
import type { SessionStore } from "../sessions";
import type { AuditTrail } from "../store/audit-trail";
import { jsonBody } from "../validation";

/** POST /api/test-tickets: a fresh ticket from the service's test client (never production). */
export function testTicketRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  audit: AuditTrail;
}) {
  const { services, audit } = deps;
  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", audit, "test-ticket"),
    jsonBody(testTicketRequestSchema),
    async (c) => {
      const request = c.req.valid("json");
      const principal = c.var.principal;
      c.var.logFields.serviceId = request.serviceId;
      const record = {
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId: request.serviceId,
        requestId: c.var.requestId,
        clientAddress: c.var.client.address,
      };
      let service;
      try {
        service = services.resolve(request.serviceId);
      } catch (error) {
        // A service CONSOLE_CONFIG does not list: refused, and recorded like any refusal.
        await audit.record({ ...record, kind: "test-ticket", ...failedCompletion(error, 0) });
        throw error;
      }
      const ticket = await auditedTestTicket(audit, services, service, request, record);
      return c.json(ticket, 201);
    },
  );
}
