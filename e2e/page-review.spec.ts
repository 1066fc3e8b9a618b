/**
 * Issue 20's journeys: the page at 3 a.m. A newcomer follows the quick start without typing a
 * service ID; outcomes land where people look; production is unmistakable; a bulk job shows its
 * progress as it is, asks before a cancel and gives back the tickets it never sent.
 */
import AxeBuilder from "@axe-core/playwright";
import {
  ACCOUNTS_CONSOLE,
  CONSOLE,
  E2E_ACCESS_CODE,
  E2E_ACCOUNTS,
  FailForm,
  PROFILES_CONSOLE,
  expect,
  signIn,
  test,
} from "./fixtures";

test("a newcomer: sign in, Create test ticket, a reason, Fail ticket, and the headline says it all", async ({
  browser,
}) => {
  // A new browser: nothing remembered, no service typed.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(CONSOLE);
  await page.getByLabel("Your name").fill("Nora Newcomer");
  await page.getByLabel("Access code").fill(E2E_ACCESS_CODE);
  await page.getByRole("button", { name: "Sign in" }).click();

  // After sign-in: three actions, no service ID typed (the demo service is preselected).
  const form = new FailForm(page);
  await expect(form.serviceId()).toHaveValue("1000000001");
  await page.getByRole("button", { name: "Create test ticket" }).click();
  await expect(form.ticket()).toHaveValue(/^[A-Za-z0-9_-]{43}$/);
  const ticket = await form.ticket().inputValue();
  await form.reason().selectOption("ACCESS_DENIED");
  await form.submit().click();

  const headline = page.getByRole("heading", { name: /^Done:/ });
  await expect(headline).toHaveText(
    `Done: ticket …${ticket.slice(-6)} on Demo Service failed with ACCESS_DENIED; its client gets 403 access_denied`,
  );
  await expect(headline).toBeFocused();
  await expect(page).toHaveTitle("Fail a stuck CIBA ticket · CIBA fail console");
  await context.close();
});

test("every outcome goes to the result area and takes the focus; a failed test ticket clears the stale one", async ({
  page,
}) => {
  await signIn(page);
  await page.goto(CONSOLE);
  const form = new FailForm(page);
  const ticket = await form.createTestTicket();
  expect(ticket).toHaveLength(43);

  // No test client for a service Authlete does not know: the error sits under Ticket, and the
  // older ticket is gone, so it cannot pass for a new one.
  await form.serviceId().fill("9999999999");
  await page.getByRole("button", { name: "Create test ticket" }).click();
  const underTicket = page.getByRole("alert");
  await expect(underTicket).toBeVisible();
  await expect(form.ticket()).toHaveValue("");

  // A fail Authlete refuses: the problem is in the result column, focused, and the form kept.
  await form.ticket().fill("any-ticket-of-an-unknown-service");
  await form.reason().selectOption("SERVER_ERROR");
  await form.submit().click();
  const problem = page.getByRole("heading", { name: /^Not done/ });
  await expect(problem).toBeFocused();
  await expect(form.alert()).toContainText("Request ID");
  await expect(form.ticket()).toHaveValue("any-ticket-of-an-unknown-service");
  // The placeholder's "appear here" is gone: the result column holds the problem.
  await expect(page.getByText("appear here")).toHaveCount(0);
});

test("production is unmistakable: red stripe, PRODUCTION in the title, red button, no test tickets, the dialog restates", async ({
  page,
}) => {
  await signIn(page, PROFILES_CONSOLE);
  await page.goto(PROFILES_CONSOLE);
  const form = new FailForm(page);
  // Never preselected: production is always a choice. Picked by name from the list.
  const picker = page.getByRole("combobox", { name: "Service" });
  await picker.fill("");
  await picker.pressSequentially("production");
  await page.getByRole("option", { name: /Payments \(production\)/ }).click();
  await expect(picker).toHaveValue("1000000001");

  await expect(page).toHaveTitle(/^PRODUCTION · /);
  await expect(page.locator("body")).toHaveAttribute("data-production", "true");
  await expect(form.submit()).toHaveClass(/button-danger/);
  await expect(page.getByRole("button", { name: "Create test ticket" })).toHaveCount(0);
  await expect(page.getByText("No test tickets on a production service")).toBeVisible();

  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const scan = await new AxeBuilder({ page }).analyze();
    const serious = scan.violations.filter(
      (v) => v.impact === "serious" || v.impact === "critical",
    );
    expect(serious.map((v) => `${v.id} (${scheme})`)).toEqual([]);
  }

  await form.ticket().fill("prodTicketQp7Rw2");
  await form.reason().selectOption("ACCESS_DENIED");
  await form.submit().click();
  const dialog = page.getByRole("dialog", { name: /Production/ });
  await expect(dialog).toContainText(
    "Ticket …Qp7Rw2 · ACCESS_DENIED · its client gets 403 access_denied",
  );
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Back to staging: the page is ordinary again.
  await picker.fill("staging");
  await page.getByRole("option", { name: /staging/ }).click();
  await expect(page).not.toHaveTitle(/PRODUCTION/);
  await expect(page.locator("body")).not.toHaveAttribute("data-production", "true");
});

test.describe("a bulk job", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("shows progress in segments, asks before a cancel, names pasted lines and copies back the unsent tickets", async ({
    page,
  }) => {
    test.setTimeout(60_000);
    // The accounts console's simulator answers in 150 ms: a job of 120 runs for seconds.
    await page.goto(ACCOUNTS_CONSOLE);
    await page.getByLabel("Account name").fill("bob builder");
    await page.getByLabel("Your access code").fill(E2E_ACCOUNTS.bob.code);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Bulk fail" }).click();
    // Made-up tickets: Authlete answers a fail of one as of any other.
    const tickets = Array.from({ length: 120 }, (_, i) => `madeUp-${String(i).padStart(5, "0")}`);
    await page.getByLabel("Service", { exact: true }).fill("1000000002");
    await page
      .getByLabel("Tickets", { exact: true })
      .fill(["# tickets from the incident", ...tickets].join("\n"));
    await page.getByLabel("Reason").selectOption("SERVER_ERROR");
    await page.getByRole("button", { name: "Fail 120 tickets…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Start" }).click();
    await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
    await page.getByRole("button", { name: "Pause" }).click();
    const heading = page.getByRole("heading", { name: /Bulk job/ });
    await expect(heading).toContainText("paused");

    // The first ticket was pasted on line 2 (line 1 is the comment).
    await expect(page.getByRole("row").nth(1).getByRole("cell").first()).toHaveText("2");

    // Cancel is asked first, says what it does, and is away from the other buttons.
    await page.getByRole("button", { name: "Cancel job" }).click();
    const asked = page.getByRole("dialog", { name: "Cancel this job?" });
    await expect(asked).toContainText(/\d+ tickets will not be sent; \d+ in flight will finish/);
    await asked.getByRole("button", { name: "Keep it running" }).click();
    await expect(heading).toContainText("paused");
    await page.getByRole("button", { name: "Cancel job" }).click();
    await asked.getByRole("button", { name: "Cancel job" }).click();
    await expect(heading).toContainText("cancelled");

    // The bar says what is true: some done, the rest not sent (not a bar nearly full).
    const bar = page.getByRole("progressbar", { name: "Progress" });
    const said = (await bar.getAttribute("aria-valuetext")) ?? "";
    const notSent = Number(/(\d+) not sent/.exec(said)?.[1]);
    const done = Number(/(\d+) done/.exec(said)?.[1]);
    expect(notSent).toBeGreaterThan(0);
    expect(done + notSent).toBe(120);

    await page.getByRole("button", { name: `Copy the ${notSent} unsent tickets` }).click();
    await expect(page.getByText(`Copied ${notSent} tickets`)).toBeVisible();
    const copied = (await page.evaluate(() => navigator.clipboard.readText())).split("\n");
    expect(copied).toHaveLength(notSent);
    // The unsent ones are the last ones queued: exactly the pasted tickets after the done ones.
    expect(copied).toEqual(tickets.slice(done));

    // The filter names the labels people read, and an empty one says so.
    const show = page.getByLabel("Show");
    await show.selectOption({ label: "error (0)" });
    await expect(page.getByText("Nothing to show: no ticket is “error”.")).toBeVisible();
  });
});

test("a ticket's story and the audit log searched by what it shows: tails, chips, the address, last hour", async ({
  page,
}) => {
  await signIn(page);
  await page.goto(CONSOLE);
  const form = new FailForm(page);
  const ticket = await form.createTestTicket();
  const tail = ticket.slice(-6);
  await form.reason().selectOption("SERVER_ERROR");
  await form.submit().click();
  await expect(form.outcome()).toBeVisible();

  // Its tail in the recent actions opens its story: created as a test ticket, then failed.
  await page
    .getByRole("link", { name: `Story of ticket …${tail}` })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?ticket=`));
  expect(page.url()).not.toContain(ticket);
  const records = page.getByRole("region", { name: "Audit records, newest first" });
  await expect(records.getByRole("row").filter({ hasText: "test-ticket" })).toHaveCount(1);
  await expect(records.getByRole("row").filter({ hasText: "SERVER_ERROR" })).toHaveCount(1);
  await expect(page.getByRole("list", { name: "Filters in force" })).toContainText(`…${tail}`);

  // The address is the view: opened afresh, it shows the same records and filters.
  const shared = page.url();
  await page.goto(shared);
  await expect(page.getByLabel("Ticket", { exact: true })).toHaveValue(tail);
  await expect(records.getByRole("row").filter({ hasText: "SERVER_ERROR" })).toHaveCount(1);

  // Last 1 h adds a time chip; removing the ticket chip widens the view.
  await page.getByRole("button", { name: "Last 1 h" }).click();
  await expect(page.getByRole("list", { name: "Filters in force" })).toContainText("From");
  await page.getByRole("button", { name: "Remove the filter Ticket" }).click();
  await expect(page).not.toHaveURL(/ticket=/);

  // Nothing matches: nothing to export.
  await page.goto(`${CONSOLE}audit?operator=nobody-has-this-name`);
  await expect(page.getByText("No records match these filters.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveCount(0);
});
