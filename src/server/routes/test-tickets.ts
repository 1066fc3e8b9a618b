import { Hono } from "hono";
import { testTicketRequestSchema } from "../../shared/test-ticket";
import type { TestTicket } from "../../shared/test-ticket";
import type { AuditTrail } from "../audit/audit-trail";
import { failedCompletion } from "../audit/outcomes";
import type { AppEnv } from "../env";
import type { ServiceDirectory } from "../service-directory";
import { createTestTicket } from "../test-tickets";
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
        kind: "test-ticket" as const,
        operator: principal.name,
        email: principal.email,
        role: principal.role,
        serviceId: request.serviceId,
        requestId: c.var.requestId,
      };
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      let ticket: TestTicket;
      let target: string | undefined;
      try {
        const service = services.resolve(request.serviceId);
        target = service.gateway.target.baseUrl;
        ticket = await createTestTicket(service, request, services);
      } catch (error) {
        audit.record({ ...record, target, ...failedCompletion(error, elapsed()) });
        throw error;
      }
      audit.record({
        ...record,
        target,
        outcome: "succeeded",
        ticket: ticket.ticket,
        upstreamStatus: 200,
        durationMs: elapsed(),
      });
      return c.json(ticket, 201);
    },
  );
}
