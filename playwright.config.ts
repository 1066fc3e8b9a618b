import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { FIXTURE_SCRYPT_COST, hashAccessCodeSync } from "./src/server/session/local-accounts";
import { BUILT_IN_SEED_FILE } from "./src/simulator/seed";
import { testCertificate } from "./src/testing/test-certificate";

/**
 * End-to-end journeys in a real Chromium against the built app served by the BFF, which talks to
 * the embedded simulator. A second BFF points at an address where nothing listens, for the
 * "Authlete unreachable" journey. A third signs people in with OpenID Connect through a real
 * provider (oidc-provider) on "localhost", a different site from the consoles' 127.0.0.1.
 *
 * Browser: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own download.
 */
const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export const PORTS = {
  console: 8797,
  unreachable: 8798,
  oidcConsole: 8799,
  identityProvider: 9400,
  profilesConsole: 8795,
  simulator: 8796,
  faultsConsole: 8794,
  faultsSimulator: 8793,
  accountsConsole: 8792,
  deliveryConsole: 8791,
  /** Sessions end after 15 s idle: the idle-timeout journey. */
  idleConsole: 8790,
  /** Four-eyes approval: local accounts, and a service that needs a supervisor's approval. */
  approvalsConsole: 8788,
  /** The ping client's notification endpoint: an https receiver the delivery journey starts. */
  notificationReceiver: 9411,
} as const;
export const E2E_ACCESS_CODE = "e2e-access-code-0123456789";
/** The people of the local-accounts console (CONSOLE_USERS), each with their own code. */
export const E2E_ACCOUNTS = {
  ada: { name: "Ada Lovelace", role: "operator", code: "ada-e2e-code-0001" },
  bob: { name: "Bob Builder", role: "operator", code: "bob-e2e-code-0002" },
  sam: { name: "Sam Supervisor", role: "supervisor", code: "sam-e2e-code-0003" },
} as const;
const OIDC_CALLBACK = `http://127.0.0.1:${PORTS.oidcConsole}/auth/oidc/callback`;

/**
 * A fresh folder per run (the main process starts the servers; its workers, which load this
 * file again, find the same folder through the variable they inherit).
 */
const runFolder = (process.env.E2E_RUN_FOLDER ??= join(
  tmpdir(),
  `ciba-fail-console-e2e-${process.pid}`,
));
const auditDb = (name: string) => join(runFolder, `${name}.db`);

/** CONSOLE_USERS for the accounts console, written when the main process loads this file. */
function accountsFile(): string {
  const path = join(runFolder, "users.json");
  mkdirSync(runFolder, { recursive: true });
  const users = Object.values(E2E_ACCOUNTS).map(({ name, role, code }) => ({
    name,
    role,
    // A fixture's cheaper cost, named in the hash: sign-ins stay fast on a busy machine.
    codeHash: hashAccessCodeSync(code, FIXTURE_SCRYPT_COST),
  }));
  writeFileSync(path, JSON.stringify({ users }));
  return path;
}

/**
 * The notification receiver's certificate, trusted by the delivery console as a team trusts
 * its CA (NODE_EXTRA_CA_CERTS), made before the servers start.
 */
export const receiverCertificate = () => testCertificate(runFolder);

/** The built-in seed, with the ping client's endpoint at the journey's receiver. */
function deliverySeedFile(): string {
  const path = join(runFolder, "delivery-seed.json");
  mkdirSync(runFolder, { recursive: true });
  const clients = BUILT_IN_SEED_FILE.clients.map((client) =>
    client.bcDeliveryMode === "PING" && client.serviceApiKey === 1000000001
      ? {
          ...client,
          bcNotificationEndpoint: `https://localhost:${PORTS.notificationReceiver}/cb/ping`,
        }
      : client,
  );
  writeFileSync(path, JSON.stringify({ ...BUILT_IN_SEED_FILE, clients }));
  return path;
}

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORTS.console}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath,
          // This network is closed: Chromium's background services would only fail and retry.
          args: ["--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      },
    },
  ],
  webServer: [
    {
      // Delivers client notifications (DELIVER_CLIENT_NOTIFICATIONS) to the journey's https
      // receiver, whose certificate it trusts through NODE_EXTRA_CA_CERTS.
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.deliveryConsole}/healthz`,
      env: {
        // Test tickets take calls of the limit too: journeys make many in a minute.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        PORT: String(PORTS.deliveryConsole),
        AUTHLETE_ACCESS_TOKEN: "",
        SIMULATOR_SEED: deliverySeedFile(),
        DELIVER_CLIENT_NOTIFICATIONS: "true",
        CLIENT_NOTIFICATION_ALLOWED_ORIGINS: `https://localhost:${PORTS.notificationReceiver}`,
        NODE_EXTRA_CA_CERTS: receiverCertificate().cert,
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        AUDIT_DB: auditDb("delivery"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // Sessions end after 15 s without a request (the page warns in the last quarter).
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.idleConsole}/healthz`,
      env: {
        PORT: String(PORTS.idleConsole),
        AUTHLETE_ACCESS_TOKEN: "",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        SESSION_IDLE_SECONDS: "15",
        AUDIT_DB: auditDb("idle"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // Local accounts: a supervisor and two operators, each with their own code; the embedded
      // simulator answers in 150 ms, so a bulk job runs long enough to be paused.
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.accountsConsole}/healthz`,
      env: {
        // Test tickets take calls of the limit too: journeys make many in a minute.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        PORT: String(PORTS.accountsConsole),
        AUTHLETE_ACCESS_TOKEN: "",
        CONSOLE_USERS: accountsFile(),
        // One lab run an hour: the lab journey sees the budget run out.
        LAB_RUNS_PER_HOUR: "1",
        SIMULATOR_FAULTS: JSON.stringify([{ kind: "delay", ms: 150 }]),
        AUDIT_DB: auditDb("accounts"),
        // A SIEM that is down (nothing listens on the discard port): supervisors see it retried.
        AUDIT_SYSLOG_URL: "tcp://127.0.0.1:9",
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // Four-eyes (issue 21): the accounts' people, on a service with approval: required.
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.approvalsConsole}/healthz`,
      env: {
        PORT: String(PORTS.approvalsConsole),
        CONSOLE_CONFIG: "e2e/approvals-config.yaml",
        CONSOLE_USERS: accountsFile(),
        E2E_SIMULATOR_TOKEN: "simulator-access-token",
        E2E_TEST_CLIENT_SECRET: "demo-client-secret-2",
        AUDIT_DB: auditDb("approvals"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // A simulator of its own for the fault journeys, so their faults hit nobody else.
      command: "npx tsx src/simulator/main.ts",
      url: `http://127.0.0.1:${PORTS.faultsSimulator}/api/service/get/list`,
      env: { SIMULATOR_PORT: String(PORTS.faultsSimulator) },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.faultsConsole}/healthz`,
      env: {
        // Test tickets take calls of the limit too: journeys make many in a minute.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        PORT: String(PORTS.faultsConsole),
        AUTHLETE_BASE_URL: `http://127.0.0.1:${PORTS.faultsSimulator}`,
        AUTHLETE_ACCESS_TOKEN: "simulator-access-token",
        AUTHLETE_TIMEOUT_MS: "1500",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        AUDIT_DB: auditDb("faults"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // A standalone simulator standing in for two clusters' services (examples/console-config.yaml).
      command: "npx tsx src/simulator/main.ts",
      url: `http://127.0.0.1:${PORTS.simulator}/api/service/get/list`,
      // 50 ms per answer, like a real cluster: long enough to pause a bulk job mid-way.
      env: { SIMULATOR_PORT: String(PORTS.simulator), SIMULATOR_DELAY_MS: "50" },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.profilesConsole}/healthz`,
      env: {
        // Test tickets take calls of the limit too: journeys make many in a minute.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        PORT: String(PORTS.profilesConsole),
        CONSOLE_CONFIG: "e2e/console-config.yaml",
        // Journeys run in parallel as one operator and leave jobs paused.
        BULK_MAX_OPEN_JOBS: "100",
        E2E_SIMULATOR_TOKEN: "simulator-access-token",
        E2E_TEST_CLIENT_SECRET: "demo-client-secret-2",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        AUDIT_DB: auditDb("profiles"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.console}/healthz`,
      env: {
        PORT: String(PORTS.console),
        AUTHLETE_ACCESS_TOKEN: "",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        AUDIT_DB: auditDb("console"),
        // Journeys run in parallel as one operator; the limits have their own unit tests.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        BULK_MAX_OPEN_JOBS: "100",
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.unreachable}/healthz`,
      env: {
        // Test tickets take calls of the limit too: journeys make many in a minute.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        PORT: String(PORTS.unreachable),
        // Port 9 (discard) has no listener on loopback here: every call is refused at once.
        AUTHLETE_BASE_URL: "http://127.0.0.1:9",
        AUTHLETE_ACCESS_TOKEN: "e2e-token-that-must-never-reach-the-page",
        AUTHLETE_TIMEOUT_MS: "2000",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        AUDIT_DB: auditDb("unreachable"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `npx tsx src/testing/test-identity-provider.ts ${PORTS.identityProvider} ${OIDC_CALLBACK}`,
      url: `http://localhost:${PORTS.identityProvider}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.oidcConsole}/healthz`,
      env: {
        // Test tickets take calls of the limit too: journeys make many in a minute.
        FAIL_RATE_LIMIT_PER_MINUTE: "1000",
        PORT: String(PORTS.oidcConsole),
        AUTHLETE_ACCESS_TOKEN: "",
        AUTH_MODE: "oidc",
        OIDC_ISSUER: `http://localhost:${PORTS.identityProvider}`,
        OIDC_CLIENT_ID: "ciba-fail-console",
        OIDC_CLIENT_SECRET: "test-oidc-secret",
        OIDC_REDIRECT_URI: OIDC_CALLBACK,
        OIDC_SCOPES: "openid email profile groups",
        OIDC_OPERATOR_GROUPS: "cfc-operators",
        OIDC_VIEWER_GROUPS: "cfc-auditors",
        AUDIT_DB: auditDb("oidc"),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
  ],
});
