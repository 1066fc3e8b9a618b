import { SERVICE_ID, expect, test } from "./fixtures";

test("an operator fails a test ticket with the keyboard alone", async ({ failForm, page }) => {
  // The header first: the pages, then Sign out.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Fail a ticket" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(
    page.getByRole("navigation").getByRole("link", { name: "End issued request" }),
  ).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Bulk fail" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "QA lab" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Audit log" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeFocused();
  // The sentence on which action fits links to the other form.
  await page.keyboard.press("Tab");
  await expect(
    page.getByRole("main").getByRole("link", { name: "End issued request" }),
  ).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(failForm.serviceId()).toBeFocused();
  await page.keyboard.type(SERVICE_ID);

  await page.keyboard.press("Tab");
  await expect(failForm.ticket()).toBeFocused();
  await page.keyboard.press("Tab");
  const create = page.getByRole("button", { name: "Create test ticket" });
  await expect(create).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(failForm.ticket()).toHaveValue(/^[A-Za-z0-9_-]{43}$/);

  await page.keyboard.press("Tab");
  await expect(failForm.reason()).toBeFocused();
  await page.keyboard.type("UNKNOWN");
  await expect(failForm.reason()).toHaveValue("UNKNOWN_USER_ID");

  // Ctrl+Enter submits from any field.
  // Then "More" (error description and URI, folded), which Enter unfolds.
  await page.keyboard.press("Tab");
  await expect(page.getByText("More: error description and URI")).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(failForm.errorDescription()).toBeFocused();
  await page.keyboard.press("Control+Enter");
  await expect(failForm.authleteResponse()).toContainText("BAD_REQUEST");
  await expect(failForm.clientResponse()).toContainText("HTTP/1.1 400");
});
