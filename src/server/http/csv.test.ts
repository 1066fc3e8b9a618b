import { describe, expect, it } from "vitest";
import { csvRecord } from "./csv";

describe("csvRecord", () => {
  it("quotes every field, doubles quotes, keeps line breaks inside quotes", () => {
    expect(csvRecord(["a", 'say "hi"', "two\nlines", 42, null])).toBe(
      '"a","say ""hi""","two\nlines","42",""\r\n',
    );
  });

  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠SUM(A1)"])(
    "defuses %j so a spreadsheet shows it as text",
    (text) => {
      expect(csvRecord([text])).toBe(`"'${text}"\r\n`);
    },
  );

  it("leaves numbers and booleans alone, negative ones included", () => {
    expect(csvRecord([-5, false])).toBe('"-5","false"\r\n');
  });
});
