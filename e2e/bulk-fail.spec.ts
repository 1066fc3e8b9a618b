import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { APIRequestContext } from "@playwright/test";
import { PROFILES_CONSOLE, expect, signIn, test } from "./fixtures";

const STAGING = "1000000002";

/** Fresh tickets made through the console, 20 at a time. */
async function freshTickets(request: APIRequestContext, n: number): Promise<string[]> {
  const tickets: string[] = [];
  while (tickets.length < n) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - tickets.length) }, async () => {
        const answer = await request.post(`${PROFILES_CONSOLE}api/test-tickets`, {
          data: { serviceId: STAGING },
        });
        expect(answer.status()).toBe(201);
        return ((await answer.json()) as { ticket: string }).ticket;
      }),
    );
    tickets.push(...batch);
  }
  return tickets;
}

test("200 pasted tickets with bad lines: invalid ones listed, the rest failed live, paused across a reload, results exported", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, PROFILES_CONSOLE);
  const tickets = await freshTickets(page.request, 200);
  const pasted = [
    ...tickets.slice(0, 100),
    "not a ticket!",
    `${tickets[0]}`, // a duplicate
    `${tickets[100]},ACCESS_DENIED`,
    `${tickets[101]},NO_SUCH_REASON`,
    ...tickets.slice(102),
    `${tickets[101]},SERVER_ERROR`,
  ].join("\n");

  await page.goto(`${PROFILES_CONSOLE}bulk`);
  await page.getByLabel("Service", { exact: true }).fill(STAGING);
  await page.getByLabel("Tickets", { exact: true }).fill(pasted);
  const preview = page.locator("#bulk-preview");
  await expect(preview).toContainText(
    "200 tickets ready, 1 duplicate removed, 2 invalid lines (not sent).",
  );
  await expect(preview).toContainText("Line 101: not a ticket! — A ticket uses only");
  await expect(preview).toContainText('"NO_SUCH_REASON" is not a reason of the fail API.');
  await expect(preview).toContainText("Same ticket as line 1.");

  await page.getByLabel("Reason", { exact: true }).selectOption("UNKNOWN_USER_ID");
  await page.getByLabel("Justification").fill("INC-200 AS crash");
  await page.getByRole("button", { name: "Fail 200 tickets…" }).click();
  const dialog = page.getByRole("dialog", { name: "Fail 200 tickets?" });
  await expect(dialog).toContainText("Payments (staging)");
  await dialog.getByRole("button", { name: "Start" }).click();

  await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
  const jobUrl = page.url();
  const progress = page.getByRole("progressbar", { name: "Progress" });
  await expect(progress).toBeVisible();
  // Pause once some are done, then reload: the page reattaches to the job the server holds.
  await expect(page.getByRole("status").filter({ hasText: "done" })).not.toContainText(/^0 done/);
  await page.getByRole("button", { name: "Pause" }).click();
  await expect(
    page.getByRole("heading", { name: /Bulk job for Payments \(staging\)/ }),
  ).toContainText("paused");
  await page.reload();
  await expect(page).toHaveURL(jobUrl);
  await expect(page.getByRole("heading", { name: /Bulk job/ })).toContainText("paused");
  const pausedAt = Number(await progress.getAttribute("aria-valuenow"));
  expect(pausedAt).toBeGreaterThan(0);
  expect(pausedAt).toBeLessThan(200);

  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("heading", { name: /Bulk job/ })).toContainText("finished", {
    timeout: 30_000,
  });
  const figures = page.getByRole("status").filter({ hasText: "done" });
  await expect(figures).toContainText("200 done");
  await expect(figures).toContainText("0 errors");
  await expect(figures).toContainText("0 not sent");
  await expect(figures).toContainText("0 remaining");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export results as CSV" }).click();
  const csv = await readFile(await (await downloading).path(), "utf8");
  const rows = csv.trimEnd().split("\r\n");
  expect(rows).toHaveLength(201);
  expect(rows.slice(1).every((row) => row.includes('"succeeded"'))).toBe(true);
  for (const ticket of tickets.slice(0, 5)) expect(csv).not.toContain(ticket);
  // The line that named its own reason kept it.
  const own = rows.find((row) =>
    row.includes(createHash("sha256").update(tickets[100]!).digest("hex")),
  );
  expect(own).toContain('"ACCESS_DENIED"');

  // One audit record per ticket, with the job's id (beside the job's start and its pause and
  // resume, records of their own kinds).
  const jobId = jobUrl.split("/").at(-1)!;
  const audit = await page.request.get(
    `${PROFILES_CONSOLE}api/audit?jobId=${jobId}&kind=fail&limit=200`,
  );
  const records = ((await audit.json()) as { events: { outcome: string; justification: string }[] })
    .events;
  expect(records).toHaveLength(200);
  expect(
    records.every((r) => r.outcome === "succeeded" && r.justification === "INC-200 AS crash"),
  ).toBe(true);
});

test("a production bulk job asks for the count typed and a justification", async ({ page }) => {
  await signIn(page, PROFILES_CONSOLE);
  await page.goto(`${PROFILES_CONSOLE}bulk`);
  await page.getByLabel("Service", { exact: true }).fill("1000000001");
  await expect(
    page.getByRole("note").filter({ hasText: "Production: Payments (production)" }),
  ).toBeVisible();
  await page.getByLabel("Tickets", { exact: true }).fill("prod-bulk-1\nprod-bulk-2\nprod-bulk-3");
  await page.getByLabel("Reason", { exact: true }).selectOption("SERVER_ERROR");
  await page.getByRole("button", { name: "Fail 3 tickets…" }).click();
  // The page's own summary first; the server then asks for production's confirmation in the
  // same dialog (decision 014).
  await page
    .getByRole("dialog", { name: "Fail 3 tickets?" })
    .getByRole("button", { name: "Start" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Production: Payments (production)" });
  await dialog.getByLabel("Type the number of tickets").fill("4");
  await dialog.getByLabel("Justification").fill("INC-3");
  await dialog.getByRole("button", { name: "Fail in production" }).click();
  await expect(dialog.getByText("Type the number of tickets exactly.")).toBeVisible();
  await dialog.getByLabel("Type the number of tickets").fill("3");
  await dialog.getByRole("button", { name: "Fail in production" }).click();
  await expect(
    page.getByRole("heading", { name: /Bulk job for Payments \(production\)/ }),
  ).toContainText("finished", { timeout: 15_000 });
});
