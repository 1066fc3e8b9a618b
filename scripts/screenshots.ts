/**
 * `npx tsx scripts/screenshots.ts [out-dir]`: the README's screenshots, taken from the real
 * page. Starts the built console on the embedded simulator (and one with service profiles, for
 * production), goes through the quick start as a newcomer, and shoots at 1280 and 360 px, light
 * and dark. Run `npm run build` first.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import type { Page } from "@playwright/test";

const OUT = process.argv[2] ?? "docs/screenshots";
const CODE = "screenshots-access-code-2026";
const work = mkdtempSync(join(tmpdir(), "ciba-shots-"));

async function startConsole(port: number, env: Record<string, string> = {}) {
  const child = spawn("node", ["dist/server/main.js"], {
    env: {
      ...process.env,
      PORT: String(port),
      AUTHLETE_ACCESS_TOKEN: "",
      CONSOLE_ACCESS_CODE: CODE,
      AUDIT_DB: join(work, `audit-${port}.db`),
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The console on ${port} did not start`);
}

async function signIn(page: Page, url: string) {
  await page.goto(url);
  await page.getByLabel("Your name").fill("Ada Operator");
  await page.getByLabel("Access code").fill(CODE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Fail ticket" }).waitFor();
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const plain = await startConsole(18931);
  // Service profiles name their Authlete: a standalone simulator here.
  const simulator = spawn("node", ["--import", "tsx", "src/simulator/main.ts"], {
    env: { ...process.env, SIMULATOR_PORT: "18933" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const profilesFile = join(work, "profiles.yaml");
  writeFileSync(
    profilesFile,
    [
      "services:",
      '  - serviceId: "1000000001"',
      "    name: Payments",
      "    environment: production",
      "    baseUrl: http://127.0.0.1:18933",
      "    tokenEnv: SHOTS_SIMULATOR_TOKEN",
      '  - serviceId: "1000000002"',
      "    name: Payments (staging)",
      "    environment: staging",
      "    baseUrl: http://127.0.0.1:18933",
      "    tokenEnv: SHOTS_SIMULATOR_TOKEN",
      "",
    ].join("\n"),
  );
  const profiles = await startConsole(18932, {
    CONSOLE_CONFIG: profilesFile,
    SHOTS_SIMULATOR_TOKEN: "simulator-access-token",
  });
  const executablePath =
    process.env.CHROMIUM_PATH ??
    (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ["--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    for (const scheme of ["light", "dark"] as const) {
      for (const width of [1280, 360]) {
        const context = await browser.newContext({
          viewport: { width, height: width === 360 ? 740 : 800 },
          colorScheme: scheme,
        });
        const page = await context.newPage();
        const name = (what: string) => join(OUT, `${what}-${width}-${scheme}.png`);
        await signIn(page, "http://127.0.0.1:18931/");
        await page.getByRole("combobox", { name: "Service" }).waitFor();
        await page.screenshot({ path: name("first-visit") });
        await page.getByRole("button", { name: "Create test ticket" }).click();
        await page.getByText("Test ticket created").waitFor();
        await page.getByLabel("Reason").selectOption("ACCESS_DENIED");
        await page.getByRole("button", { name: "Fail ticket" }).click();
        await page.getByRole("heading", { name: /^Done:/ }).waitFor();
        await page.screenshot({ path: name("result") });
        await page.getByRole("link", { name: "Audit log" }).first().click();
        await page.getByRole("heading", { name: "Records" }).waitFor();
        await page.screenshot({ path: name("audit-log") });
        await context.close();

        const production = await browser.newContext({
          viewport: { width, height: width === 360 ? 740 : 800 },
          colorScheme: scheme,
        });
        const prodPage = await production.newPage();
        await signIn(prodPage, "http://127.0.0.1:18932/");
        const picker = prodPage.getByRole("combobox", { name: "Service" });
        await picker.click();
        await picker.press("ArrowDown");
        await prodPage.screenshot({ path: name("service-picker") });
        await prodPage.getByRole("option", { name: /production/ }).click();
        await prodPage.screenshot({ path: name("production") });
        await production.close();
      }
    }
  } finally {
    await browser.close();
    plain.kill();
    profiles.kill();
    simulator.kill();
  }
  console.log(`Screenshots in ${OUT}/`);
}

await main();
