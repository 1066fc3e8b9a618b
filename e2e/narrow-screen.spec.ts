import type { Page } from "@playwright/test";
import {
  CONSOLE,
  OIDC_CONSOLE,
  expect,
  failATestTicket,
  runBulkJob,
  signIn,
  signInWithProvider,
  test,
} from "./fixtures";

/**
 * Every signed-in page at 360 px, the narrowest phone the console promises, in light and dark:
 * the document is never wider than the screen (the header wraps, tables scroll in their box).
 */
test.use({ viewport: { width: 360, height: 740 } });
test.describe.configure({ timeout: 60_000 });

async function expectNoHorizontalScroll(page: Page, what: string) {
  const widths = await page.evaluate(() => ({
    document: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(
    widths.document,
    `${what}: document ${widths.document} px on a ${widths.viewport} px screen`,
  ).toBeLessThanOrEqual(widths.viewport);
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme}`, () => {
    test.use({ colorScheme });

    test(`an operator's pages fit 360 px (${colorScheme})`, async ({ page }) => {
      await signIn(page, CONSOLE, "Operator With A Rather Long Name");
      await page.goto(CONSOLE);
      await failATestTicket(page);
      await expectNoHorizontalScroll(page, "fail a ticket, with a result");

      await page.goto(`${CONSOLE}end`);
      await page.getByLabel("Service", { exact: true }).fill("1000000001");
      await page.getByLabel("Delivery mode of the test client").selectOption("PUSH");
      await page.getByRole("button", { name: "Create issued test request" }).click();
      await expect(page.getByLabel("Ticket", { exact: true })).toHaveValue(/.{43}/);
      await page.getByRole("button", { name: "End request" }).click();
      await expect(page.getByRole("region", { name: "Notification to the client" })).toBeVisible();
      await expectNoHorizontalScroll(page, "end issued request, with a result");

      await page.goto(`${CONSOLE}audit`);
      await expect(page.getByRole("table")).toBeVisible();
      await expectNoHorizontalScroll(page, "audit log");

      await page.goto(`${CONSOLE}lab`);
      await page.getByLabel("Service", { exact: true }).selectOption("1000000001");
      await page.getByRole("button", { name: "Run the lab" }).click();
      await expect(page.getByRole("heading", { name: /39 of 39 pass/ })).toBeVisible({
        timeout: 30_000,
      });
      await page.getByRole("button", { name: "complete:AUTHORIZED, push: pass" }).click();
      await expectNoHorizontalScroll(page, "QA lab, with a run and a cell open");

      await page.goto(`${CONSOLE}bulk`);
      // Tickets of their own: a ticket failed before would be asked about (already-acted).
      const unique = `${colorScheme}-${Date.now().toString(36)}`;
      await runBulkJob(page, [`narrow-${unique}-1`, "not a ticket", `narrow-${unique}-2`], () =>
        expectNoHorizontalScroll(page, "bulk fail form"),
      );
      await expectNoHorizontalScroll(page, "bulk job");
    });

    test(`a viewer's page fits 360 px (${colorScheme})`, async ({ page }) => {
      await signInWithProvider(page, "victor");
      await expect(page).toHaveURL(`${OIDC_CONSOLE}audit`);
      await expect(page.getByRole("table")).toBeVisible();
      await expectNoHorizontalScroll(page, "audit log (viewer)");
    });
  });
}
