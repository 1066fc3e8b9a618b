import { readConfigFile } from "../server/config-file";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { FAIL_REASONS } from "../shared/reasons";
import type { SimulatedClient, SimulatedService, SimulatorSeed } from "./seed-types";

/**
 * SIMULATOR_SEED: the services, clients and access tokens the simulator holds, described with
 * Authlete's own property names (the spec's Service and Client schemas), so QA can model their
 * configuration. The built-in seed is examples/simulator-seed.yaml, in this format. Properties
 * the simulator adds are marked "simulator only" and start with `simulated` or `test`.
 */

const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, "must be a number")]);
const asId = (value: z.infer<typeof id>) => String(value);

const serviceSchema = z.strictObject({
  apiKey: id,
  serviceName: z.string().min(1),
  number: z.number().int().positive().optional(),
  backchannelAuthReqIdDuration: z.number().int().min(1).max(86_400).default(600),
  backchannelPollingInterval: z.number().int().min(0).max(3600).default(5),
  backchannelUserCodeParameterSupported: z.boolean().default(false),
  supportedScopes: z
    .array(z.strictObject({ name: z.string().min(1), defaultEntry: z.boolean().default(false) }))
    .default([
      { name: "openid", defaultEntry: false },
      { name: "profile", defaultEntry: false },
      { name: "email", defaultEntry: false },
    ]),
  supportedClaims: z.array(z.string().min(1)).default(["sub", "name", "email"]),
  supportedAcrs: z.array(z.string().min(1)).default([]),
  /** Simulator only: the client the console borrows to make test tickets for this service. */
  testClient: id.optional(),
  /** Simulator only: more clients it borrows for issued test requests, one per delivery mode. */
  testClients: z.array(id).default([]),
  /** Simulator only: reasons answered as unknown, standing in for an older Authlete. */
  simulatedUnsupportedReasons: z.array(z.enum(FAIL_REASONS)).default([]),
});

const clientSchema = z
  .strictObject({
    clientId: id,
    clientSecret: z.string().min(1),
    clientName: z.string().min(1),
    /** The service the client belongs to: its apiKey. */
    serviceApiKey: id,
    grantTypes: z
      .array(z.enum(["AUTHORIZATION_CODE", "REFRESH_TOKEN", "CIBA", "CLIENT_CREDENTIALS"]))
      .default(["CIBA"]),
    bcDeliveryMode: z.enum(["POLL", "PING", "PUSH"]).optional(),
    /** A URL; simulator only: a path stands for that path on the simulator (its sink). */
    bcNotificationEndpoint: z
      .union([
        z.url(),
        z
          .string()
          .regex(/^\/client-notifications\/[\w-]+$/, "is a URL or /client-notifications/<name>"),
      ])
      .optional(),
    bcUserCodeRequired: z.boolean().default(false),
    tokenAuthMethod: z
      .enum(["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"])
      .default("CLIENT_SECRET_BASIC"),
  })
  .refine(
    (client) =>
      client.bcDeliveryMode === "POLL" ||
      client.bcDeliveryMode === undefined ||
      client.bcNotificationEndpoint,
    {
      path: ["bcNotificationEndpoint"],
      message: "is required in PING and PUSH mode",
    },
  );

const tokenSchema = z.strictObject({
  token: z.string().min(8),
  /** "all", or the apiKeys of the services the token may use. */
  services: z.union([z.literal("all"), z.array(id).min(1)]),
  /** What /service/get/list shows: Authlete's limited view, or the full Service. */
  serviceView: z.enum(["limited", "full"]).default("full"),
  mayListServices: z.boolean().default(true),
});

export const seedFileSchema = z.strictObject({
  services: z.array(serviceSchema).min(1),
  clients: z.array(clientSchema).default([]),
  accessTokens: z.array(tokenSchema).min(1),
});
export type SeedFile = z.input<typeof seedFileSchema>;

/** A seed in the file's format, checked and turned into what the simulator holds. */
export function seedFrom(raw: unknown): SimulatorSeed {
  const parsed = seedFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SeedError(
      parsed.error.issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`),
    );
  }
  const { services, clients, accessTokens } = parsed.data;
  const problems: string[] = [];
  const serviceIds = services.map((service) => asId(service.apiKey));
  const known = new Set(serviceIds);
  clients.forEach((client, index) => {
    if (!known.has(asId(client.serviceApiKey))) {
      problems.push(
        `clients.${index}.serviceApiKey: no service has apiKey ${client.serviceApiKey}`,
      );
    }
  });
  services.forEach((service, index) => {
    const lent = [service.testClient, ...service.testClients].filter(
      (entry) => entry !== undefined,
    );
    for (const clientId of lent.map(asId)) {
      const client = clients.find((candidate) => asId(candidate.clientId) === clientId);
      if (asId(client?.serviceApiKey ?? "") !== asId(service.apiKey)) {
        problems.push(
          `services.${index}.testClient: no client ${clientId} belongs to this service`,
        );
      }
    }
  });
  accessTokens.forEach((token, index) => {
    if (token.services === "all") return;
    for (const serviceId of token.services.map(asId)) {
      if (!known.has(serviceId))
        problems.push(`accessTokens.${index}.services: no service ${serviceId}`);
    }
  });
  if (problems.length > 0) throw new SeedError(problems);

  const simulatedServices: SimulatedService[] = services.map((service, index) => ({
    serviceId: asId(service.apiKey),
    name: service.serviceName,
    number: service.number ?? index + 1,
    backchannelAuthReqIdDuration: service.backchannelAuthReqIdDuration,
    backchannelPollingInterval: service.backchannelPollingInterval,
    backchannelUserCodeParameterSupported: service.backchannelUserCodeParameterSupported,
    supportedScopes: service.supportedScopes,
    supportedClaims: service.supportedClaims,
    supportedAcrs: service.supportedAcrs,
    testClientId: service.testClient === undefined ? undefined : asId(service.testClient),
    ...(service.testClients.length > 0 && { testClientIds: service.testClients.map(asId) }),
    ...(service.simulatedUnsupportedReasons.length > 0 && {
      unsupportedReasons: service.simulatedUnsupportedReasons,
    }),
  }));
  const simulatedClients: SimulatedClient[] = clients.map((client) => ({
    clientId: asId(client.clientId),
    clientSecret: client.clientSecret,
    clientName: client.clientName,
    serviceId: asId(client.serviceApiKey),
    bcDeliveryMode: client.bcDeliveryMode,
    bcNotificationEndpoint: client.bcNotificationEndpoint,
    bcUserCodeRequired: client.bcUserCodeRequired,
    tokenAuthMethod: client.tokenAuthMethod,
    cibaEnabled: client.grantTypes.includes("CIBA"),
  }));
  return {
    services: simulatedServices,
    clients: simulatedClients,
    tokens: accessTokens.map((token) => ({
      token: token.token,
      services: token.services === "all" ? serviceIds : token.services.map(asId),
      fullServiceView: token.serviceView === "full",
      mayListServices: token.mayListServices,
    })),
  };
}

/** Reads SIMULATOR_SEED (JSON or YAML: one parser reads both). */
export function readSeedFile(path: string): SimulatorSeed {
  let raw: unknown;
  try {
    raw = parseYaml(readConfigFile(path));
  } catch (error) {
    throw new SeedError([
      `cannot read ${path} as JSON or YAML (${(error as Error).message.split("\n")[0]})`,
    ]);
  }
  return seedFrom(raw);
}

/** A seed that stops the start; each problem names the field. */
export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid SIMULATOR_SEED:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "SeedError";
  }
}
