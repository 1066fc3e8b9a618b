/**
 * Issue 20, item 3: an idle timeout never throws a prepared form away. The page warns before,
 * says why the session ended and that nothing was sent, signs in again over the page, and puts
 * the person back on the form's button with everything they typed.
 */
import { E2E_ACCESS_CODE, FailForm, IDLE_CONSOLE, expect, signIn, test } from "./fixtures";

test("after the idle timeout the form is kept: warned, told why, signed in again over it, nothing sent", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await signIn(page, IDLE_CONSOLE);
  await page.goto(IDLE_CONSOLE);
  const form = new FailForm(page);
  await expect(form.serviceId()).toHaveValue("1000000001");
  await form.ticket().fill("prepared-ticket-abc123");
  await form.reason().selectOption("UNKNOWN_USER_ID");
  await form.justification().fill("INC-77 user deleted");

  // The last quarter of 15 s: a warning that counts down.
  await expect(page.getByRole("alert").filter({ hasText: "Your session ends in" })).toBeVisible({
    timeout: 20_000,
  });
  // Then the session ends: the page says why, and that nothing was sent.
  const dialog = page.getByRole("dialog", { name: "Sign in again" });
  await expect(dialog).toBeVisible({ timeout: 20_000 });
  await expect(dialog).toContainText("ended after a time without activity");
  await expect(dialog).toContainText("Nothing was sent");

  await dialog.getByLabel("Your name").fill("E2E Operator");
  await dialog.getByLabel("Access code").fill(E2E_ACCESS_CODE);
  await dialog.getByRole("button", { name: "Sign in" }).click();
  await expect(dialog).toBeHidden();

  // Everything typed is there, and the focus is on the button that sends it.
  await expect(form.ticket()).toHaveValue("prepared-ticket-abc123");
  await expect(form.reason()).toHaveValue("UNKNOWN_USER_ID");
  await expect(form.justification()).toHaveValue("INC-77 user deleted");
  await expect(form.submit()).toBeFocused();

  // Nothing was sent while signed out: the audit log has no fail of this ticket yet.
  const before = await page.request.get(`${IDLE_CONSOLE}api/audit?ticket=abc123&kind=fail`);
  expect(((await before.json()) as { events: unknown[] }).events).toHaveLength(0);
  await page.keyboard.press("Enter");
  await expect(form.outcome()).toContainText("UNKNOWN_USER_ID");
});
