import { test as base, expect } from "@playwright/test";
import type { Locator, Page } from "@playwright/test";
import { E2E_ACCESS_CODE, E2E_ACCOUNTS, PORTS } from "../playwright.config";

export { E2E_ACCESS_CODE, E2E_ACCOUNTS };
/** The console with local accounts (CONSOLE_USERS): see E2E_ACCOUNTS. */
export const ACCOUNTS_CONSOLE = `http://127.0.0.1:${PORTS.accountsConsole}/`;
/** Four-eyes: the same people, and a service whose actions wait for a supervisor. */
export const APPROVALS_CONSOLE = `http://127.0.0.1:${PORTS.approvalsConsole}/`;
export const CONSOLE = `http://127.0.0.1:${PORTS.console}/`;
/** The console whose sessions end after 15 s idle. */
export const IDLE_CONSOLE = `http://127.0.0.1:${PORTS.idleConsole}/`;

export const SERVICE_ID = "1000000001";
/** The BFF whose Authlete is unreachable (see playwright.config.ts). */
export const UNREACHABLE_CONSOLE = `http://127.0.0.1:${PORTS.unreachable}/`;
export const UNREACHABLE_CONSOLE_TOKEN = "e2e-token-that-must-never-reach-the-page";
/** The console with service profiles: 1000000001 production, 1000000002 staging. */
export const PROFILES_CONSOLE = `http://127.0.0.1:${PORTS.profilesConsole}/`;
/** A console whose Authlete is a simulator the fault journeys control (see playwright.config.ts). */
export const FAULTS_CONSOLE = `http://127.0.0.1:${PORTS.faultsConsole}/`;
export const FAULTS_SIMULATOR = `http://127.0.0.1:${PORTS.faultsSimulator}/`;
/** The console that signs people in with OpenID Connect (see playwright.config.ts). */
export const OIDC_CONSOLE = `http://127.0.0.1:${PORTS.oidcConsole}/`;
/** The console that delivers client notifications to the journey's receiver (see config). */
export const DELIVERY_CONSOLE = `http://127.0.0.1:${PORTS.deliveryConsole}/`;

/** The fail form, found the way a user finds it: by labels and roles. */
export class FailForm {
  constructor(readonly page: Page) {}

  serviceId = () => this.page.getByLabel("Service", { exact: true });
  ticket = () => this.page.getByLabel("Ticket", { exact: true });
  reason = () => this.page.getByLabel("Reason");
  errorDescription = () => this.page.getByLabel("Error description");
  errorUri = () => this.page.getByLabel("Error URI");
  /** Unfolds "More" (error description and URI) unless it is open already. */
  async openMore() {
    const more = this.page.locator("details.more-fields");
    if (!(await more.evaluate((details) => (details as HTMLDetailsElement).open))) {
      await more.getByText("More: error description and URI").click();
    }
  }
  justification = () => this.page.getByLabel("Justification");
  submit = () => this.page.getByRole("button", { name: "Fail ticket" });
  /** A send that came to nothing: its outcome panel, in the result column. */
  alert = () => this.page.getByRole("region", { name: /^Not done/ });
  /** A done send's outcome panel, headline first. */
  outcome = () => this.page.getByRole("region", { name: /^Done:/ });
  authleteResponse = () => this.page.getByRole("region", { name: "Authlete response" });
  clientResponse = () => this.page.getByRole("region", { name: "Response to the client" });

  /** Creates a fresh ticket through the console and waits until it fills Ticket. */
  async createTestTicket(serviceId = SERVICE_ID): Promise<string> {
    await this.serviceId().fill(serviceId);
    await this.page.getByRole("button", { name: "Create test ticket" }).click();
    await testTicketMade(this.page, "Test ticket created");
    await expect(this.ticket()).toHaveValue(/^[A-Za-z0-9_-]{43}$/);
    return this.ticket().inputValue();
  }
}

/**
 * Waits for the note a made test ticket leaves under Ticket. Two calls to Authlete on a busy
 * machine may take seconds, so it waits longer than an assertion does; if the page says why
 * no ticket was made instead, that is the failure message.
 */
export async function testTicketMade(page: Page, note: string): Promise<Locator> {
  const made = page.getByRole("status").filter({ hasText: note });
  const refused = page.getByRole("alert");
  await expect(made.or(refused).first()).toBeVisible({ timeout: 15_000 });
  const why = made
    .isVisible()
    .then(async (visible) => (visible ? "" : (await refused.allInnerTexts()).join(" | ")));
  expect(await why, "no test ticket was made").toBe("");
  return made;
}

/** Signs in through the API (sign-in itself has its own journey), sharing the browser's cookies. */
export async function signIn(
  page: Page,
  consoleUrl = CONSOLE,
  name = "E2E Operator",
): Promise<void> {
  const answer = await page.request.post(`${consoleUrl}api/session`, {
    data: { name, accessCode: E2E_ACCESS_CODE },
  });
  expect(answer.status()).toBe(200);
}

/** From the fail form: a fresh test ticket of the first service, failed; waits for the answer. */
export async function failATestTicket(page: Page): Promise<void> {
  await page.getByLabel("Service", { exact: true }).fill(SERVICE_ID);
  await page.getByRole("button", { name: "Create test ticket" }).click();
  await expect(page.getByLabel("Ticket", { exact: true })).toHaveValue(/.{43}/);
  await page.getByLabel("Reason").selectOption("ACCESS_DENIED");
  await page.getByRole("button", { name: "Fail ticket" }).click();
  await expect(page.getByRole("region", { name: "Authlete response" })).toBeVisible();
}

/** On the Bulk fail page: these lines with SERVER_ERROR (`check` runs on the filled form). */
export async function runBulkJob(
  page: Page,
  lines: string[],
  check: () => Promise<void>,
): Promise<void> {
  await page.getByLabel("Service", { exact: true }).fill(SERVICE_ID);
  await page.getByLabel("Tickets", { exact: true }).fill(lines.join("\n"));
  await page.getByLabel("Reason", { exact: true }).selectOption("SERVER_ERROR");
  await check();
  const valid = lines.filter((line) => !line.includes(" ")).length;
  await page.getByRole("button", { name: `Fail ${valid} tickets…` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Start" }).click();
  await expect(page.getByRole("heading", { name: /Bulk job/ })).toContainText("finished");
}

/** Signs in on the OpenID Connect console as the test provider's `login` (any password). */
export async function signInWithProvider(page: Page, login: string): Promise<void> {
  await page.goto(OIDC_CONSOLE);
  await page.getByRole("link", { name: "Sign in with your organisation" }).click();
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** Once the app has taken over the BFF's first frame, if the page came with one (decision 023). */
export async function appTookOver(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.getElementById("first-frame-data") || window.earlyInput?.tookOverAt,
  );
}

export const test = base.extend<{ failForm: FailForm }>({
  // Journeys about the app start once the app runs: `/` arrives with the form drawn by the BFF
  // and the app takes it over a moment later; a click whose press and release fall on either
  // side of that moment is lost. A journey that passes its own `waitUntil` (first-frame.spec.ts
  // is about the moment before) waits for what it says.
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      const answer = await goto(url, options);
      if (options?.waitUntil === undefined) await appTookOver(page);
      return answer;
    };
    await use(page);
  },
  failForm: async ({ page }, use) => {
    await signIn(page);
    await page.goto("/");
    const form = new FailForm(page);
    await expect(form.submit()).toBeVisible();
    await use(form);
  },
});

export { expect };
