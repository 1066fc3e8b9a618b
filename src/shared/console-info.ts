import { z } from "zod";
import { targetSchema } from "./fail-result";
import { ENVIRONMENTS } from "./service-profiles";

/** GET /api/config: what the page must know about this console. Never a secret. */
export const consoleConfigSchema = z.object({
  target: targetSchema,
  testTickets: z.object({ available: z.boolean(), reason: z.string().optional() }),
  version: z.string(),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

/**
 * GET /api/services: the services of CONSOLE_CONFIG, or those the access token can see (then
 * without environment or cluster).
 */
export const servicesSchema = z.array(
  z.object({
    serviceId: z.string(),
    name: z.string(),
    environment: z.enum(ENVIRONMENTS).nullable(),
    /** The Authlete base URL that serves it. */
    cluster: z.string().nullable(),
    /** Whether test tickets (and the reason matrix) can be made for it. */
    testClient: z.boolean(),
  }),
);
export type ServiceSummary = z.infer<typeof servicesSchema>[number];
