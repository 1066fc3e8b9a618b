import { FailForm, PROFILES_CONSOLE, expect, signIn, test } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await signIn(page, PROFILES_CONSOLE);
  await page.goto(PROFILES_CONSOLE);
});

test("a production service turns the page red and failing needs the ticket's tail and a reason", async ({
  page,
}) => {
  const form = new FailForm(page);
  const ticket = `prod-e2e-${Date.now().toString(36)}-Zx9Q2k`;
  await form.serviceId().fill("1000000001");
  await expect(
    page.getByRole("note").filter({ hasText: "Production: Payments (production)" }),
  ).toBeVisible();
  await form.ticket().fill(ticket);
  await form.reason().selectOption("UNKNOWN_USER_ID");
  await form.submit().click();

  const dialog = page.getByRole("dialog", { name: "Production: Payments (production)" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("http://127.0.0.1:8796");
  // A wrong tail and no justification: refused in place, nothing sent.
  await dialog.getByLabel("Type the last 6 characters of the ticket").fill("Zx9Q2K");
  await dialog.getByRole("button", { name: "Fail in production" }).click();
  await expect(dialog.getByText("Type the last 6 characters of the ticket exactly.")).toBeVisible();
  await expect(dialog.getByText("Say why: production fails need a reason.")).toBeVisible();
  await expect(form.authleteResponse()).toHaveCount(0);

  await dialog.getByLabel("Type the last 6 characters of the ticket").fill("Zx9Q2k");
  await dialog.getByLabel("Justification").fill("INC-9001 AS crashed");
  await dialog.getByRole("button", { name: "Fail in production" }).click();
  await expect(dialog).toBeHidden();
  await expect(form.authleteResponse()).toContainText("A185001");

  await page.getByRole("link", { name: "Audit log" }).click();
  // Two records: the first send, answered with the question (invalid: nothing sent), then the
  // confirmed fail.
  const rows = page.getByRole("row").filter({ hasText: "…Zx9Q2k" });
  await expect(rows).toHaveCount(2);
  const row = rows.filter({ hasText: "succeeded" });
  await expect(row).toContainText("INC-9001 AS crashed");
  await expect(rows.filter({ hasText: "invalid" })).toHaveCount(1);
});

test("Esc backs out of the production dialog and keeps the form", async ({ page }) => {
  const form = new FailForm(page);
  await form.serviceId().fill("1000000001");
  await form.ticket().fill("prod-ticket-esc-001");
  await form.reason().selectOption("ACCESS_DENIED");
  await form.submit().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(form.ticket()).toHaveValue("prod-ticket-esc-001");
  await expect(form.authleteResponse()).toHaveCount(0);
});

test("a staging service fails without the dialog, with its badge and cluster shown", async ({
  page,
}) => {
  const form = new FailForm(page);
  await form.createTestTicket("1000000002");
  await expect(page.getByText("Service: Payments (staging)")).toContainText("staging");
  await expect(page.getByRole("note").filter({ hasText: "Production" })).toHaveCount(0);
  await form.reason().selectOption("ACCESS_DENIED");
  await form.submit().click();
  await expect(form.authleteResponse()).toContainText("FORBIDDEN");
});

test("when the services list cannot be loaded, the server's answer still asks for the confirmation", async ({
  page,
}) => {
  // The page cannot tell production from test: /api/services fails.
  await page.route("**/api/services", (route) =>
    route.fulfill({ status: 503, contentType: "application/problem+json", body: "{}" }),
  );
  // Opened from a link naming the service: the app draws that page itself (no first frame,
  // whose services the BFF lists), so the page's own list is all it has.
  await page.goto(`${PROFILES_CONSOLE}?serviceId=1000000001`);
  const form = new FailForm(page);
  const ticket = `prod-nolist-${Date.now().toString(36)}-Qw3rTy`;
  await expect(form.serviceId()).toHaveValue("1000000001");
  await form.ticket().fill(ticket);
  await form.reason().selectOption("ACCESS_DENIED");
  await form.submit().click();

  // The server refused (confirmation-required): the dialog asks instead of an error.
  const dialog = page.getByRole("dialog", { name: "Production: Service 1000000001" });
  await expect(dialog).toBeVisible();
  await expect(form.alert()).toHaveCount(0);
  await dialog.getByLabel("Type the last 6 characters of the ticket").fill("Qw3rTy");
  await dialog.getByLabel("Justification").fill("INC-9002 list down");
  await dialog.getByRole("button", { name: "Fail in production" }).click();
  await expect(dialog).toBeHidden();
  await expect(form.authleteResponse()).toContainText("A185001");
});
