import { testTicketRequestSchema } from "../../shared/test-ticket";
import { auditedTestTicket } from "../actions/audited-call";
import { failedCompletion } from "../actions/outcomes";
import { requireRole, signedInArea } from "../http/guards";
import type { ServiceDirectory } from "../authlete/service-directory";
import type { SessionStore } from "../identity/sessions";
import type { AuditTrail } from "../actions/audit-trail";
import { jsonBody } from "../http/validation";

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
