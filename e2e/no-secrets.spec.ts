import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_SIMULATOR_ACCESS_TOKEN } from "../src/simulator/seed";
import { TEST_OIDC_CLIENT } from "../src/testing/test-identity-provider";
import {
  E2E_ACCESS_CODE,
  UNREACHABLE_CONSOLE,
  UNREACHABLE_CONSOLE_TOKEN,
  expect,
  signIn,
  test,
} from "./fixtures";

const SECRETS = [
  E2E_ACCESS_CODE,
  UNREACHABLE_CONSOLE_TOKEN,
  DEFAULT_SIMULATOR_ACCESS_TOKEN,
  TEST_OIDC_CLIENT.clientSecret,
];

test("no built asset of the page holds a token, access code or client secret", async () => {
  const dir = "dist/client";
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) =>
    entry.isFile(),
  );
  expect(files.length).toBeGreaterThan(2);
  for (const file of files) {
    const text = await readFile(join(file.parentPath, file.name), "utf8");
    for (const secret of SECRETS) expect(text, file.name).not.toContain(secret);
  }
});

test("nothing the browser receives from a console with a token holds it, errors included", async ({
  page,
}) => {
  const received: string[] = [];
  page.on("response", (response) => {
    received.push(JSON.stringify(response.headers()));
    void response
      .text()
      .then((text) => received.push(text))
      .catch(() => undefined);
  });
  await signIn(page, UNREACHABLE_CONSOLE);
  await page.goto(UNREACHABLE_CONSOLE);
  await page.getByLabel("Service", { exact: true }).fill("1000000001");
  await page.getByLabel("Ticket", { exact: true }).fill("any-ticket");
  await page.getByLabel("Reason").selectOption("SERVER_ERROR");
  await page.getByRole("button", { name: "Fail ticket" }).click();
  await expect(page.getByRole("region", { name: /^Not done/ })).toContainText(
    "could not be reached",
  );
  // The same for ending an issued request.
  await page.getByRole("link", { name: "End issued request" }).first().click();
  await page.getByLabel("Service", { exact: true }).fill("1000000001");
  await page.getByLabel("Ticket", { exact: true }).fill("any-issued-ticket");
  await page.getByRole("button", { name: "End request" }).click();
  await expect(page.getByRole("region", { name: /^Not done/ })).toContainText(
    "could not be reached",
  );
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "transport-error" }).first()).toBeVisible();
  const missing = await page.request.get(`${UNREACHABLE_CONSOLE}api/nope`);
  received.push(await missing.text());

  await expect.poll(() => received.length).toBeGreaterThan(8);
  for (const text of received) {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  }
});
