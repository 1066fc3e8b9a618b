import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";

test("a fail shows up in the audit log with the right fields and in the CSV export", async ({
  failForm,
  page,
}) => {
  const ticket = await failForm.createTestTicket();
  const tail = ticket.slice(-6);
  await failForm.reason().selectOption("UNKNOWN_USER_ID");
  await failForm.openMore();
  await failForm.errorDescription().fill("No such user");
  await failForm.justification().fill("INC-2026-1129");
  await failForm.submit().click();
  await expect(failForm.authleteResponse()).toContainText("A185001");

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("button", { name: "Apply filters" })).toBeVisible();
  await page.getByLabel("Ticket", { exact: true }).fill(ticket);
  await page.getByLabel("Action").selectOption("fail");
  await page.getByRole("button", { name: "Apply filters" }).click();

  const row = page.getByRole("row").filter({ hasText: `…${tail}` });
  await expect(row).toHaveCount(1);
  for (const text of [
    "E2E Operator",
    "1000000001",
    "UNKNOWN_USER_ID",
    "succeeded",
    "A185001 · BAD_REQUEST · 200",
    "INC-2026-1129",
    "description: No such user",
  ]) {
    await expect(row).toContainText(text);
  }
  // The whole ticket is not on the page, only its tail; nor in the address, which can be shared.
  await expect(page.getByText(ticket)).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`[?&]ticket=${tail.replace(/[-.~]/g, "\\$&")}(&|$)`));
  expect(page.url()).not.toContain(ticket);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^audit-.+\.csv$/);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.trimEnd().split("\r\n");
  // The header and exactly the one record the filters select.
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('"ticketHash","ticketTail"');
  // A tail that starts like a formula (tickets may start with "-") is defused with a leading '.
  expect(lines[1]).toContain(/^[=+\-@]/.test(tail) ? `"'${tail}"` : `"${tail}"`);
  expect(lines[1]).toContain('"INC-2026-1129"');
  expect(lines[1]).toContain('"UNKNOWN_USER_ID"');
  expect(csv).not.toContain(ticket);
});

test("failing a ticket this console already failed asks again, naming who, when and why", async ({
  failForm,
  page,
}) => {
  const ticket = await failForm.createTestTicket();
  await failForm.reason().selectOption("ACCESS_DENIED");
  await failForm.submit().click();
  await expect(failForm.authleteResponse()).toContainText("FORBIDDEN");

  // The same ticket again, with another reason.
  await failForm.reason().selectOption("SERVER_ERROR");
  await failForm.submit().click();
  const dialog = page.getByRole("dialog", { name: "This ticket was already failed" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("E2E Operator");
  await expect(dialog).toContainText("ACCESS_DENIED");
  await expect(dialog).toContainText(`…${ticket.slice(-6)}`);

  // Esc cancels: nothing is sent, the form keeps what was typed.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(failForm.authleteResponse()).toContainText("FORBIDDEN");
  await expect(failForm.ticket()).toHaveValue(ticket);

  await failForm.submit().click();
  await dialog.getByRole("button", { name: "Fail again" }).click();
  await expect(dialog).toBeHidden();
  await expect(failForm.authleteResponse()).toContainText("INTERNAL_SERVER_ERROR");
});
