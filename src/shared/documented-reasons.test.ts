import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOCUMENTED_REASONS } from "./documented-reasons";

describe("the documented reasons", () => {
  it("are the table of docs/authlete-reference.md §2, row by row", () => {
    const doc = readFileSync("docs/authlete-reference.md", "utf8");
    const section = doc.slice(doc.indexOf("## 2. Reasons"), doc.indexOf("## 3."));
    const rows = [...section.matchAll(/^\| `(\w+)` +\| `(\w+)` +\| `(\w+)` +\| (\d{3}) +\|/gm)];
    expect(
      rows.map(([, reason, error, action, status]) => ({
        reason,
        error,
        action,
        status: Number(status),
      })),
    ).toEqual(DOCUMENTED_REASONS);
  });
});
