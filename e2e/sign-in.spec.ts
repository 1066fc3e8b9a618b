import { CONSOLE, E2E_ACCESS_CODE, expect, test } from "./fixtures";

test("an operator signs in with the printed link and signs out", async ({ page }) => {
  await page.goto(`/login?code=${E2E_ACCESS_CODE}`);
  await expect(page.getByLabel("Access code")).toHaveValue(E2E_ACCESS_CODE);
  // The code does not stay in the address bar (or in the history).
  await expect(page).toHaveURL(CONSOLE);
  await page.getByLabel("Your name").fill("Grace Hopper");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByText("Signed in as Grace Hopper")).toBeVisible();
  await expect(page.getByRole("button", { name: "Fail ticket" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a wrong access code is refused and nothing else is shown", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Your name").fill("Mallory");
  await page.getByLabel("Access code").fill("not-the-code");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Wrong access code");
  await expect(page.getByRole("button", { name: "Fail ticket" })).toHaveCount(0);
  await expect(page.getByLabel("Your name")).toHaveValue("Mallory");
});

test("the API refuses a request without a session", async ({ request }) => {
  const answer = await request.post("/api/backchannel/authentication/fail", {
    data: {
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: "t", reason: "SERVER_ERROR" },
    },
  });
  expect(answer.status()).toBe(401);
  expect(answer.headers()["content-type"]).toBe("application/problem+json");
});
