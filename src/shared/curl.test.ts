import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { deepLink, failAsCurl } from "./curl";

describe("failAsCurl", () => {
  const request = {
    serviceId: "21653835348762",
    backchannelAuthenticationFailRequest: {
      ticket: "abc",
      reason: "ACCESS_DENIED" as const,
      errorDescription: "It's denied",
    },
    justification: "INC-1",
  };

  it("names the token as $AUTHLETE_TOKEN and sends only the SDK's body", () => {
    const curl = failAsCurl("https://jp.authlete.com/", request);
    expect(curl).toContain(
      "'https://jp.authlete.com/api/21653835348762/backchannel/authentication/fail'",
    );
    expect(curl).toContain('"Authorization: Bearer $AUTHLETE_TOKEN"');
    expect(curl).not.toContain("INC-1");
  });

  it("quotes the body so that a shell passes it unchanged, apostrophes included", () => {
    const curl = failAsCurl("https://us.authlete.com", request);
    // Let a real shell parse the -d argument and print it back.
    const body = /-d ('(?:[^']|'\\'')*')$/.exec(curl)![1]!;
    const echoed = execFileSync("sh", ["-c", `printf %s ${body}`], { encoding: "utf8" });
    expect(JSON.parse(echoed)).toEqual(request.backchannelAuthenticationFailRequest);
  });
});

describe("deepLink", () => {
  it("carries service, ticket and reason, and leaves out what is empty", () => {
    expect(deepLink("http://127.0.0.1:8787", { serviceId: "1", ticket: " t ", reason: "" })).toBe(
      "http://127.0.0.1:8787/?serviceId=1&ticket=t",
    );
  });
});
