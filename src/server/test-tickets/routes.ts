import { testTicketRequestSchema } from "../../shared/test-ticket";
import { auditedTestTicket } from "../actions/test-ticket";
import type { ActionPolicy } from "../actions/action-policy";
import type { AuditTrail } from "../actions/audit-trail";
import type { ServiceDirectory } from "../authlete/service-directory";
import { requireRole, signedInArea } from "../http/guards";
import { callerOf, signedInRecord } from "../http/request-context";
import { jsonBody } from "../http/validation";
import type { SessionStore } from "../identity/sessions";

/** POST /api/test-tickets: a fresh ticket from the service's test client (never production). */
export function testTicketRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  audit: AuditTrail;
  actionPolicy: Pick<ActionPolicy, "chargeTestTicket">;
  expectNotification?: (token: string) => Promise<void>;
}) {
  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", deps.audit, "test-ticket"),
    jsonBody(testTicketRequestSchema),
    async (c) => {
      const request = c.req.valid("json");
      c.var.logFields.serviceId = request.serviceId;
      await deps.actionPolicy.chargeTestTicket(callerOf(c, c.var.principal), request.serviceId);
      const ticket = await auditedTestTicket(deps, signedInRecord(c), request);
      return c.json(ticket, 201);
    },
  );
}
