import { BackchannelAuthenticationFailRequestReason } from "@authlete/typescript-sdk/models";
import { describe, expect, it } from "vitest";
import { CLIENT_STATUS_BY_ACTION, FAIL_REASONS, REASONS } from "./reasons";

describe("the reason catalogue", () => {
  it("has exactly the SDK's nine reasons", () => {
    expect([...FAIL_REASONS].sort()).toEqual(
      Object.values(BackchannelAuthenticationFailRequestReason).sort(),
    );
    expect(FAIL_REASONS).toHaveLength(9);
  });

  it("derives each error code from its reason and each status from its action", () => {
    for (const reason of FAIL_REASONS) {
      const info = REASONS[reason];
      expect(info.error).toBe(reason.toLowerCase());
      expect(info.clientStatus).toBe(CLIENT_STATUS_BY_ACTION[info.action]);
      expect(info.whenToUse).toMatch(/^[A-Z].+\.$/);
    }
  });

  it("matches Authlete's table: only ACCESS_DENIED forbids and only SERVER_ERROR is a 500", () => {
    const withAction = (action: string) =>
      FAIL_REASONS.filter((reason) => REASONS[reason].action === action);
    expect(withAction("FORBIDDEN")).toEqual(["ACCESS_DENIED"]);
    expect(withAction("INTERNAL_SERVER_ERROR")).toEqual(["SERVER_ERROR"]);
    expect(withAction("BAD_REQUEST")).toHaveLength(7);
  });
});
