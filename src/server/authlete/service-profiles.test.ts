import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseSettings } from "../config";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "console-config-"));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const YAML = `
services:
  - serviceId: "21653835348762"
    name: Payments (prod)
    environment: production
    baseUrl: https://jp.authlete.com/
    tokenEnv: PROD_TOKEN
  - serviceId: "1000000001"
    name: QA
    environment: test
    baseUrl: http://127.0.0.1:8796
    tokenFile: TOKEN_FILE
    testClient: { clientId: "3000000001", clientSecretEnv: QA_CLIENT_SECRET }
`;

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("no ConfigError");
}

describe("CONSOLE_CONFIG", () => {
  it("refuses a plain-http baseUrl off this machine unless ALLOW_INSECURE_AUTHLETE_URL (issue 19, item 15)", () => {
    const path = file(
      "console.yaml",
      YAML.replace("https://jp.authlete.com/", "http://jp.authlete.com/"),
    );
    const env = { CONSOLE_CONFIG: path, PROD_TOKEN: "p", QA_CLIENT_SECRET: "s" };
    const tokenFile = file("qa-token", "qa\n");
    const withToken = {
      ...env,
      CONSOLE_CONFIG: file(
        "c.yaml",
        YAML.replace("https://jp.authlete.com/", "http://jp.authlete.com/").replace(
          "TOKEN_FILE",
          tokenFile,
        ),
      ),
    };
    expect(problemsOf(() => parseSettings(withToken))).toMatch(
      /CONSOLE_CONFIG services\.0\.baseUrl: must be https:\/\//,
    );
    expect(
      parseSettings({ ...withToken, ALLOW_INSECURE_AUTHLETE_URL: "true" }).services,
    ).toHaveLength(2);
  });

  it("reads YAML, takes tokens from the named variables and secret files", () => {
    const tokenFile = file("qa-token", "qa-token-value\n");
    const path = file("console.yaml", YAML.replace("TOKEN_FILE", tokenFile));
    const settings = parseSettings({
      CONSOLE_CONFIG: path,
      PROD_TOKEN: "prod-token-value",
      QA_CLIENT_SECRET: "qa-secret",
    });
    expect(settings.services).toEqual([
      {
        serviceId: "21653835348762",
        name: "Payments (prod)",
        environment: "production",
        baseUrl: "https://jp.authlete.com",
        accessToken: "prod-token-value",
        testClients: [],
        approvalRequired: false,
      },
      {
        serviceId: "1000000001",
        name: "QA",
        environment: "test",
        baseUrl: "http://127.0.0.1:8796",
        accessToken: "qa-token-value",
        testClients: [{ clientId: "3000000001", clientSecret: "qa-secret" }],
        approvalRequired: false,
      },
    ]);
  });

  it("reads test clients per delivery mode, secrets from their variables, and none on production", () => {
    const path = file(
      "modes.json",
      JSON.stringify({
        services: [
          {
            serviceId: "1000000002",
            name: "QA",
            environment: "staging",
            baseUrl: "http://127.0.0.1:8796",
            tokenEnv: "QA_TOKEN",
            testClients: [
              { clientId: "3000000012", clientSecretEnv: "PING_SECRET", deliveryMode: "PING" },
              { clientId: "3000000022", clientSecretEnv: "PUSH_SECRET", deliveryMode: "PUSH" },
            ],
          },
        ],
      }),
    );
    const settings = parseSettings({
      CONSOLE_CONFIG: path,
      QA_TOKEN: "t",
      PING_SECRET: "ping-secret",
      PUSH_SECRET: "push-secret",
    });
    expect(settings.services?.[0]?.testClients).toEqual([
      { clientId: "3000000012", clientSecret: "ping-secret", deliveryMode: "PING" },
      { clientId: "3000000022", clientSecret: "push-secret", deliveryMode: "PUSH" },
    ]);
    const production = file(
      "prod-modes.json",
      JSON.stringify({
        services: [
          {
            serviceId: "1000000002",
            name: "Prod",
            environment: "production",
            baseUrl: "http://127.0.0.1:8796",
            tokenEnv: "QA_TOKEN",
            testClients: [{ clientId: "1", clientSecretEnv: "PING_SECRET", deliveryMode: "PING" }],
          },
        ],
      }),
    );
    expect(() =>
      parseSettings({ CONSOLE_CONFIG: production, QA_TOKEN: "t", PING_SECRET: "s" }),
    ).toThrow(/a production service has no test client/);
  });

  it("reads JSON too", () => {
    const path = file(
      "console.json",
      JSON.stringify({
        services: [
          {
            serviceId: "1",
            name: "S",
            environment: "staging",
            baseUrl: "https://us.authlete.com",
            tokenEnv: "T",
          },
        ],
      }),
    );
    expect(parseSettings({ CONSOLE_CONFIG: path, T: "t" }).services?.[0]?.environment).toBe(
      "staging",
    );
  });

  it("names the missing variable, never a value", () => {
    const path = file("console.yaml", YAML.replace("TOKEN_FILE", "/nonexistent/token"));
    const message = problemsOf(() =>
      parseSettings({ CONSOLE_CONFIG: path, QA_CLIENT_SECRET: "qa-secret" }),
    );
    expect(message).toContain("services.0.tokenEnv: the variable PROD_TOKEN is not set");
    expect(message).toContain("services.1.tokenEnv: cannot read the secret file");
    expect(message).not.toContain("qa-secret");
  });

  it.each([
    ["a test client on production", "environment: test", "environment: production", "testClient"],
    ["an unknown environment", "environment: test", "environment: prod", "environment"],
    ["a service listed twice", '"1000000001"', '"21653835348762"', "listed twice"],
    ["a misspelt field", "tokenEnv: PROD_TOKEN", "tokenEnv: PROD_TOKEN\n    colour: red", "colour"],
    [
      "a token variable and a token file",
      "tokenEnv: PROD_TOKEN",
      "tokenEnv: A\n    tokenFile: b",
      "exactly one",
    ],
  ])("refuses %s", (_what, from, to, expected) => {
    const path = file("console.yaml", YAML.replace(from, to));
    expect(problemsOf(() => parseSettings({ CONSOLE_CONFIG: path }))).toContain(expected);
  });

  it("says which file it cannot read", () => {
    expect(problemsOf(() => parseSettings({ CONSOLE_CONFIG: "/nonexistent.yaml" }))).toContain(
      "cannot read /nonexistent.yaml (ENOENT)",
    );
  });
});
