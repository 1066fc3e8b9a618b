import { reasonMatrixRequestSchema } from "../../shared/reason-matrix";
import type { ActionPolicy } from "../actions/action-policy";
import type { AuditTrail } from "../actions/audit-trail";
import type { ServiceDirectory } from "../authlete/service-directory";
import { requireRole, signedInArea } from "../http/guards";
import { callerOf } from "../http/request-context";
import { jsonBody } from "../http/validation";
import type { SessionStore } from "../identity/sessions";
import { runMatrix } from "./run-matrix";

/**
 * POST /api/reason-matrix: every reason on fresh test tickets. Never on a production service,
 * and never asked about first: its tickets are new.
 */
export function reasonMatrixRoutes(deps: {
  sessions: SessionStore;
  services: ServiceDirectory;
  audit: AuditTrail;
  actionPolicy: ActionPolicy;
  /** The console's clock: the run's time. */
  now?: () => number;
}) {
  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", deps.audit, "fail"),
    jsonBody(reasonMatrixRequestSchema),
    async (c) => {
      const request = c.req.valid("json");
      const admission = await deps.actionPolicy.admit({
        channel: "matrix",
        caller: callerOf(c, c.var.principal),
        request: { ...request, justification: "reason matrix" },
      });
      return c.json(await runMatrix(deps, admission, request), 200);
    },
  );
}
