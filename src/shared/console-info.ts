import { z } from "zod";
import { targetSchema } from "./fail-result";
import { ENVIRONMENTS } from "./service-profiles";
import { DELIVERY_MODES } from "./end-outcome";

/** GET /api/config: what the page must know about this console. Never a secret. */
export const consoleConfigSchema = z.object({
  target: targetSchema,
  testTickets: z.object({ available: z.boolean(), reason: z.string().optional() }),
  /** DELIVER_CLIENT_NOTIFICATIONS: whether the console may send client notifications. */
  notifications: z.object({ deliver: z.boolean() }),
  /** How long a session lasts without activity: the page warns before it ends. */
  session: z.object({ idleSeconds: z.number().int() }),
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
    /** The delivery modes its test clients offer for issued test requests. */
    testDeliveryModes: z.array(z.enum(DELIVERY_MODES)),
    /** Four-eyes (issue 21): its actions wait for a supervisor's approval. */
    approvalRequired: z.boolean(),
  }),
);
export type ServiceSummary = z.infer<typeof servicesSchema>[number];
