import type { Browser, Page } from "@playwright/test";
import { PROBLEM_CONTENT_TYPE, problemType } from "../src/shared/problem";
import { ACCOUNTS_CONSOLE, E2E_ACCOUNTS, expect, test } from "./fixtures";

/**
 * Local accounts (CONSOLE_USERS): three people, each in their own browser. Ada starts a bulk
 * job; Bob, another operator, sees it without its controls; Sam, a supervisor, pauses it; the
 * audit log says who did what.
 */
async function signedInAs(browser: Browser, who: keyof typeof E2E_ACCOUNTS): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(ACCOUNTS_CONSOLE);
  await page.getByLabel("Account name").fill(E2E_ACCOUNTS[who].name.toLowerCase());
  await page.getByLabel("Your access code").fill(E2E_ACCOUNTS[who].code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(`Signed in as ${E2E_ACCOUNTS[who].name}`)).toBeVisible();
  return page;
}

test("each person signs in with their own account; only the owner or a supervisor controls a job", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const ada = await signedInAs(browser, "ada");
  // A verified name: no "name not verified" beside it.
  await expect(ada.getByText("name not verified")).toHaveCount(0);
  await ada.goto(`${ACCOUNTS_CONSOLE}bulk`);
  await ada.getByLabel("Service", { exact: true }).fill("1000000001");
  const tickets = Array.from({ length: 400 }, (_, i) => `accounts-${Date.now()}-${i}`);
  await ada.getByLabel("Tickets", { exact: true }).fill(tickets.join("\n"));
  await expect(ada.getByText(/You can send .* more tickets this hour/)).toBeVisible();
  await ada.getByLabel("Reason", { exact: true }).selectOption("ACCESS_DENIED");
  await ada.getByRole("button", { name: "Fail 400 tickets…" }).click();
  await ada.getByRole("dialog").getByRole("button", { name: "Start" }).click();
  await expect(ada.getByRole("button", { name: "Pause" })).toBeVisible();
  const jobUrl = ada.url();

  const bob = await signedInAs(browser, "bob");
  await bob.goto(jobUrl);
  await expect(bob.getByText("Ada Lovelace's job: only they or a supervisor")).toBeVisible();
  await expect(bob.getByRole("button", { name: "Pause" })).toHaveCount(0);
  await expect(bob.getByRole("button", { name: "Cancel job" })).toHaveCount(0);

  const sam = await signedInAs(browser, "sam");
  await sam.goto(jobUrl);
  await sam.getByRole("button", { name: "Pause" }).click();
  await expect(sam.getByRole("button", { name: "Resume" })).toBeVisible();
  await sam.getByRole("button", { name: "Cancel job" }).click();
  // Asked first: a cancel cannot be undone.
  const asked = sam.getByRole("dialog", { name: "Cancel this job?" });
  await expect(asked).toContainText("will not be sent");
  await asked.getByRole("button", { name: "Cancel job" }).click();
  await expect(sam.getByText(/^cancelled/)).toBeVisible();

  await sam.goto(`${ACCOUNTS_CONSOLE}audit`);
  await sam.getByLabel("Action").selectOption("job-control");
  await sam.getByRole("button", { name: "Apply filters" }).click();
  const controls = sam.getByRole("row").filter({ hasText: "job-control" });
  await expect(controls.filter({ hasText: "Sam Supervisor" })).toHaveCount(2);
  await expect(controls.first()).toContainText("cancel");

  // The audit stream's sink is down here: a supervisor sees it, with what is waiting for it.
  const stream = sam.getByRole("region", { name: "Audit stream" });
  await expect(stream).toContainText("Syslog tcp://127.0.0.1:9");
  await expect(stream).toContainText(/retrying since .+ records? behind/);
  await expect(stream).toContainText("Last error:");
  await ada.goto(`${ACCOUNTS_CONSOLE}audit`);
  await expect(ada.getByRole("heading", { name: "Records" })).toBeVisible();
  await expect(ada.getByRole("region", { name: "Audit stream" })).toHaveCount(0);
});

test("a sign-in told that another one for the account is being checked comes back by itself", async ({
  browser,
}) => {
  // Two journeys (or two tabs) signing one account in at once: the BFF checks one and asks the
  // other to come back in a second. Which one is a race, so this journey answers the page's
  // first attempt with that refusal, as the BFF words it, and lets the next one through.
  const page = await (await browser.newContext()).newPage();
  const sent: number[] = [];
  await page.route("**/api/session", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    sent.push(Date.now());
    if (sent.length > 1) return route.fallback();
    await route.fulfill({
      status: 429,
      headers: { "content-type": PROBLEM_CONTENT_TYPE, "retry-after": "1" },
      body: JSON.stringify({
        type: problemType("rate-limited"),
        title: "Too many sign-in attempts",
        status: 429,
        detail: "Another sign-in from your address or for this account is being checked.",
        retryAfterSeconds: 1,
      }),
    });
  });
  await page.goto(ACCOUNTS_CONSOLE);
  await page.getByLabel("Account name").fill(E2E_ACCOUNTS.ada.name.toLowerCase());
  await page.getByLabel("Your access code").fill(E2E_ACCOUNTS.ada.code);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Meanwhile the button says it is still at it, and nothing asks the person to wait.
  await expect(page.getByRole("button", { name: "Signing in…" })).toBeVisible();
  await expect(page.getByText(`Signed in as ${E2E_ACCOUNTS.ada.name}`)).toBeVisible();
  await expect(page.getByText("Too many sign-in attempts")).toHaveCount(0);
  expect(sent).toHaveLength(2);
  expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(900);
});
