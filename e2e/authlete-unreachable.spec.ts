import { UNREACHABLE_CONSOLE, UNREACHABLE_CONSOLE_TOKEN, expect, signIn, test } from "./fixtures";

test("Authlete unreachable shows the alert and keeps the form", async ({ failForm, page }) => {
  const bodies: string[] = [];
  page.on("response", (response) => {
    void response.text().then(
      (text) => bodies.push(text),
      () => undefined,
    );
  });
  await signIn(page, UNREACHABLE_CONSOLE);
  await page.goto(UNREACHABLE_CONSOLE);
  await expect(
    page
      .getByRole("note")
      .filter({ hasText: "Authlete at http://127.0.0.1:9: fail and end calls take effect" }),
  ).toBeVisible();

  await failForm.serviceId().fill("1000000001");
  await failForm.ticket().fill("stuck-ticket-from-the-logs");
  await failForm.reason().selectOption("SERVER_ERROR");
  await failForm.openMore();
  await failForm.errorDescription().fill("Backend crashed");
  await failForm.submit().click();

  const alert = failForm.alert();
  await expect(alert).toContainText("Authlete could not be reached");
  await expect(alert).toContainText("http://127.0.0.1:9");
  await expect(alert).toContainText("Request ID");
  await expect(failForm.ticket()).toHaveValue("stuck-ticket-from-the-logs");
  await expect(failForm.reason()).toHaveValue("SERVER_ERROR");
  await expect(failForm.errorDescription()).toHaveValue("Backend crashed");
  await expect(failForm.submit()).toBeEnabled();
  // Without a test client configured on a real cluster, the page offers no test tickets.
  await expect(page.getByRole("button", { name: "Create test ticket" })).toHaveCount(0);

  expect(await page.content()).not.toContain(UNREACHABLE_CONSOLE_TOKEN);
  expect(bodies.join("\n")).not.toContain(UNREACHABLE_CONSOLE_TOKEN);
});
