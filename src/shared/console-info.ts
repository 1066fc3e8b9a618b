import { z } from "zod";
import { targetSchema } from "./fail-result";

/** GET /api/config: what the page must know about this console. Never a secret. */
export const consoleConfigSchema = z.object({
  target: targetSchema,
  testTickets: z.object({ available: z.boolean(), reason: z.string().optional() }),
  version: z.string(),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

/** GET /api/services: the services the access token can see. */
export const servicesSchema = z.array(z.object({ serviceId: z.string(), name: z.string() }));
export type ServiceSummary = z.infer<typeof servicesSchema>[number];
