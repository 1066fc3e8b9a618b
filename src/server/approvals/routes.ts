import { approveRequestSchema, rejectRequestSchema } from "../../shared/approvals";
import type { AuditTrail } from "../actions/audit-trail";
import { requireRole, signedInArea } from "../http/guards";
import type { AppEnv } from "../http/app-env";
import { problemOf } from "../http/problem";
import { callerOf, requestFacts, signedInRecord } from "../http/request-context";
import { jsonBody } from "../http/validation";
import type { SessionStore } from "../identity/sessions";
import type { ApprovedActionRunners, Approvals } from "../actions/approvals";
import type { Context } from "hono";

/**
 * /api/approvals (issue 21): supervisors list, approve, reject and acknowledge; a requester
 * reads their own request (the page polls it to show the state change).
 */
export function approvalRoutes(deps: {
  sessions: SessionStore;
  audit: AuditTrail;
  approvals: Approvals;
  runners: ApprovedActionRunners;
}) {
  const { audit, approvals, runners } = deps;
  const address = (c: Context<AppEnv>) => requestFacts(c).clientAddress ?? "";
  const supervisor = requireRole("supervisor", audit, "approval");

  return signedInArea(deps.sessions)
    .get("/", supervisor, async (c) =>
      c.json(await approvals.list(c.var.principal, address(c)), 200),
    )
    .get("/:id", requireRole("operator", audit, "approval"), async (c) =>
      c.json(await approvals.find(c.req.param("id"), c.var.principal, address(c)), 200),
    )
    .post("/:id/approve", supervisor, jsonBody(approveRequestSchema), async (c) => {
      const id = c.req.param("id");
      const caller = callerOf(c, c.var.principal);
      const { held, run } = await approvals.approve(
        id,
        caller,
        signedInRecord(c),
        c.req.valid("json"),
      );
      c.var.logFields.approvalId = id;
      let result: unknown;
      try {
        // The one action call, as the requester's own route would have made it.
        result =
          held.kind === "fail"
            ? await runners.fail(run, held)
            : held.kind === "end"
              ? await runners.end(run, held)
              : await runners.bulk(run, held);
      } catch (error) {
        await approvals.finish(id, { problem: problemOf(error) ?? { title: "console error" } });
        throw error;
      }
      await approvals.finish(id, result);
      return c.json(await approvals.find(id, c.var.principal, address(c)), 200);
    })
    .post("/:id/reject", supervisor, jsonBody(rejectRequestSchema), async (c) => {
      const id = c.req.param("id");
      await approvals.reject(id, signedInRecord(c), c.var.principal, c.req.valid("json").reason);
      return c.json(await approvals.find(id, c.var.principal, address(c)), 200);
    })
    .post("/:id/acknowledge", supervisor, async (c) => {
      const id = c.req.param("id");
      await approvals.acknowledge(id, signedInRecord(c), c.var.principal);
      return c.json(await approvals.find(id, c.var.principal, address(c)), 200);
    });
}
