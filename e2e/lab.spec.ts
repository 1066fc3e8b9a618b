import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { ACCOUNTS_CONSOLE, CONSOLE, E2E_ACCOUNTS, expect, signIn, test } from "./fixtures";

/** A lab run's protocol waits (interval 1 s, expiry 2 s) and 39 cells on a busy machine. */
const RUN_TIMEOUT = 40_000;

async function download(page: Page, button: string): Promise<string> {
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: button }).click();
  return readFile(await (await downloading).path(), "utf8");
}

test("QA runs the lab, opens a cell, downloads both reports, re-runs the cell and compares", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, CONSOLE, "Lab Journey");
  await page.goto(`${CONSOLE}lab`);
  await page.getByLabel("Service", { exact: true }).selectOption("1000000001");
  await page.getByLabel("Error description").fill("QA lab run");
  await page.getByRole("button", { name: "Run the lab" }).click();
  // Progress while it runs, then every cell of poll, ping and push passes.
  await expect(
    page.getByRole("heading", { name: /Demo Service: running, \d+ of 39/ }),
  ).toBeVisible();
  await expect(page.getByRole("heading", { name: "Demo Service: 39 of 39 pass" })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  await expect(page.getByRole("status").filter({ hasText: "39 pass" })).toContainText(
    "39 pass, 0 fail, 0 not supported by this service, 0 could not be judged",
  );

  // A push client approved: the notification carries its tokens, masked to tails.
  const cell = page.getByRole("button", { name: "complete:AUTHORIZED, push: pass" });
  await cell.click();
  await expect(cell).toHaveAttribute("aria-expanded", "true");
  const details = page.getByRole("region", { name: "complete:AUTHORIZED/PUSH: pass" });
  await expect(details.getByRole("row", { name: /push: id_token sub/ })).toContainText("ok");
  const notification = details.getByLabel("The notification received");
  await expect(notification).toContainText('"token_type": "Bearer"');
  await expect(notification).toContainText(/"access_token": "…[\w-]{6}"/);
  await expect(details.getByRole("listitem").first()).toContainText(
    "AS → Authlete: POST /backchannel/authentication",
  );

  const markdown = await download(page, "Download Markdown");
  expect(markdown).toContain("# QA lab: Demo Service (1000000001)");
  expect(markdown).toContain("Summary: 39 pass, 0 fail, 0 unsupported, 0 error.");
  expect(markdown).toContain("| fail:ACCESS_DENIED | pass | pass | pass |");
  expect(markdown).toContain("## expiry/POLL: pass");
  const json = JSON.parse(await download(page, "Download JSON")) as {
    cells: { verdict: string }[];
    errorDescription: string;
  };
  expect(json.cells).toHaveLength(39);
  expect(json.errorDescription).toBe("QA lab run");

  // The one cell again: a run of its own, kept with the first and comparable with it.
  await details.getByRole("button", { name: "Re-run this cell" }).click();
  await expect(page.getByRole("heading", { name: "Demo Service: 1 of 1 pass" })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  const history = page.getByRole("region", { name: "Previous runs of service 1000000001" });
  await expect(history.getByText("complete:AUTHORIZED/PUSH again")).toBeVisible();
  await history.getByRole("button", { name: "Compare with the open run" }).first().click();
  await expect(history).toContainText("No cell that both runs have changed its verdict.");
});

test("with no runs left the report stays, the button waits and the countdown moves", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  // The accounts console allows one run an hour (LAB_RUNS_PER_HOUR=1).
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${ACCOUNTS_CONSOLE}lab`);
  await page.getByLabel("Account name").fill(E2E_ACCOUNTS.bob.name.toLowerCase());
  await page.getByLabel("Your access code").fill(E2E_ACCOUNTS.bob.code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Service", { exact: true }).selectOption("1000000001");
  await expect(page.getByText("1 of 1 runs left this hour")).toBeVisible();
  await page.getByRole("button", { name: "Run the lab" }).click();
  await expect(page.getByRole("heading", { name: /39 of 39 pass/ })).toBeVisible({
    timeout: RUN_TIMEOUT,
  });
  const budget = page.getByText("No runs left this hour");
  await expect(budget).toBeVisible();
  await expect(page.getByRole("button", { name: "Run the lab" })).toBeDisabled();
  const clock = budget.locator("strong.mono");
  const first = await clock.textContent();
  expect(first).toMatch(/^\d+:\d\d$/);
  await expect(clock).not.toHaveText(first!, { timeout: 3_000 });
  // The report is still there, and a cell cannot be re-run either.
  await expect(page.getByRole("heading", { name: /39 of 39 pass/ })).toBeVisible();
  await page.getByRole("button", { name: "fail:SERVER_ERROR, poll: pass" }).click();
  await expect(page.getByRole("button", { name: "Re-run this cell" })).toBeDisabled();
});
