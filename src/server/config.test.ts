import { readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigError, parseSettings } from "./config";

describe("parseSettings", () => {
  it("runs the embedded simulator with defaults when no token is set", () => {
    expect(parseSettings({})).toEqual({
      authlete: {
        mode: "embedded-simulator",
        accessToken: undefined,
        ticketTtlSeconds: 600,
        faults: [],
        seed: undefined,
      },
      timeoutMs: 10_000,
      testClient: undefined,
      host: "127.0.0.1",
      httpWarnings: [],
      databaseWarnings: [],
      serveSourceMaps: false,
      port: 8787,
      requestTimeouts: { headersMs: 20_000, requestMs: 60_000 },
      logLevel: "info",
      auth: {
        method: { mode: "local", accessCode: undefined },
        idleMs: 30 * 60_000,
        absoluteMs: 12 * 3_600_000,
        lockoutAfter: 10,
        lockoutWindowMs: 15 * 60_000,
      },
      auditDbPath: "./data/audit.db",
      auditBusyTimeoutMs: 5000,
      auditSynchronous: "full",
      databaseUrl: undefined,
      ticketKey: undefined,
      publicUrl: undefined,
      trustProxy: { kind: "none" },
      failsPerMinute: 30,
      bulkTicketsPerHour: 10_000,
      bulkMaxOpenJobs: 3,
      lab: { runsPerHour: 20, requestedExpirySeconds: 2 },
      approvals: { ttlMs: 3_600_000, breakGlass: false },
      auditChain: { intervalMs: 5000, checkpoints: undefined },
      metrics: { port: undefined, token: undefined },
      auditStream: {
        webhook: undefined,
        syslog: undefined,
        maxLagMs: 300_000,
        batch: 200,
        intervalMs: 1000,
      },
      services: undefined,
      notifications: { deliver: false, allowedOrigins: [] },
      bulk: {
        concurrency: 4,
        retry: { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 },
        retryWindowMs: 3_600_000,
      },
    });
  });

  it("starts with the defaults from .env.example copied as it is", () => {
    const example = parseDotenv(readFileSync(".env.example"));
    expect(Object.keys(example).length).toBeGreaterThan(20);
    expect(parseSettings(example)).toEqual(parseSettings({}));
  });

  it("treats an empty token (as in a copied .env.example) as absent", () => {
    expect(parseSettings({ AUTHLETE_ACCESS_TOKEN: "" }).authlete.mode).toBe("embedded-simulator");
  });

  it("talks to the configured cluster with a token, trimming a trailing slash", () => {
    const settings = parseSettings({
      AUTHLETE_ACCESS_TOKEN: "t",
      AUTHLETE_BASE_URL: "https://jp.authlete.com/",
      AUTHLETE_TEST_CLIENT_ID: "123",
      AUTHLETE_TEST_CLIENT_SECRET: "s",
      AUTHLETE_TIMEOUT_MS: "2500",
      PORT: "0",
    });
    expect(settings.authlete).toEqual({
      mode: "cluster",
      baseUrl: "https://jp.authlete.com",
      accessToken: "t",
    });
    expect(settings.testClient).toEqual({ clientId: "123", clientSecret: "s" });
    expect(settings.timeoutMs).toBe(2500);
    expect(settings.port).toBe(0);
  });

  it.each([
    [{ PORT: "80a" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ AUTHLETE_TIMEOUT_MS: "fast" }, "AUTHLETE_TIMEOUT_MS"],
    [{ AUTHLETE_BASE_URL: "ftp://x" }, "AUTHLETE_BASE_URL"],
    [{ AUTHLETE_TEST_CLIENT_ID: "1" }, "AUTHLETE_TEST_CLIENT_SECRET"],
    [{ CONSOLE_ACCESS_CODE: "short" }, "CONSOLE_ACCESS_CODE"],
    [{ AUTH_MODE: "none" }, "AUTH_MODE"],
    [{ FAIL_RATE_LIMIT_PER_MINUTE: "0" }, "FAIL_RATE_LIMIT_PER_MINUTE"],
    [{ ...OIDC, OIDC_ISSUER: undefined }, "OIDC_ISSUER"],
    [{ ...OIDC, OIDC_CLIENT_SECRET: "" }, "OIDC_CLIENT_SECRET"],
    [{ ...OIDC, OIDC_ISSUER: "http://idp.example.com" }, "OIDC_ISSUER"],
    [{ ...OIDC, OIDC_OPERATOR_GROUPS: " , " }, "OIDC_OPERATOR_EMAILS"],
    [
      { AUDIT_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----\nbm90LWEta2V5\n-----END PRIVATE KEY-----" },
      "AUDIT_SIGNING_KEY",
    ],
    [{ AUDIT_SIGNING_KEY_FILE: "/nonexistent/signing-key.pem" }, "AUDIT_SIGNING_KEY_FILE"],
    [{ AUDIT_CHECKPOINT_RECORDS: "-7" }, "AUDIT_CHECKPOINT_RECORDS"],
    [{ METRICS_PORT: "9464x" }, "METRICS_PORT"],
    [{ METRICS_TOKEN: "too-short-a-token" }, "METRICS_TOKEN"],
    [
      { AUDIT_WEBHOOK_URL: "http://siem.example/audit", AUDIT_WEBHOOK_SECRET: "x".repeat(32) },
      "AUDIT_WEBHOOK_URL",
    ],
    [{ AUDIT_WEBHOOK_URL: "https://siem.example/audit" }, "AUDIT_WEBHOOK_SECRET"],
    [{ AUDIT_SYSLOG_URL: "udp://siem.example:514" }, "AUDIT_SYSLOG_URL"],
  ])("stops on %j naming %s, without echoing values", (env, name) => {
    let error: unknown;
    try {
      parseSettings(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
    for (const value of Object.values(env)) {
      if (value && value !== "oidc") expect((error as ConfigError).message).not.toContain(value);
    }
  });

  it("reads OpenID Connect settings and role rules as trimmed lists", () => {
    const settings = parseSettings({
      ...OIDC,
      OIDC_VIEWER_EMAILS: " audit@example.com , ",
      OIDC_GROUPS_CLAIM: "roles",
    });
    expect(settings.auth.method).toEqual({
      mode: "oidc",
      issuer: "https://idp.example.com",
      clientId: "console",
      clientSecret: "client-secret-value",
      redirectUri: "https://console.example.com/auth/oidc/callback",
      scopes: "openid email profile",
      roles: {
        supervisorEmails: [],
        supervisorGroups: [],
        operatorEmails: [],
        viewerEmails: ["audit@example.com"],
        groupsClaim: "roles",
        operatorGroups: ["cfc-operators", "sre"],
        viewerGroups: [],
      },
    });
  });

  it("refuses a plain-http Authlete URL off this machine unless ALLOW_INSECURE_AUTHLETE_URL (issue 19, item 15)", () => {
    const cluster = { AUTHLETE_ACCESS_TOKEN: "token", AUTHLETE_BASE_URL: "http://authlete.lan" };
    expect(() => parseSettings(cluster)).toThrow(/AUTHLETE_BASE_URL: must be https:\/\//);
    expect(() => parseSettings(cluster)).not.toThrow(/token"/);
    expect(
      parseSettings({ ...cluster, ALLOW_INSECURE_AUTHLETE_URL: "true" }).authlete,
    ).toMatchObject({
      baseUrl: "http://authlete.lan",
    });
    expect(
      parseSettings({ ...cluster, AUTHLETE_BASE_URL: "http://127.0.0.1:8796" }).authlete,
    ).toMatchObject({ mode: "cluster" });
  });

  it("warns when a remote database is reached without sslmode", () => {
    const remote = "postgres://console@db.example.com/console";
    const key = { TICKET_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(parseSettings({ ...key, DATABASE_URL: remote }).databaseWarnings.join()).toMatch(
      /db\.example\.com without sslmode.*sslmode=verify-full/,
    );
    expect(
      parseSettings({ ...key, DATABASE_URL: `${remote}?sslmode=verify-full` }).databaseWarnings,
    ).toEqual([]);
    expect(
      parseSettings({ ...key, DATABASE_URL: "postgres://console@127.0.0.1/console" })
        .databaseWarnings,
    ).toEqual([]);
  });

  it("allows a plain-http provider only on this machine", () => {
    const settings = parseSettings({ ...OIDC, OIDC_ISSUER: "http://127.0.0.1:9400" });
    expect(settings.auth.method.mode).toBe("oidc");
  });
});

const OIDC = {
  AUTH_MODE: "oidc",
  OIDC_ISSUER: "https://idp.example.com",
  OIDC_CLIENT_ID: "console",
  OIDC_CLIENT_SECRET: "client-secret-value",
  OIDC_REDIRECT_URI: "https://console.example.com/auth/oidc/callback",
  OIDC_OPERATOR_GROUPS: "cfc-operators, sre",
} as Record<string, string | undefined>;
