import type { Page, Request } from "@playwright/test";
import { FailForm, PROFILES_CONSOLE, expect, failATestTicket, signIn, test } from "./fixtures";

/**
 * Issue 16: a fail from the page is one request to the console, and the ticket travels once.
 * Every request the page makes to the console is recorded from the click on Fail ticket until
 * the result (or the one dialog) shows.
 */
function recordRequests(page: Page) {
  const requests: Request[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/")) requests.push(request);
  });
  return {
    /** Starts afresh: what the page sent before (the form's own reads) does not count. */
    clear: () => requests.splice(0),
    writes: () => requests.filter((request) => request.method() !== "GET"),
    carrying: (ticket: string) =>
      requests.filter(
        (request) => request.url().includes(ticket) || (request.postData() ?? "").includes(ticket),
      ),
  };
}

test("Fail ticket sends one write, and no other request carries the ticket", async ({
  failForm,
  page,
}) => {
  const recorded = recordRequests(page);
  const ticket = await failForm.createTestTicket();
  await failForm.reason().selectOption("ACCESS_DENIED");
  recorded.clear();
  await failForm.submit().click();
  await expect(failForm.authleteResponse()).toContainText("FORBIDDEN");
  expect(recorded.writes().map((request) => new URL(request.url()).pathname)).toEqual([
    "/api/backchannel/authentication/fail",
  ]);
  expect(recorded.carrying(ticket)).toHaveLength(1);
});

test("a repeat shows the one dialog and sends once more, with again: true", async ({
  failForm,
  page,
}) => {
  const recorded = recordRequests(page);
  await failATestTicket(page);
  const ticket = await failForm.ticket().inputValue();

  recorded.clear();
  await failForm.reason().selectOption("SERVER_ERROR");
  await failForm.submit().click();
  const dialog = page.getByRole("dialog", { name: "This ticket was already failed" });
  await expect(dialog).toBeVisible();
  expect(recorded.writes()).toHaveLength(1);
  await dialog.getByRole("button", { name: "Fail again" }).click();
  await expect(failForm.authleteResponse()).toContainText("INTERNAL_SERVER_ERROR");
  const writes = recorded.writes();
  expect(writes).toHaveLength(2);
  expect(writes[1]!.postDataJSON()).toMatchObject({ again: true });
  expect(recorded.carrying(ticket)).toHaveLength(2);
});

test("a production fail shows the one dialog and sends once more, with the confirmation", async ({
  page,
}) => {
  await signIn(page, PROFILES_CONSOLE);
  await page.goto(PROFILES_CONSOLE);
  const form = new FailForm(page);
  const recorded = recordRequests(page);
  const ticket = `prod-one-request-${Date.now().toString(36)}-Ab3dEf`;
  await form.serviceId().fill("1000000001");
  await form.ticket().fill(ticket);
  await form.reason().selectOption("ACCESS_DENIED");
  recorded.clear();
  await form.submit().click();
  const dialog = page.getByRole("dialog", { name: "Production: Payments (production)" });
  await expect(dialog).toBeVisible();
  expect(recorded.writes()).toHaveLength(1);
  await dialog.getByLabel("Type the last 6 characters of the ticket").fill("Ab3dEf");
  await dialog.getByLabel("Justification").fill("INC-16 one request");
  await dialog.getByRole("button", { name: "Fail in production" }).click();
  await expect(form.authleteResponse()).toContainText("A185001");
  const writes = recorded.writes();
  expect(writes).toHaveLength(2);
  expect(writes[1]!.postDataJSON()).toMatchObject({
    confirmation: "Ab3dEf",
    justification: "INC-16 one request",
  });
  expect(recorded.carrying(ticket)).toHaveLength(2);
});
