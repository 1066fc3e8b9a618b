import { Hono } from "hono";
import { clampInt } from "./request-values";
import { RESULT, RESULT_CODES_PAGE, simulatorCodes } from "./result-codes";
import type { ResultCode } from "./result-codes";
import type { SimulatedService } from "./seed-types";
import { fullView, limitedView } from "./service-views";

type ServiceEnv = {
  Variables: { token: string; grantedServices: Set<string>; fullView: boolean };
};

/**
 * Authlete's service management reads: GET /api/service/get/list (paged) and
 * GET /api/{serviceId}/service/get. A token seeded with the limited view sees that; any other
 * the full Service, built from the seed (docs/authlete-reference.md §5).
 */
export function serviceRoutes(deps: {
  services: readonly SimulatedService[];
  tokensThatMayNotList: ReadonlySet<string>;
  answer: (status: 403, result: ResultCode) => Response;
}) {
  const view = (fullViewAllowed: boolean, service: SimulatedService) =>
    fullViewAllowed ? fullView(service) : limitedView(service);
  return new Hono<ServiceEnv>()
    .get("/service/get/list", (c) => {
      if (deps.tokensThatMayNotList.has(c.var.token)) return deps.answer(403, RESULT.listForbidden);
      const visible = deps.services.filter((service) =>
        c.var.grantedServices.has(service.serviceId),
      );
      const start = clampInt(c.req.query("start"), 0);
      const end = Math.max(start, clampInt(c.req.query("end"), 5));
      return c.json({
        start,
        end,
        totalCount: visible.length,
        // A service's own number, whichever token lists it.
        services: visible.slice(start, end).map((service) => view(c.var.fullView, service)),
      });
    })
    .get("/:serviceId/service/get", (c) => {
      const serviceId = c.req.param("serviceId");
      const service = deps.services.find((known) => known.serviceId === serviceId);
      if (!service || !c.var.grantedServices.has(serviceId)) {
        return deps.answer(403, RESULT.serviceForbidden(serviceId));
      }
      return c.json(view(c.var.fullView, service));
    });
}

/** The page an A99… error's error_uri points at: the simulator's own codes, each anchored. */
export function resultCodesPage() {
  return new Hono().get(RESULT_CODES_PAGE, (c) => {
    const rows = simulatorCodes()
      .map(
        ({ code, message }) =>
          `<tr id="${code}"><th scope="row"><code>${code}</code></th><td>${escapeHtml(message)}</td></tr>`,
      )
      .join("\n");
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authlete simulator: its own result codes</title></head>
<body><h1>The Authlete simulator's own result codes</h1>
<p>Authlete does not publish codes for these cases, so the simulator answers with codes in the
A99 range, which Authlete does not use. Nothing should depend on them: only on HTTP statuses,
actions and the shape of the answers.</p>
<table><thead><tr><th scope="col">Code</th><th scope="col">resultMessage</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
