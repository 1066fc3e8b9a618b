import { readFile } from "node:fs/promises";
import { CONSOLE, expect, signIn, test } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await page.goto(`${CONSOLE}matrix`);
});

test("QA proves all nine reasons in one click, and downloads the report", async ({ page }) => {
  await page.getByLabel("Service").selectOption("1000000001");
  await page.getByLabel("Error description").fill("QA matrix run");
  await page.getByRole("button", { name: "Run all nine reasons" }).click();
  await expect(page.getByRole("heading", { name: "Demo Service: 9 of 9 pass" })).toBeVisible();
  const rows = page.getByRole("row").filter({ has: page.getByRole("rowheader") });
  await expect(rows).toHaveCount(9);
  for (const row of await rows.all()) await expect(row).toContainText("pass");
  await expect(page.getByRole("row", { name: /ACCESS_DENIED/ })).toContainText(
    "FORBIDDEN · access_denied · 403",
  );

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download Markdown" }).click();
  const markdown = await readFile(await (await downloading).path(), "utf8");
  expect(markdown).toContain("# Reason matrix: Demo Service (1000000001)");
  expect(markdown).toContain("Summary: 9 pass, 0 fail, 0 unsupported, 0 error.");
  expect(markdown.match(/\| pass \|/g)).toHaveLength(9);
});

test("an older Authlete's unknown reasons show as unsupported, not as wrong answers", async ({
  page,
}) => {
  await page.getByLabel("Service").selectOption("1000000003");
  await page.getByRole("button", { name: "Run all nine reasons" }).click();
  await expect(
    page.getByRole("heading", {
      name: "Simulated older Authlete (no INVALID_BINDING_MESSAGE, INVALID_TARGET): 7 of 9 pass",
    }),
  ).toBeVisible();
  await expect(page.getByRole("row", { name: /INVALID_TARGET/ })).toContainText("unsupported");
  await expect(page.getByRole("row", { name: /INVALID_TARGET/ })).toContainText(
    "Authlete refused the reason itself",
  );
  await expect(page.getByRole("status").filter({ hasText: "not supported" })).toContainText(
    "7 pass, 0 fail, 2 not supported",
  );
});
