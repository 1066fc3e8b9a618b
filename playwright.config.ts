import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end journeys in a real Chromium against the built app served by the BFF, which talks to
 * the embedded simulator. A second BFF points at an address where nothing listens, for the
 * "Authlete unreachable" journey.
 *
 * Browser: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own download.
 */
const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export const PORTS = { console: 8797, unreachable: 8798 } as const;
export const E2E_ACCESS_CODE = "e2e-access-code-0123456789";

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
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.console}/healthz`,
      env: {
        PORT: String(PORTS.console),
        AUTHLETE_ACCESS_TOKEN: "",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: "node dist/server/main.js",
      url: `http://127.0.0.1:${PORTS.unreachable}/healthz`,
      env: {
        PORT: String(PORTS.unreachable),
        // Port 9 (discard) has no listener on loopback here: every call is refused at once.
        AUTHLETE_BASE_URL: "http://127.0.0.1:9",
        AUTHLETE_ACCESS_TOKEN: "e2e-token-that-must-never-reach-the-page",
        AUTHLETE_TIMEOUT_MS: "2000",
        CONSOLE_ACCESS_CODE: E2E_ACCESS_CODE,
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      stdout: "pipe",
    },
  ],
});
