import { expect, test } from "./fixtures";

test("invalid input shows errors on the fields and sends nothing", async ({ failForm, page }) => {
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/backchannel/authentication/fail")) sent.push(request.url());
  });

  await failForm.serviceId().fill("12ab");
  await failForm.ticket().fill("not a ticket!");
  await failForm.openMore();
  await failForm.errorDescription().fill('He said "no"');
  await failForm.errorUri().fill("/relative/path");
  await failForm.submit().click();

  await expect(failForm.serviceId()).toHaveAttribute("aria-invalid", "true");
  await expect(failForm.serviceId()).toHaveAccessibleDescription(/A service ID is 1 to 19 digits/);
  await expect(failForm.ticket()).toHaveAccessibleDescription(/A ticket uses only/);
  await expect(failForm.reason()).toHaveAccessibleDescription(/Choose a reason/);
  await expect(failForm.errorDescription()).toHaveAccessibleDescription(/printable ASCII/);
  await expect(failForm.errorUri()).toHaveAccessibleDescription(
    /absolute https:\/\/ or http:\/\/ URI/,
  );
  // Nothing typed is lost.
  await expect(failForm.ticket()).toHaveValue("not a ticket!");
  await expect(failForm.errorUri()).toHaveValue("/relative/path");
  expect(sent).toEqual([]);
});

test("an error shows on blur and clears once the field is fixed", async ({ failForm, page }) => {
  const error = page.getByText(/A ticket uses only/);
  await failForm.ticket().fill("bad ticket");
  await failForm.ticket().blur();
  await expect(failForm.ticket()).toHaveAttribute("aria-invalid", "true");
  await expect(error).toBeVisible();
  await expect(failForm.ticket()).toHaveAccessibleDescription(/A ticket uses only/);
  await failForm.ticket().fill("good-ticket");
  await expect(failForm.ticket()).toHaveAttribute("aria-invalid", "false");
  await expect(error).toHaveCount(0);
  await expect(failForm.ticket()).not.toHaveAccessibleDescription(/A ticket uses only/);
});

test("a pasted ticket loses the whitespace around it", async ({ failForm, page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.evaluate(() => navigator.clipboard.writeText("  \tabc-DEF_123\n"));
  await failForm.ticket().focus();
  await page.keyboard.press("ControlOrMeta+V");
  await expect(failForm.ticket()).toHaveValue("abc-DEF_123");
});
