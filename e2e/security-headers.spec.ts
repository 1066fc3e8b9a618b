import { expect, test } from "./fixtures";

test("the page loads under a strict Content-Security-Policy without violations", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("a cross-site POST is refused", async ({ request }) => {
  const answer = await request.post("/api/backchannel/authentication/fail", {
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    data: {
      serviceId: "1000000001",
      backchannelAuthenticationFailRequest: { ticket: "t", reason: "SERVER_ERROR" },
    },
  });
  expect(answer.status()).toBe(403);
});
