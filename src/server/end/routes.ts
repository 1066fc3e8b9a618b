import type { Context } from "hono";

import { endRequestSchema } from "../../shared/end-request";
import { END, performAction } from "../actions/action-call";
import type { ActionPolicy, Admission } from "../actions/action-policy";
import type { EndAction } from "../actions/action-call";
import type { Approvals } from "../actions/approvals";
import type { AuditTrail } from "../actions/audit-trail";
import { readableFields } from "../actions/readable-fields";
import { requireRole, signedInArea } from "../http/guards";
import type { AppEnv } from "../http/app-env";
import { problemResponse } from "../http/problem";
import { callerOf, signedInRecord } from "../http/request-context";
import { jsonBody } from "../http/validation";
import { limitKeyOf } from "../identity/limit-key";
import type { SessionStore } from "../identity/sessions";
import { deliverAndRecord, settleNotification } from "../notifications/delivery";
import type { DeliveryDeps } from "../notifications/delivery";
import { endOutcomeOf } from "./end-outcome";

interface EndDeps {
  sessions: SessionStore;
  audit: AuditTrail;
  actionPolicy: ActionPolicy;
  delivery: DeliveryDeps;
  approvals: Approvals;
}

/**
 * POST /api/backchannel/authentication/complete: ends an issued request, the SDK's request
 * shape, through the one audited action call, asked first as a fail is (decision 014). With
 * `deliverNotification`, the notification Authlete returns is sent from here (decision 015).
 */
export function endRoutes(deps: EndDeps) {
  const { audit, actionPolicy } = deps;
  const recordInvalid = async (c: Context<AppEnv>, body: unknown, errors: { path: string }[]) => {
    await audit.record({
      ...signedInRecord(c),
      ...readableFields(body, "backchannelAuthenticationCompleteRequest", "result"),
      kind: "end",
      outcome: "invalid",
      detail: `invalid: ${errors.map((error) => error.path).join(", ")}`,
    });
  };

  return signedInArea(deps.sessions).post(
    "/",
    requireRole("operator", audit, "end"),
    jsonBody(endRequestSchema, recordInvalid),
    async (c) => {
      const request = c.req.valid("json");
      const action = {
        serviceId: request.serviceId,
        ...request.backchannelAuthenticationCompleteRequest,
      };
      // Neither the ticket nor the auth_req_id is ever logged.
      Object.assign(c.var.logFields, { serviceId: action.serviceId, result: action.result });
      const caller = callerOf(c, c.var.principal);
      const admission = await actionPolicy.admit({
        channel: "single",
        caller,
        request,
        subject: { ticket: action.ticket },
        details: END.recorded(action),
        auditKind: "end",
      });
      const deliverNotification = request.deliverNotification ?? false;
      // Four-eyes (issue 21): held for a supervisor; nothing is sent now.
      if (admission.service.approvalRequired) {
        const held = { kind: "end" as const, request: action, deliverNotification };
        return c.json(await deps.approvals.request(admission, caller, held), 202);
      }
      const outcome = await runEnd(deps, admission, action, deliverNotification, c.var.requestId);
      c.var.logFields.resultCode = outcome.authlete.resultCode;
      return c.json(outcome, 200);
    },
  );
}

/**
 * POST /api/client-notifications/:id/deliver: Deliver again, within 10 minutes, a notification
 * that did not arrive; only by whoever ended the request, or a supervisor.
 */
export function redeliveryRoutes(deps: EndDeps) {
  const { audit } = deps;
  return signedInArea(deps.sessions).post(
    "/:id/deliver",
    requireRole("operator", audit, "notification"),
    async (c) => {
      const held = await deps.delivery.held.find(c.req.param("id"));
      const caller = callerOf(c, c.var.principal);
      const ownerKey = limitKeyOf(caller.principal, caller.clientAddress ?? "");
      if (!held || (held.ownerKey !== ownerKey && c.var.principal.role !== "supervisor")) {
        return problemResponse(c, {
          kind: "not-found",
          status: 404,
          title: "This notification is no longer held",
          detail:
            "A notification is held for 10 minutes after a failed delivery, by the console that tried it (every replica, with TICKET_ENCRYPTION_KEY). Copy it as curl from the answer instead.",
        });
      }
      const delivery = await deliverAndRecord(deps.delivery, {
        ...held,
        draft: { ...signedInRecord(c), serviceId: held.serviceId },
        held: { id: c.req.param("id"), until: held.until },
      });
      return c.json(delivery, 200);
    },
  );
}

/**
 * The end itself, through the one action call, then its notification when asked (and allowed).
 * An approved request runs through here too.
 */
export async function runEnd(
  deps: Pick<EndDeps, "audit" | "delivery">,
  { service, draft, limitKey }: Pick<Admission, "service" | "draft" | "limitKey">,
  action: EndAction,
  deliverNotification: boolean,
  requestId: string,
) {
  const { answer, durationMs, auditId } = await performAction(deps.audit, {
    kind: END,
    draft,
    service,
    request: action,
  });
  const delivery = await settleNotification(deps.delivery, auditId, answer, {
    asked: deliverNotification,
    draft,
    serviceId: action.serviceId,
    ownerKey: limitKey,
  });
  const meta = { requestId, durationMs, target: service.gateway.target };
  return endOutcomeOf(answer, action, delivery, meta);
}
