import { z } from "zod";
import { serviceIdSchema } from "./fail-request";

/** How careful the console is with a service: production fails need a typed confirmation. */
export const ENVIRONMENTS = ["production", "staging", "test"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable");

/**
 * One service in CONSOLE_CONFIG. Tokens are never in the file: it names the environment variable
 * (or the secret file) that holds each one.
 */
export const serviceProfileSchema = z
  .strictObject({
    serviceId: serviceIdSchema,
    name: z.string().trim().min(1, "give the service a name").max(100),
    environment: z.enum(ENVIRONMENTS, { error: "must be production, staging or test" }),
    baseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .transform((url) => url.replace(/\/+$/, "")),
    tokenEnv: envVarName.optional(),
    tokenFile: z.string().min(1).optional(),
    /** A CIBA client of the service for test tickets and the reason matrix (not in production). */
    testClient: z
      .strictObject({ clientId: z.string().min(1), clientSecretEnv: envVarName })
      .optional(),
  })
  .refine((profile) => (profile.tokenEnv === undefined) !== (profile.tokenFile === undefined), {
    path: ["tokenEnv"],
    message: "set exactly one of tokenEnv and tokenFile",
  })
  .refine((profile) => !(profile.environment === "production" && profile.testClient), {
    path: ["testClient"],
    message: "a production service has no test client: tests never run against production",
  });

export const consoleConfigFileSchema = z
  .strictObject({ services: z.array(serviceProfileSchema).min(1, "list at least one service") })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.services.forEach((service, index) => {
      if (seen.has(service.serviceId)) {
        ctx.addIssue({
          code: "custom",
          path: ["services", index, "serviceId"],
          message: `service ${service.serviceId} is listed twice`,
        });
      }
      seen.add(service.serviceId);
    });
  });
