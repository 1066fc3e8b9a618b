import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { problemSchema } from "../shared/problem";
import { startConsole } from "../testing/test-harness";
import type { ConsoleUnderTest } from "../testing/test-harness";
import { createSimulator } from "./app";
import { BUILT_IN_SEED, BUILT_IN_SEED_FILE } from "./seed";
import { SeedError, readSeedFile, seedFrom } from "./seed-file";

const folder = mkdtempSync(join(tmpdir(), "cfc-seed-"));
let running: ConsoleUnderTest | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function problemsOf(raw: unknown): string[] {
  try {
    seedFrom(raw);
  } catch (error) {
    if (error instanceof SeedError) return error.problems;
    throw error;
  }
  return [];
}

/** A service of QA's own, with clients configured the ways a real one can be wrong. */
const QA_SEED = {
  services: [
    {
      apiKey: 4000000001,
      serviceName: "QA service",
      backchannelUserCodeParameterSupported: true,
      testClient: 5000000001,
    },
  ],
  clients: [
    { clientId: 5000000001, clientSecret: "s1", clientName: "No mode", serviceApiKey: 4000000001 },
    {
      clientId: 5000000002,
      clientSecret: "s2",
      clientName: "No CIBA",
      serviceApiKey: 4000000001,
      bcDeliveryMode: "POLL",
      grantTypes: ["AUTHORIZATION_CODE"],
    },
    {
      clientId: 5000000003,
      clientSecret: "s3",
      clientName: "User code",
      serviceApiKey: 4000000001,
      bcDeliveryMode: "POLL",
      bcUserCodeRequired: true,
    },
    {
      clientId: 5000000004,
      clientSecret: "s4",
      clientName: "Post",
      serviceApiKey: 4000000001,
      bcDeliveryMode: "POLL",
      tokenAuthMethod: "CLIENT_SECRET_POST",
    },
  ],
  accessTokens: [{ token: "qa-token-1234", services: [4000000001], serviceView: "full" }],
};

describe("SIMULATOR_SEED", () => {
  it("examples/simulator-seed.yaml is the built-in seed, word for word", () => {
    const file = parseYaml(readFileSync("examples/simulator-seed.yaml", "utf8")) as unknown;
    expect(file).toEqual(BUILT_IN_SEED_FILE);
    expect(readSeedFile("examples/simulator-seed.yaml")).toEqual(BUILT_IN_SEED);
  });

  it("names the field of every problem", () => {
    expect(
      problemsOf({
        services: [{ apiKey: "abc", serviceName: "x", testClient: 9 }],
        clients: [
          {
            clientId: 1,
            clientSecret: "s",
            clientName: "c",
            serviceApiKey: 1,
            bcDeliveryMode: "PING",
          },
          {
            clientId: 2,
            clientSecret: "s",
            clientName: "c",
            serviceApiKey: 1,
            bcDeliveryMode: "PUSH",
          },
        ],
        accessTokens: [],
      }),
    ).toEqual([
      "services.0.apiKey: must be a number",
      "clients.0.bcNotificationEndpoint: is required in PING and PUSH mode",
      "clients.1.bcNotificationEndpoint: is required in PING and PUSH mode",
      "accessTokens: Too small: expected array to have >=1 items",
    ]);
    expect(
      problemsOf({
        services: [{ apiKey: 7, serviceName: "x", testClient: 8 }],
        clients: [{ clientId: 8, clientSecret: "s", clientName: "c", serviceApiKey: 6 }],
        accessTokens: [{ token: "t-12345678", services: [5] }],
      }),
    ).toEqual([
      "clients.0.serviceApiKey: no service has apiKey 6",
      "services.0.testClient: no client 8 belongs to this service",
      "accessTokens.0.services: no service 5",
    ]);
  });

  it("answers a misconfigured client as Authlete would: no delivery mode, no CIBA grant, a user code required; CLIENT_SECRET_POST credentials in the parameters", async () => {
    const simulator = createSimulator({ seed: seedFrom(QA_SEED) });
    const authenticate = async (
      clientId: number,
      secret: string | undefined,
      parameters: string,
    ) => {
      const answer = await simulator.app.request("/api/4000000001/backchannel/authentication", {
        method: "POST",
        headers: { authorization: "Bearer qa-token-1234", "content-type": "application/json" },
        body: JSON.stringify({ parameters, clientId, clientSecret: secret }),
      });
      const json = (await answer.json()) as Record<string, unknown>;
      const content = JSON.parse((json.responseContent as string | undefined) ?? "{}") as unknown;
      return { ...json, content };
    };
    const base = "scope=openid&login_hint=alice";
    expect(await authenticate(5000000001, "s1", base)).toMatchObject({
      resultCode: "A169301",
      action: "BAD_REQUEST",
      content: {
        error: "unauthorized_client",
        error_description: expect.stringMatching(/^\[A169301\] /) as unknown,
        error_uri: "https://docs.authlete.com/#A169301",
      },
    });
    expect(await authenticate(5000000002, "s2", base)).toMatchObject({
      action: "BAD_REQUEST",
      content: { error: "unauthorized_client" },
    });
    expect(await authenticate(5000000003, "s3", base)).toMatchObject({
      action: "BAD_REQUEST",
      content: { error: "missing_user_code" },
    });
    expect(await authenticate(5000000003, "s3", `${base}&user_code=1234`)).toMatchObject({
      action: "USER_IDENTIFICATION",
      userCodeRequired: true,
    });
    expect(
      await authenticate(5000000004, undefined, `${base}&client_id=5000000004&client_secret=s4`),
    ).toMatchObject({ action: "USER_IDENTIFICATION" });
    // A basic-auth client's secret in the parameters is not a credential.
    expect(
      await authenticate(5000000003, undefined, `${base}&client_id=5000000003&client_secret=s3`),
    ).toMatchObject({ action: "UNAUTHORIZED" });
  });

  it("the console's Create test ticket shows the cluster's error for a misconfigured test client", async () => {
    const path = join(folder, "qa.yaml");
    writeFileSync(path, JSON.stringify(QA_SEED));
    running = await startConsole({
      simulator: { seed: readSeedFile(path) },
      env: { SIMULATOR_SEED: path, SIMULATOR_ACCESS_TOKEN: "qa-token-1234" },
    });
    const answer = await running.post("/api/test-tickets", { serviceId: "4000000001" });
    expect(answer.status).toBe(502);
    expect(problemSchema.parse(answer.json)).toMatchObject({
      title: "Authlete did not create a ticket",
      resultCode: "A169301",
      resultMessage:
        "[A169301] The backchannel token delivery mode of the client application is not set.",
    });
  });
});
