import { CONSOLE, SERVICE_ID, expect, test } from "./fixtures";

const TICKET = "c2hvdWxkLWJlLTQzLWNoYXJhY3RlcnMtbG9uZy0xMjM";

test("a deep link fills the form and never submits it", async ({ failForm, page }) => {
  await page.goto(`${CONSOLE}?serviceId=1000000002&ticket=${TICKET}&reason=access_denied`);
  await expect(failForm.serviceId()).toHaveValue("1000000002");
  await expect(failForm.ticket()).toHaveValue(TICKET);
  await expect(failForm.reason()).toHaveValue("ACCESS_DENIED");
  await expect(page).toHaveURL(CONSOLE); // taken out of the address bar
  await expect(failForm.authleteResponse()).toHaveCount(0);
});

test("Copy link and Copy as curl build the link and the Authlete call, without the token", async ({
  failForm,
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await failForm.serviceId().fill(SERVICE_ID);
  await failForm.ticket().fill(TICKET);
  await failForm.reason().selectOption("UNKNOWN_USER_ID");
  await page.getByRole("button", { name: "Copy link" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    `${CONSOLE}?serviceId=${SERVICE_ID}&ticket=${TICKET}&reason=UNKNOWN_USER_ID`,
  );
  await page.getByRole("button", { name: "Copy as curl" }).click();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  // On the embedded simulator (a private port, a token nobody is shown): for the standalone one.
  expect(curl).toMatch(
    /^# For the standalone simulator \(npm run simulator\): AUTHLETE_TOKEN is its SIMULATOR_ACCESS_TOKEN \(README\)\ncurl -sS -X POST 'http:\/\/127\.0\.0\.1:8788\/api\/1000000001\/backchannel\/authentication\/fail'/,
  );
  expect(curl).toContain('-H "Authorization: Bearer $AUTHLETE_TOKEN"');
  expect(curl).toContain(`'{"ticket":"${TICKET}","reason":"UNKNOWN_USER_ID"}'`);
});

test("pasting a log line or Authlete's JSON answer into Ticket keeps just the ticket", async ({
  failForm,
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const answer = JSON.stringify({
    action: "USER_IDENTIFICATION",
    ticket: TICKET,
    clientId: 3000000001,
    hint: "alice",
  });
  await page.evaluate((text) => navigator.clipboard.writeText(text), answer);
  await failForm.ticket().focus();
  await page.keyboard.press("Control+V");
  await expect(failForm.ticket()).toHaveValue(TICKET);
  await expect(page.getByRole("status").filter({ hasText: "Took ticket" })).toHaveText(
    `Took ticket …${TICKET.slice(-6)} from the pasted text (client 3000000001, hint “alice”).`,
  );
  await failForm.ticket().fill("");
  await page.evaluate(
    (text) => navigator.clipboard.writeText(text),
    `03:12:44 WARN ticket=${TICKET} lookup failed`,
  );
  await failForm.ticket().focus();
  await page.keyboard.press("Control+V");
  await expect(failForm.ticket()).toHaveValue(TICKET);
});

test("recent fails sit beside the form and fill it again; / and ? work from the keyboard", async ({
  failForm,
  page,
}) => {
  await failForm.createTestTicket();
  await failForm.reason().selectOption("INVALID_USER_CODE");
  await failForm.openMore();
  await failForm.errorDescription().fill("Wrong code typed");
  await failForm.submit().click();
  await expect(failForm.authleteResponse()).toContainText("A185001");

  const recent = page.getByRole("region", { name: "Your recent actions" });
  await expect(recent.getByRole("listitem").first()).toContainText("INVALID_USER_CODE");
  await failForm.reason().selectOption("ACCESS_DENIED");
  await failForm.errorDescription().fill("");
  await recent
    .getByRole("button", { name: /^Use again: fail INVALID_USER_CODE/ })
    .first()
    .click();
  await expect(failForm.reason()).toHaveValue("INVALID_USER_CODE");
  await expect(failForm.errorDescription()).toHaveValue("Wrong code typed");
  await expect(failForm.ticket()).toHaveValue("");
  await expect(failForm.ticket()).toBeFocused();

  await page
    .getByRole("heading", { name: "Result" })
    .or(page.getByRole("heading", { name: "Authlete response" }))
    .first()
    .click();
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toContainText("Go to Ticket");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
  await page.locator("body").click({ position: { x: 5, y: 200 } });
  await page.keyboard.press("/");
  await expect(failForm.ticket()).toBeFocused();
});
