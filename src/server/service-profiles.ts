import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { consoleConfigFileSchema } from "../shared/service-profiles";
import type { Environment } from "../shared/service-profiles";
import { ConfigError } from "./config-error";

export interface ServiceSettings {
  serviceId: string;
  name: string;
  environment: Environment;
  baseUrl: string;
  accessToken: string;
  testClient: { clientId: string; clientSecret: string } | undefined;
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
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
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
  const secret = (where: string, variable: string | undefined, file: string | undefined) => {
    if (variable !== undefined) {
      const value = env[variable];
      if (!value) problems.push(`CONSOLE_CONFIG ${where}: the variable ${variable} is not set`);
      return value ?? "";
    }
    try {
      return readFileSync(file!, "utf8").trim();
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
    accessToken: secret(`services.${index}.tokenEnv`, profile.tokenEnv, profile.tokenFile),
    testClient: profile.testClient && {
      clientId: profile.testClient.clientId,
      clientSecret: secret(
        `services.${index}.testClient.clientSecretEnv`,
        profile.testClient.clientSecretEnv,
        undefined,
      ),
    },
  }));
  if (problems.length > 0) throw new ConfigError(problems);
  return services;
}
