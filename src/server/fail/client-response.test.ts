import { describe, expect, it } from "vitest";
import { toClientResponse } from "./client-response";

describe("toClientResponse", () => {
  it("maps each action to its status, with the three headers and the parsed body", () => {
    expect(toClientResponse("FORBIDDEN", '{"error":"access_denied"}')).toEqual({
      status: 403,
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        Pragma: "no-cache",
      },
      body: { error: "access_denied" },
    });
    expect(toClientResponse("BAD_REQUEST", "{}").status).toBe(400);
    expect(toClientResponse("INTERNAL_SERVER_ERROR", "{}").status).toBe(500);
  });

  it("keeps a non-JSON responseContent out of body and says so", () => {
    const response = toClientResponse("BAD_REQUEST", "not json");
    expect(response.body).toBeNull();
    expect(response.note).toMatch(/not JSON/);
  });

  it("answers 500 with a note when Authlete gives no action", () => {
    const response = toClientResponse(undefined, undefined);
    expect(response.status).toBe(500);
    expect(response.note).toMatch(/no action/);
  });
});
