import { describe, expect, it } from "vitest";
import { failRequestSchema } from "./fail-request";

const TICKET = "c4iy3TWGn74UMO7ihRl0ZS8OEUzV9axBlBbJbqxH-9Q";

function parse(fields: Record<string, unknown>, serviceId: unknown = "1000000001") {
  return failRequestSchema.safeParse({ serviceId, backchannelAuthenticationFailRequest: fields });
}

function errorPaths(result: ReturnType<typeof parse>): string[] {
  return result.success
    ? []
    : [...new Set(result.error.issues.map((issue) => issue.path.join(".")))];
}

describe("serviceId", () => {
  it.each(["1", "21653835348762", "1".repeat(19)])("accepts %s", (id) => {
    expect(parse({ ticket: TICKET, reason: "SERVER_ERROR" }, id).success).toBe(true);
  });
  it.each(["", "abc", "1".repeat(20), "-1", "1.5", "１２３", "1/../2", 123])("refuses %j", (id) => {
    expect(errorPaths(parse({ ticket: TICKET, reason: "SERVER_ERROR" }, id))).toContain(
      "serviceId",
    );
  });
});

describe("ticket", () => {
  it("trims surrounding whitespace", () => {
    const result = parse({ ticket: `\t ${TICKET} \n`, reason: "SERVER_ERROR" });
    expect(result.success && result.data.backchannelAuthenticationFailRequest.ticket).toBe(TICKET);
  });
  it.each(["a", "A-z_0.9~", "x".repeat(256)])("accepts %s", (ticket) => {
    expect(parse({ ticket, reason: "SERVER_ERROR" }).success).toBe(true);
  });
  it.each(["", "   ", "x".repeat(257), "a b", "a/b", "a+b", "tické", "a=b"])(
    "refuses %j",
    (ticket) => {
      expect(errorPaths(parse({ ticket, reason: "SERVER_ERROR" }))).toContain(
        "backchannelAuthenticationFailRequest.ticket",
      );
    },
  );
});

describe("reason", () => {
  it("is required: no silent default", () => {
    expect(errorPaths(parse({ ticket: TICKET }))).toEqual([
      "backchannelAuthenticationFailRequest.reason",
    ]);
  });
  it.each(["", "server_error", "NOPE"])("refuses %j", (reason) => {
    expect(parse({ ticket: TICKET, reason }).success).toBe(false);
  });
});

describe("errorDescription", () => {
  it("accepts printable ASCII without quote and backslash, up to 1,000 characters", () => {
    expect(
      parse({
        ticket: TICKET,
        reason: "ACCESS_DENIED",
        errorDescription: "User said no! (#42) ~ok",
      }).success,
    ).toBe(true);
    expect(
      parse({ ticket: TICKET, reason: "ACCESS_DENIED", errorDescription: "a".repeat(1000) })
        .success,
    ).toBe(true);
  });
  it.each(['say "no"', "back\\slash", "line\nbreak", "tab\t", "café", "a".repeat(1001)])(
    "refuses %j",
    (errorDescription) => {
      expect(
        errorPaths(parse({ ticket: TICKET, reason: "ACCESS_DENIED", errorDescription })),
      ).toEqual(["backchannelAuthenticationFailRequest.errorDescription"]);
    },
  );
  it("treats an empty string as absent", () => {
    const result = parse({ ticket: TICKET, reason: "ACCESS_DENIED", errorDescription: "" });
    expect(
      result.success && "errorDescription" in result.data.backchannelAuthenticationFailRequest
        ? result.data.backchannelAuthenticationFailRequest.errorDescription
        : undefined,
    ).toBeUndefined();
  });
});

describe("errorUri", () => {
  it.each(["https://as.example.com/errors/1", "http://localhost:8080/e?x=1#y"])(
    "accepts %s",
    (errorUri) => {
      expect(parse({ ticket: TICKET, reason: "SERVER_ERROR", errorUri }).success).toBe(true);
    },
  );
  it.each([
    "/relative",
    "example.com/x",
    "mailto:a@b.c",
    "javascript:alert(1)",
    "https://exa mple.com",
    'https://x.example/"q"',
    `https://x.example/${"a".repeat(2000)}`,
    "https://",
  ])("refuses %j", (errorUri) => {
    expect(errorPaths(parse({ ticket: TICKET, reason: "SERVER_ERROR", errorUri }))).toEqual([
      "backchannelAuthenticationFailRequest.errorUri",
    ]);
  });
  it("treats an empty string as absent", () => {
    expect(parse({ ticket: TICKET, reason: "SERVER_ERROR", errorUri: "" }).success).toBe(true);
  });
});
