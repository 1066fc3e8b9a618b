import { FAIL_REASONS, REASONS } from "../src/shared/reasons";
import { CONSOLE, expect, signIn, test } from "./fixtures";

test("the page says it is talking to the simulator", async ({ page, failForm: _ }) => {
  await expect(page.getByRole("note").filter({ hasText: "Simulator mode" })).toBeVisible();
});

for (const reason of FAIL_REASONS) {
  test(`creates a test ticket and fails it with ${reason}`, async ({ failForm }) => {
    const expected = REASONS[reason];
    await failForm.createTestTicket();
    await failForm.reason().selectOption(reason);
    // What the client will get is shown before anything is sent.
    await expect(failForm.page.locator("#reason-details")).toContainText(expected.error);
    await failForm.submit().click();

    const authlete = failForm.authleteResponse();
    await expect(authlete).toContainText("A185001");
    await expect(authlete).toContainText(expected.action);
    await expect(authlete.getByLabel("responseContent")).toContainText(
      `"error": "${expected.error}"`,
    );
    const client = failForm.clientResponse();
    await expect(client).toContainText(`HTTP/1.1 ${expected.clientStatus}`);
    await expect(client).toContainText("Cache-Control: no-store");
    await expect(client).toContainText(`"error": "${expected.error}"`);
    await expect(failForm.alert()).toHaveCount(0);
  });
}

test("the description and URI reach the client's response", async ({ failForm }) => {
  await failForm.createTestTicket("1000000002");
  await failForm.reason().selectOption("ACCESS_DENIED");
  await failForm.openMore();
  await failForm.errorDescription().fill("The user declined on the device.");
  await failForm.errorUri().fill("https://as.example.com/errors/declined");
  await failForm.submit().click();
  const client = failForm.clientResponse();
  await expect(client).toContainText('"error_description": "The user declined on the device."');
  await expect(client).toContainText('"error_uri": "https://as.example.com/errors/declined"');
});

test("the last service ID is remembered for the next visit", async ({ failForm, page }) => {
  await failForm.createTestTicket("1000000002");
  await failForm.reason().selectOption("SERVER_ERROR");
  await failForm.submit().click();
  await expect(failForm.authleteResponse()).toBeVisible();
  await page.reload();
  await expect(failForm.serviceId()).toHaveValue("1000000002");
  await expect(page.getByText("Service: Second Demo Service")).toBeVisible();
});

test("a service list that arrives while the person is in the empty Service field is typed over, not beside", async ({
  page,
}) => {
  // The list comes late (a slow Authlete): the person is already in the field when the page
  // preselects the demo service there. Found by CI as "10000000021000000002".
  await signIn(page);
  let release = () => {};
  const listed = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/services", async (route) => {
    await listed;
    await route.fallback();
  });
  await page.goto(`${CONSOLE}end`);
  const service = page.getByLabel("Service", { exact: true });
  await service.click();
  release();
  await expect(service).toHaveValue("1000000001");
  await expect(service).toBeFocused();
  await page.keyboard.type("1000000002");
  await expect(service).toHaveValue("1000000002");
});
