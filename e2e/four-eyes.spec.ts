import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { APPROVALS_CONSOLE, E2E_ACCOUNTS, expect, test, testTicketMade } from "./fixtures";

/** Issue 21: two people, each in their own browser: one asks, a supervisor approves. */

async function signedIn(browser: Browser, person: { name: string; code: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(APPROVALS_CONSOLE);
  await page.getByLabel("Account name").fill(person.name.toLowerCase());
  await page.getByLabel("Your access code").fill(person.code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return page;
}

/** On the fail form: a fresh test ticket of the four-eyes service, sent with `reason`. */
async function askToFail(page: Page, reason: string): Promise<string> {
  await page.getByLabel("Service", { exact: true }).fill("1000000002");
  // Said before anything is sent.
  await expect(page.getByRole("note").filter({ hasText: "Needs a second person" })).toBeVisible();
  await page.getByRole("button", { name: "Create test ticket" }).click();
  await testTicketMade(page, "Test ticket created");
  const ticket = await page.getByLabel("Ticket", { exact: true }).inputValue();
  await page.getByLabel("Reason").selectOption(reason);
  await page.getByRole("button", { name: "Fail ticket" }).click();
  return ticket;
}

test("an operator's fail waits for a supervisor, who sees what will be sent and approves; the operator sees it sent, the records name both", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const bob = await signedIn(browser, E2E_ACCOUNTS.bob);
  const ticket = await askToFail(bob, "ACCESS_DENIED");
  const tail = ticket.slice(-6);
  const waiting = bob.getByRole("region", { name: /^Waiting for approval: fail ticket/ });
  await expect(waiting).toContainText("Nothing was sent");
  await expect(waiting.getByRole("heading")).toBeFocused();
  // Bob is an operator: no Approvals page for him.
  await expect(bob.getByRole("link", { name: /Approvals/ })).toHaveCount(0);

  const sam = await signedIn(browser, E2E_ACCOUNTS.sam);
  await expect(sam.getByRole("link", { name: /Approvals \d+ waiting/ })).toBeVisible();
  await sam.getByRole("link", { name: /Approvals/ }).click();
  const card = sam.getByRole("region", { name: `Fail ticket …${tail} with ACCESS_DENIED` });
  await expect(card).toContainText("Bob Builder");
  await expect(card).toContainText('HTTP 403 Forbidden with "error": "access_denied"');
  await expect(card.getByLabel(/What will be sent/)).toContainText(`"ticket": "…${tail}"`);
  await expect(card.getByLabel(/What will be sent/)).not.toContainText(ticket);
  // Both pages pass axe in both schemes: the waiting outcome and the card to decide.
  for (const [who, page] of [
    ["Bob", bob],
    ["Sam", sam],
  ] as const) {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const scan = await new AxeBuilder({ page }).analyze();
      const serious = scan.violations.filter(
        (v) => v.impact === "serious" || v.impact === "critical",
      );
      expect(serious.map((v) => `${v.id} (${who}, ${scheme})`)).toEqual([]);
    }
  }
  // On a phone the card fits: nothing scrolls sideways.
  await sam.setViewportSize({ width: 360, height: 740 });
  await expect
    .poll(() => sam.evaluate(() => document.documentElement.scrollWidth))
    .toBeLessThanOrEqual(360);
  await sam.setViewportSize({ width: 1280, height: 720 });
  await card.getByRole("button", { name: "Approve and send" }).click();
  await expect(card).toHaveCount(0);
  await expect(sam.getByRole("table", { name: /Decided/ })).toContainText("Sam Supervisor");

  // Bob's page follows by itself.
  const sent = bob.getByRole("region", { name: /^Approved by Sam Supervisor and sent/ });
  await expect(sent).toBeVisible({ timeout: 10_000 });
  await expect(sent.getByRole("region", { name: "Authlete response" })).toContainText("FORBIDDEN");

  // The records: the request, the approval and the fail, which names both people.
  await sam
    .getByRole("navigation", { name: "Pages" })
    .getByRole("link", { name: "Audit log" })
    .click();
  await sam.getByLabel("Ticket", { exact: true }).fill(tail);
  await sam.getByRole("button", { name: "Apply filters" }).click();
  const rows = sam.getByRole("row");
  await expect(rows.filter({ hasText: "requested, waiting for a supervisor" })).toHaveCount(1);
  await expect(rows.filter({ hasText: /approved: Fail ticket/ })).toHaveCount(1);
  await expect(
    rows.filter({ hasText: "fail" }).filter({ hasText: "Bob Builder" }).first(),
  ).toBeVisible();
  // The fail itself: asked by Bob, approved by Sam, on one row.
  await expect(rows.filter({ hasText: "approved by Sam Supervisor" })).toContainText("Bob Builder");
});

test("a supervisor rejects with a reason: nothing is sent, the operator is told why", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const ada = await signedIn(browser, E2E_ACCOUNTS.ada);
  const tail = (await askToFail(ada, "UNKNOWN_USER_ID")).slice(-6);
  await expect(ada.getByRole("region", { name: /^Waiting for approval/ })).toBeVisible();

  const sam = await signedIn(browser, E2E_ACCOUNTS.sam);
  await sam.goto(`${APPROVALS_CONSOLE}approvals`);
  const card = sam.getByRole("region", { name: new RegExp(`Fail ticket …${tail}`) });
  await expect(card.getByRole("button", { name: "Reject" })).toBeDisabled();
  await card.getByLabel("Reason to reject").fill("that user was found after all");
  await card.getByRole("button", { name: "Reject" }).click();
  await expect(
    ada.getByRole("region", {
      name: /^Rejected by Sam Supervisor \(that user was found after all\)/,
    }),
  ).toBeVisible({ timeout: 10_000 });
});
