import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { AUDIT_OUTCOMES } from "../src/shared/audit";
import {
  CONSOLE,
  OIDC_CONSOLE,
  PROFILES_CONSOLE,
  expect,
  failATestTicket,
  runBulkJob,
  signIn,
  test,
} from "./fixtures";

/**
 * One axe-core scan per page, each its own test: a scan takes seconds on a busy 2-core machine,
 * so each test gets the time one page needs (ten scans in one 30 s test did not always fit).
 */
test.describe.configure({ timeout: 60_000 });

/**
 * No serious or critical axe-core violation on the page as it is now, in the light and the dark
 * colour scheme (contrast included).
 */
async function expectAccessible(page: Page, what: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter(
      (violation) => violation.impact === "serious" || violation.impact === "critical",
    );
    expect(
      serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`),
      `${what} (${colorScheme})`,
    ).toEqual([]);
  }
}

test("axe: sign-in with an access code", async ({ page }) => {
  await page.goto(CONSOLE);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign-in (local)");
});

test("axe: sign-in with OpenID Connect", async ({ page }) => {
  await page.goto(OIDC_CONSOLE);
  await expect(page.getByRole("link", { name: "Sign in with your organisation" })).toBeVisible();
  await expectAccessible(page, "sign-in (OpenID Connect)");
});

test("axe: fail a ticket, with a result", async ({ page }) => {
  await signIn(page);
  await page.goto(CONSOLE);
  await failATestTicket(page);
  await expectAccessible(page, "fail a ticket, with a result");
});

test("axe: the already-failed dialog", async ({ page }) => {
  await signIn(page);
  await page.goto(CONSOLE);
  await failATestTicket(page);
  await page.getByRole("button", { name: "Fail ticket" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, "the already-failed dialog");
});

test("axe: audit log, one row of every outcome", async ({ page }) => {
  await signIn(page);
  await page.goto(CONSOLE);
  await failATestTicket(page);
  // Which outcomes the shared log holds depends on what other journeys are doing (a pending row
  // only while a call is out), so the real first page is copied into one row per outcome: each
  // outcome's colour is scanned on every run.
  await page.route(/\/api\/audit\?/, async (route) => {
    const answer = await route.fetch();
    const body = (await answer.json()) as { events: Record<string, unknown>[] };
    const first = body.events[0]!;
    body.events = AUDIT_OUTCOMES.map((outcome, i) => ({ ...first, id: 1_000_000 + i, outcome }));
    await route.fulfill({ response: answer, json: body });
  });
  await page.goto(`${CONSOLE}audit`);
  await expect(page.getByRole("table")).toBeVisible();
  await expect(page.getByRole("cell", { name: "pending", exact: true })).toBeVisible();
  await expectAccessible(page, "audit log");
});

test("axe: QA lab, with a run and a cell open", async ({ page }) => {
  await signIn(page, CONSOLE, "Lab Accessibility");
  await page.goto(`${CONSOLE}lab`);
  await page.getByLabel("Service", { exact: true }).selectOption("1000000001");
  await page.getByRole("button", { name: "Run the lab" }).click();
  await expect(page.getByRole("heading", { name: /39 of 39 pass/ })).toBeVisible({
    timeout: 30_000,
  });
  await page.getByRole("button", { name: "complete:ACCESS_DENIED, ping: pass" }).click();
  await expect(
    page.getByRole("heading", { name: "complete:ACCESS_DENIED/PING: pass" }),
  ).toBeVisible();
  await expectAccessible(page, "QA lab, with a run and a cell open");
});

test("axe: bulk fail form with invalid lines, then the job", async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}bulk`);
  const unique = Date.now().toString(36);
  await runBulkJob(page, [`a11y-${unique}-1`, "bad one", `a11y-${unique}-2`], () =>
    expectAccessible(page, "bulk fail form with invalid lines"),
  );
  await expectAccessible(page, "bulk job");
});

test("axe: end an issued request, with a ping client's result", async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}end`);
  await page.getByLabel("Service", { exact: true }).fill("1000000001");
  await page.getByLabel("Delivery mode of the test client").selectOption("PING");
  await page.getByRole("button", { name: "Create issued test request" }).click();
  await expect(page.getByLabel("Ticket", { exact: true })).toHaveValue(/.{43}/);
  await page.getByRole("button", { name: "End request" }).click();
  await expect(page.getByRole("region", { name: "Notification to the client" })).toBeVisible();
  await expectAccessible(page, "end issued request, with a result");
});

test("axe: keyboard shortcuts dialog", async ({ page }) => {
  await signIn(page);
  await page.goto(CONSOLE);
  await expect(page.getByRole("button", { name: "Fail ticket" })).toBeVisible();
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await expectAccessible(page, "shortcuts dialog");
});

test("axe: production service selected", async ({ page }) => {
  await signIn(page, PROFILES_CONSOLE);
  await page.goto(PROFILES_CONSOLE);
  await page.getByLabel("Service", { exact: true }).fill("1000000001");
  await expect(page.getByRole("note").filter({ hasText: "Production" })).toBeVisible();
  await expectAccessible(page, "production service selected");
});

test("axe: the first frame, before the app takes it over, with a press held", async ({ page }) => {
  await signIn(page);
  // The app's scripts never come in this test: the page is the BFF's drawing alone.
  await page.route(/\/assets\/.*\.js$/, () => undefined);
  await page.goto(CONSOLE, { waitUntil: "commit" });
  await page.getByRole("button", { name: "Fail ticket" }).click();
  await expect(page.getByRole("button", { name: "Starting…" })).toBeVisible();
  await expectAccessible(page, "the first frame");
});
