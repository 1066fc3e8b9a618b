import { Hono } from "hono";
import { testTicketRequestSchema } from "../../shared/test-ticket";
import type { AuditTrail } from "../audit/audit-trail";
import { auditedTestTicket } from "../audit/audited-calls";
import { failedCompletion } from "../audit/outcomes";
import type { AppEnv } from "../env";
import type { ServiceDirectory } from "../service-directory";
import { jsonBody } from "../validation";
import { requireRole } from "./session";

export function testTicketRoutes(services: ServiceDirectory, audit: AuditTrail) {
  return new Hono<AppEnv>().post(
    "/test-tickets",
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
      };
      let service;
      try {
        service = services.resolve(request.serviceId);
      } catch (error) {
        // A service CONSOLE_CONFIG does not list: refused, and recorded like any refusal.
        audit.record({ ...record, kind: "test-ticket", ...failedCompletion(error, 0) });
        throw error;
      }
      const ticket = await auditedTestTicket(audit, services, service, request, record);
      return c.json(ticket, 201);
    },
  );
}
