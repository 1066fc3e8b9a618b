import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { IncomingMessage } from "node:http";
import type { Page } from "@playwright/test";
import { PORTS, receiverCertificate } from "../playwright.config";
import {
  CONSOLE,
  DELIVERY_CONSOLE,
  PROFILES_CONSOLE,
  SERVICE_ID,
  expect,
  signIn,
  test,
  testTicketMade,
} from "./fixtures";

/** Issue 17: ending issued requests through /complete, as an operator does it. */

async function createIssuedRequest(page: Page, mode: "poll" | "ping" | "push") {
  await page.getByLabel("Service", { exact: true }).fill(SERVICE_ID);
  await page.getByLabel("Delivery mode of the test client").selectOption(mode.toUpperCase());
  await page.getByRole("button", { name: "Create issued test request" }).click();
  const status = await testTicketMade(page, "Issued test request");
  await expect(status).toContainText(`${mode} client`);
  await expect(page.getByLabel("Ticket", { exact: true })).toHaveValue(/^[\w-]{43}$/);
  return status;
}

test("a poll client's issued request, ended with TRANSACTION_FAILED: NO_ACTION, and expired_token at its next token request", async ({
  page,
}) => {
  await signIn(page, CONSOLE);
  await page.goto(`${CONSOLE}end`);
  // The page says which action fits before anything is sent.
  await expect(
    page.getByText(/already received an auth_req_id → End issued request/),
  ).toBeVisible();
  await createIssuedRequest(page, "poll");
  await expect(page.getByLabel("Result")).toHaveValue("TRANSACTION_FAILED");
  await expect(page.getByText("The client gets expired_token")).toBeVisible();
  await page.getByRole("button", { name: "End request" }).click();

  const summary = page.getByRole("region", { name: "What the client gets" });
  await expect(summary).toContainText("NO_ACTION");
  await expect(summary).toContainText("A198001");
  const token = page.getByRole("region", { name: "At the client's next token request" });
  await expect(token).toContainText("HTTP/1.1 400 Bad Request");
  await expect(token).toContainText('"error": "expired_token"');
  await expect(page.getByRole("region", { name: "Notification to the client" })).toHaveCount(0);
});

test("a ping client's notification, delivered from the console, arrives at the client's https endpoint with its bearer token; the audit log shows it", async ({
  page,
}) => {
  const { cert, key } = receiverCertificate();
  const received: { authorization?: string; body: string }[] = [];
  const receiver = createServer(
    { cert: readFileSync(cert), key: readFileSync(key) },
    (request: IncomingMessage, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        received.push({ authorization: request.headers.authorization, body });
        response.writeHead(204).end();
      });
    },
  );
  await new Promise<void>((resolve) =>
    receiver.listen(PORTS.notificationReceiver, "127.0.0.1", resolve),
  );
  try {
    await signIn(page, DELIVERY_CONSOLE);
    await page.goto(`${DELIVERY_CONSOLE}end`);
    await createIssuedRequest(page, "ping");
    await page.getByLabel("Result").selectOption("ACCESS_DENIED");
    await page.getByLabel(/Send the client notification from this console/).check();
    await page.getByRole("button", { name: "End request" }).click();

    const notification = page.getByRole("region", { name: "Notification to the client" });
    await expect(notification).toContainText("Delivered.");
    await expect(notification).toContainText(
      `POST https://localhost:${PORTS.notificationReceiver}/cb/ping`,
    );
    expect(received).toHaveLength(1);
    // The body is Authlete's, exactly: the auth_req_id only (ping). The page shows its tail.
    const body = JSON.parse(received[0]!.body) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["auth_req_id"]);
    const summary = page.getByRole("region", { name: "What the client gets" });
    await expect(summary).toContainText(`…${body.auth_req_id!.slice(-6)}`);
    // The bearer token is the request's client_notification_token; the page shows 4 characters.
    const token = /^Bearer ([\w-]{20,})$/.exec(received[0]!.authorization ?? "")?.[1];
    expect(token).toBeDefined();
    await expect(notification).toContainText(`Authorization: Bearer …${token!.slice(-4)}`);
    await expect(page.getByText(token!)).toHaveCount(0);
    await expect(
      page.getByRole("region", { name: "At the client's next token request" }),
    ).toContainText('"error": "access_denied"');

    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByLabel("Action", { exact: true }).selectOption("notification");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const row = page.getByRole("row").filter({ hasText: "notification" }).first();
    await expect(row).toContainText("succeeded");
    await expect(row).toContainText(`https://localhost:${PORTS.notificationReceiver}`);
  } finally {
    receiver.close();
  }
});

test("ending a request on a production service asks for the confirmation before anything is sent", async ({
  page,
}) => {
  await signIn(page, PROFILES_CONSOLE);
  await page.goto(`${PROFILES_CONSOLE}end`);
  const ticket = `prod-end-${Date.now().toString(36)}-Qp7Rw2`;
  await page.getByLabel("Service", { exact: true }).fill("1000000001");
  await page.getByLabel("Ticket", { exact: true }).fill(ticket);
  await page.getByRole("button", { name: "End request" }).click();
  const dialog = page.getByRole("dialog", { name: "Production: Payments (production)" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("This end call takes effect on the production service");
  await expect(page.getByRole("region", { name: "What the client gets" })).toHaveCount(0);

  await dialog.getByLabel("Type the last 6 characters of the ticket").fill("Qp7Rw2");
  await dialog.getByLabel("Justification").fill("INC-4242 AS lost the device session");
  await dialog.getByRole("button", { name: "End in production" }).click();
  await expect(dialog).toBeHidden();
  // A ticket nobody issued: Authlete holds no such ticket, and the page says so plainly.
  const summary = page.getByRole("region", { name: /^Nothing was ended/ });
  await expect(summary).toContainText("Authlete holds no such ticket");
  await expect(summary).toContainText("A186202");
});

test("a bulk job ends issued requests: a line naming a fail reason is left out, a made-up ticket ends as no such ticket", async ({
  page,
}) => {
  await signIn(page, CONSOLE);
  const issued: string[] = [];
  for (let i = 0; i < 3; i++) {
    const made = await page.request.post(`${CONSOLE}api/test-tickets`, {
      data: { serviceId: SERVICE_ID, issued: true, deliveryMode: "POLL" },
    });
    expect(made.status()).toBe(201);
    issued.push(((await made.json()) as { ticket: string }).ticket);
  }
  const madeUp = `never-issued-${Date.now().toString(36)}`;
  await page.goto(`${CONSOLE}bulk`);
  await page.getByLabel("Action", { exact: true }).selectOption("end");
  await page.getByLabel("Service", { exact: true }).fill(SERVICE_ID);
  await page
    .getByLabel("Tickets", { exact: true })
    .fill([...issued, `${madeUp},ACCESS_DENIED`, "another-ticket,UNKNOWN_USER_ID"].join("\n"));
  const preview = page.locator("#bulk-preview");
  await expect(preview).toContainText("4 tickets ready, 1 invalid line (not sent).");
  await expect(preview).toContainText(
    '"UNKNOWN_USER_ID" is a reason of Fail ticket; this job ends issued requests.',
  );
  await expect(page.getByLabel("Result")).toHaveValue("TRANSACTION_FAILED");
  await page.getByRole("button", { name: "End 4 requests…" }).click();
  const dialog = page.getByRole("dialog", { name: "End 4 issued requests?" });
  await dialog.getByRole("button", { name: "Start" }).click();
  await expect(page.getByRole("heading", { name: /Bulk job/ })).toContainText("finished");
  await expect(page.getByText("Ends issued requests (/complete)")).toBeVisible();
  const figures = page.getByRole("status").filter({ hasText: "done" });
  await expect(figures).toContainText("3 done");
  await expect(figures).toContainText("1 no such ticket");
});
