import type { ServiceDirectory } from "../authlete/service-directory";
import type { SessionStore } from "../identity/sessions";
import { signedInArea } from "../http/guards";

/** GET /api/services: the services the console can fail tickets of, for the service picker. */
export function serviceRoutes(deps: { sessions: SessionStore; services: ServiceDirectory }) {
  return signedInArea(deps.sessions).get("/", async (c) =>
    c.json(await deps.services.listServices(), 200),
  );
}
