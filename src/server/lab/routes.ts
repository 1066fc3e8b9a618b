import { z } from "zod";
import { labRunRequestSchema } from "../../shared/lab";
import type { ActionPolicy } from "../actions/action-policy";
import type { ServiceDirectory } from "../authlete/service-directory";
import { requireRole, signedInArea } from "../http/guards";
import { ProblemError } from "../http/problem";
import { callerOf } from "../http/request-context";
import { jsonBody, queryParams } from "../http/validation";
import type { SessionStore } from "../identity/sessions";
import { startRun } from "./lab-run";
import type { LabDeps } from "./lab-run";

/**
 * The QA lab: POST /api/lab/runs starts a run (202, its report as it starts; the cells run
 * on), GET /api/lab/runs/:id follows it, GET /api/lab/runs?serviceId= lists a service's kept
 * runs, GET /api/lab/budget says how many runs are left this hour. Operators and supervisors.
 */
export function labRoutes(
  deps: LabDeps & {
    sessions: SessionStore;
    services: ServiceDirectory;
    actionPolicy: ActionPolicy;
  },
) {
  const { audit, labStore } = deps;
  return signedInArea(deps.sessions)
    .use(requireRole("operator", audit, "lab"))
    .get("/budget", async (c) => {
      const caller = callerOf(c, c.var.principal);
      return c.json(
        await deps.actionPolicy.labBudget(caller.principal, caller.clientAddress ?? ""),
        200,
      );
    })
    .get("/runs", queryParams(z.object({ serviceId: z.string().max(40) })), async (c) => {
      return c.json({ runs: await labStore.list(c.req.valid("query").serviceId) }, 200);
    })
    .get("/runs/:id", async (c) => {
      const run = await labStore.find(c.req.param("id"));
      if (!run) {
        throw new ProblemError({
          kind: "not-found",
          status: 404,
          title: "No such lab run",
          detail: `Only the last runs of each service are kept.`,
        });
      }
      return c.json(run, 200);
    })
    .post("/runs", jsonBody(labRunRequestSchema), async (c) => {
      const request = c.req.valid("json");
      c.var.logFields.serviceId = request.serviceId;
      // Before the run's budget is taken: a service without test clients cannot run at all.
      if (!testClientOf(deps.services, request.serviceId)) throw noTestClient(request.serviceId);
      const admission = await deps.actionPolicy.admit({
        channel: "lab",
        auditKind: "lab",
        caller: callerOf(c, c.var.principal),
        request: { serviceId: request.serviceId, justification: "QA lab run" },
      });
      const name =
        admission.service.name ?? (await deps.services.nameOf(request.serviceId)) ?? null;
      const { run, done } = await startRun(deps, admission, request, name);
      done.catch((error: unknown) => {
        deps.logger.error({ err: error, runId: run.id }, "a lab run stopped unexpectedly");
      });
      return c.json(run, 202);
    });
}

function noTestClient(serviceId: string): ProblemError {
  return new ProblemError({
    kind: "test-tickets-unavailable",
    status: 409,
    title: `No test client is known for service ${serviceId}`,
    detail:
      "A lab run plays the service's test clients: give it one per delivery mode (testClients in CONSOLE_CONFIG, or in SIMULATOR_SEED). Nothing was sent, and no run was counted.",
  });
}

/** Whether the service has a test client; an unknown service is left to the policy's refusal. */
function testClientOf(services: ServiceDirectory, serviceId: string): boolean {
  try {
    return services.resolve(serviceId).testClient !== undefined;
  } catch {
    return true;
  }
}
