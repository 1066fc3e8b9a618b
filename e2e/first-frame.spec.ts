import type { Page, Route } from "@playwright/test";
import { FailForm, appTookOver, expect, signIn, test } from "./fixtures";

/**
 * Decision 023: the BFF draws the fail form into the page, and the app takes it over when its
 * scripts have run. These journeys hold the scripts back, so that the person works in the
 * drawn form alone, then let them through.
 */
async function openWithScriptsHeld(page: Page) {
  await signIn(page);
  const held: Route[] = [];
  let open = false;
  await page.route(/\/assets\/.*\.js$/, (route) => (open ? route.continue() : held.push(route)));
  // page.goto would wait for the load event, which waits for the scripts.
  await page.goto("/", { waitUntil: "commit" });
  return {
    form: new FailForm(page),
    /** Lets the scripts through and waits until the app has taken the frame over. */
    release: async () => {
      open = true;
      await Promise.all(held.splice(0).map((route) => route.continue()));
      await appTookOver(page);
    },
  };
}

test("what is typed and pressed before the scripts run is done once they do", async ({ page }) => {
  const { form, release } = await openWithScriptsHeld(page);
  // From here on (the sign-in is behind): every write the page makes.
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.method() !== "GET") sent.push(new URL(request.url()).pathname);
  });

  // The form is there, drawn, with no script of the app run yet.
  await expect(form.submit()).toBeEnabled();
  await form.serviceId().fill("1000000001");
  await form.ticket().fill("frame-ticket-0123456789");
  await form.reason().selectOption("SERVER_ERROR");
  await form.openMore();
  await form.errorDescription().fill("Held by the first frame");
  await form.ticket().click();
  // Ctrl+Enter, the form's shortcut, then the button: one press, held.
  await form.ticket().press("Control+Enter");
  const starting = page.getByRole("button", { name: "Starting…" });
  await expect(starting).toHaveAttribute("aria-busy", "true");
  await starting.click();
  // Held: said on the button, and nothing sent, the ticket in no address.
  expect(sent).toEqual([]);
  expect(page.url()).not.toContain("frame-ticket");

  await release();
  // The app's form holds what was typed and does the press: one fail, with all of it.
  await expect(form.outcome()).toContainText("SERVER_ERROR");
  await expect(form.outcome()).toContainText("…456789");
  expect(sent.filter((path) => path.endsWith("/fail"))).toHaveLength(1);
  await expect(form.ticket()).toHaveValue("frame-ticket-0123456789");
  await expect(form.errorDescription()).toHaveValue("Held by the first frame");
});

test("a field being typed in keeps the focus and the caret when the app takes over", async ({
  page,
}) => {
  const { form, release } = await openWithScriptsHeld(page);
  await form.ticket().fill("abcdef");
  await form.ticket().press("ArrowLeft");
  await form.ticket().press("ArrowLeft");
  await release();
  await expect(form.ticket()).toBeFocused();
  // Typing goes on where it was: between "abcd" and "ef".
  await page.keyboard.type("XY");
  await expect(form.ticket()).toHaveValue("abcdXYef");
  // And the app's own behaviour is there: Reason's details answer a choice.
  await form.reason().selectOption("ACCESS_DENIED");
  await expect(page.locator("#reason-details")).toContainText("403");
});

test("a field the app fills as it takes over is selected, so typing replaces it", async ({
  page,
}) => {
  const { form, release } = await openWithScriptsHeld(page);
  await form.serviceId().click();
  await release();
  // On the simulator the app preselects the demo service in the field the person is in.
  await expect(form.serviceId()).toHaveValue("1000000001");
  await expect(form.serviceId()).toBeFocused();
  await page.keyboard.type("Second");
  await expect(form.serviceId()).toHaveValue("Second");
  await expect(page.getByRole("option", { name: /Second Demo Service/ })).toBeVisible();
});

test("scripts that never come: the form says the console did not start", async ({ page }) => {
  // The page's clock, so that the 15 s it waits pass at once.
  await page.clock.install();
  await signIn(page);
  await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
  await page.goto("/", { waitUntil: "commit" });
  const form = new FailForm(page);
  await expect(form.submit()).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await page.clock.fastForward(16_000);
  await expect(page.getByRole("alert")).toContainText("The console did not start");
  await expect(page.getByRole("alert")).toContainText("Nothing was sent");
});

test.describe("without scripts", () => {
  test.use({ javaScriptEnabled: false });

  test("a press sends the form in no address", async ({ page }) => {
    await signIn(page);
    await page.goto("/", { waitUntil: "load" });
    const form = new FailForm(page);
    await form.ticket().fill("no-script-ticket-0123");
    await form.submit().click();
    await page.waitForLoadState();
    expect(page.url()).not.toContain("no-script-ticket");
  });
});
