import type { APIRequestContext } from "@playwright/test";
import { FAULTS_CONSOLE, FAULTS_SIMULATOR, FailForm, expect, signIn, test } from "./fixtures";

async function setFaults(request: APIRequestContext, faults: unknown[]) {
  const answer = await request.put(`${FAULTS_SIMULATOR}_simulator/faults`, {
    headers: { authorization: "Bearer simulator-access-token" },
    data: faults,
  });
  expect(answer.status()).toBe(200);
}

const FAULTS: [name: string, fault: object, alert: string][] = [
  ["500", { kind: "status", status: 500 }, "Authlete failed to process the request"],
  [
    "429",
    { kind: "status", status: 429, retryAfterSeconds: 30 },
    "Authlete is rate-limiting this token",
  ],
  ["401", { kind: "status", status: 401 }, "Authlete rejected the access token"],
  ["dropped connection", { kind: "drop" }, "Authlete could not be reached"],
  ["non-JSON body", { kind: "non-json" }, "Authlete's answer could not be understood"],
  ["body that never finishes", { kind: "stalled-body" }, "Authlete did not answer in time"],
];

test("each Authlete fault shows its alert, keeps the form, and the next fail works", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await signIn(page, FAULTS_CONSOLE);
  await page.goto(FAULTS_CONSOLE);
  const form = new FailForm(page);
  await form.serviceId().fill("1000000001");
  await form.reason().selectOption("SERVER_ERROR");
  let n = 0;
  try {
    for (const [name, fault, alert] of FAULTS) {
      await setFaults(page.request, [fault]);
      await form.ticket().fill(`e2e-fault-${Date.now()}-${n++}`);
      await form.submit().click();
      await expect(form.alert(), name).toContainText(alert);
      await expect(form.reason()).toHaveValue("SERVER_ERROR");

      await setFaults(page.request, []);
      await form.ticket().fill(`e2e-after-${Date.now()}-${n++}`);
      await form.submit().click();
      await expect(form.authleteResponse(), `after ${name}`).toContainText("A185001");
    }
  } finally {
    await setFaults(page.request, []);
  }
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Outcome").selectOption("transport-error");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("row").filter({ hasText: "transport-error" })).toHaveCount(3);
});
