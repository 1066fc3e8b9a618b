import { insecureUrlProblem } from "../http/loopback";
import { FileTooLargeError, readConfigFile } from "../config-file";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { serviceIdSchema } from "../../shared/fail-request";
import { ENVIRONMENTS } from "../../shared/service-profiles";
import type { Environment } from "../../shared/service-profiles";
import { ConfigError } from "../config-error";
import { DELIVERY_MODES } from "../../shared/end-outcome";
import type { TestClient } from "./service-directory";

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
    /** Four-eyes (issue 21): every action on the service waits for a supervisor's approval. */
    approval: z.enum(["required", "none"], { error: "must be required or none" }).default("none"),
    tokenFile: z.string().min(1).optional(),
    /** A CIBA client of the service for test tickets and the QA lab (not in production). */
    testClient: z
      .strictObject({ clientId: z.string().min(1), clientSecretEnv: envVarName })
      .optional(),
    /** Test clients per delivery mode, for issued test requests (ending them). */
    testClients: z
      .array(
        z.strictObject({
          clientId: z.string().min(1),
          clientSecretEnv: envVarName,
          deliveryMode: z.enum(DELIVERY_MODES, { error: "must be POLL, PING or PUSH" }),
          /** The user the QA lab's AUTHORIZED completion names (default: the test login hint). */
          subject: z.string().min(1).max(200).optional(),
        }),
      )
      .default([]),
  })
  .refine((profile) => (profile.tokenEnv === undefined) !== (profile.tokenFile === undefined), {
    path: ["tokenEnv"],
    message: "set exactly one of tokenEnv and tokenFile",
  })
  .refine(
    (profile) =>
      !(profile.environment === "production" && (profile.testClient || profile.testClients.length)),
    {
      path: ["testClient"],
      message: "a production service has no test client: tests never run against production",
    },
  );

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

export interface ServiceSettings {
  serviceId: string;
  name: string;
  environment: Environment;
  baseUrl: string;
  accessToken: string;
  testClients: TestClient[];
  approvalRequired: boolean;
}

/**
 * CONSOLE_CONFIG: a JSON or YAML file of service profiles. Tokens come from the variables (or
 * secret files) it names; a missing one stops the start, naming the variable, never a value.
 */
export function readServices(
  path: string,
  env: Record<string, string | undefined>,
): ServiceSettings[] {
  let raw: unknown;
  try {
    raw = parseYaml(readConfigFile(path));
  } catch (error) {
    if (error instanceof FileTooLargeError)
      throw new ConfigError([`CONSOLE_CONFIG: ${error.message}`]);
    const reason =
      error instanceof Error && "code" in error ? String(error.code) : "not JSON or YAML";
    throw new ConfigError([`CONSOLE_CONFIG: cannot read ${path} (${reason})`]);
  }
  const parsed = consoleConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `CONSOLE_CONFIG ${issue.path.join(".")}: ${issue.message}`,
      ),
    );
  }
  const problems: string[] = [];
  parsed.data.services.forEach((profile, index) => {
    const problem = insecureUrlProblem(profile.baseUrl, env.ALLOW_INSECURE_AUTHLETE_URL);
    if (problem) problems.push(`CONSOLE_CONFIG services.${index}.baseUrl: ${problem}`);
  });
  const secret = (where: string, variable: string | undefined, file: string | undefined) => {
    if (variable !== undefined) {
      const value = env[variable];
      if (!value) problems.push(`CONSOLE_CONFIG ${where}: the variable ${variable} is not set`);
      return value ?? "";
    }
    try {
      return readConfigFile(file!).trim();
    } catch {
      problems.push(`CONSOLE_CONFIG ${where}: cannot read the secret file ${file}`);
      return "";
    }
  };
  const services = parsed.data.services.map((profile, index) => ({
    serviceId: profile.serviceId,
    name: profile.name,
    environment: profile.environment,
    baseUrl: profile.baseUrl,
    approvalRequired: profile.approval === "required",
    accessToken: secret(`services.${index}.tokenEnv`, profile.tokenEnv, profile.tokenFile),
    testClients: [
      ...(profile.testClient
        ? [
            {
              clientId: profile.testClient.clientId,
              clientSecret: secret(
                `services.${index}.testClient.clientSecretEnv`,
                profile.testClient.clientSecretEnv,
                undefined,
              ),
            },
          ]
        : []),
      ...profile.testClients.map((client, position) => ({
        clientId: client.clientId,
        deliveryMode: client.deliveryMode,
        subject: client.subject,
        clientSecret: secret(
          `services.${index}.testClients.${position}.clientSecretEnv`,
          client.clientSecretEnv,
          undefined,
        ),
      })),
    ],
  }));
  if (problems.length > 0) throw new ConfigError(problems);
  return services;
}
