import { describe, expect, it } from "vitest";
import { createSeal } from "./seal";

describe("sealed values (issue 19, item 21)", () => {
  const seal = createSeal(Buffer.alloc(32, 9));

  it("opens a sealed value only in its own context", () => {
    const sealed = seal.seal("ticket-123", "job:1/item:2");
    expect(seal.open(sealed, "job:1/item:2")).toBe("ticket-123");
    expect(() => seal.open(sealed, "job:1/item:3")).toThrow();
  });

  it("refuses a tag cut short, which GCM would otherwise check on its first bytes only", () => {
    const sealed = seal.seal("ticket-123", "ctx");
    const [version, iv, tag, body] = sealed.split(".") as [string, string, string, string];
    const cut = Buffer.from(tag, "base64url").subarray(0, 4).toString("base64url");
    expect(() => seal.open([version, iv, cut, body].join("."), "ctx")).toThrow();
  });
});
