import { OIDC_CONSOLE, expect, signInWithProvider, test } from "./fixtures";

test("an operator signs in with the organisation's provider and can fail tickets", async ({
  page,
}) => {
  await signInWithProvider(page, "olivia");
  await expect(page).toHaveURL(OIDC_CONSOLE);
  await expect(page.getByRole("banner")).toContainText("Olivia Operator");
  await expect(page.getByRole("button", { name: "Fail ticket" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit log" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in with your organisation" })).toBeVisible();
});

test("a viewer sees only the audit log and cannot fail a ticket", async ({ page }) => {
  await signInWithProvider(page, "victor");
  await expect(page).toHaveURL(`${OIDC_CONSOLE}audit`);
  await expect(page.getByRole("banner")).toContainText("Victor Viewer");
  await expect(page.getByRole("banner").getByText("viewer", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Fail a ticket" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Fail ticket" })).toHaveCount(0);

  // Typing the address does not help: the page sends a viewer back to the audit log…
  await page.goto(OIDC_CONSOLE);
  await expect(page).toHaveURL(`${OIDC_CONSOLE}audit`);
  // …and the API refuses, with the viewer's own session cookie.
  const answer = await page.request.post(`${OIDC_CONSOLE}api/backchannel/authentication/fail`, {
    data: {
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: "any-ticket", reason: "ACCESS_DENIED" },
    },
  });
  expect(answer.status()).toBe(403);
  await page.reload();
  await expect(page.getByRole("cell", { name: "forbidden" }).first()).toBeVisible();
});

test("someone with no allowed email or group is told so and not signed in", async ({ page }) => {
  await signInWithProvider(page, "mallory");
  await expect(page.getByRole("alert")).toContainText("not allowed to use this console");
  await expect(page.getByRole("link", { name: "Sign in with your organisation" })).toBeVisible();
  const session = await page.request.get(`${OIDC_CONSOLE}api/session`);
  expect(session.status()).toBe(401);
});
