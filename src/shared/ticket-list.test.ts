import { describe, expect, it } from "vitest";
import { BULK_MAX_TICKETS, parseTicketList } from "./ticket-list";

describe("parseTicketList", () => {
  it("reads one ticket per line and CSV ticket,reason, skipping blanks, comments and a header", () => {
    const list = parseTicketList(
      [
        "ticket,reason",
        "  aaaaaa  ",
        "",
        "# from the AS log of 03:12",
        "bbbbbb,access_denied",
        '"cccccc","SERVER_ERROR"',
        "dddddd ,",
      ].join("\r\n"),
    );
    expect(list.tickets).toEqual([
      { line: 2, ticket: "aaaaaa" },
      { line: 5, ticket: "bbbbbb", reason: "ACCESS_DENIED" },
      { line: 6, ticket: "cccccc", reason: "SERVER_ERROR" },
      { line: 7, ticket: "dddddd" },
    ]);
    expect(list.invalid).toEqual([]);
    expect(list.duplicates).toEqual([]);
  });

  it("lists each invalid line with why, and never keeps it", () => {
    const list = parseTicketList(
      ["ok-ticket", "bad ticket", "t1,NOPE", "a,b,c", "x".repeat(300)].join("\n"),
    );
    expect(list.tickets.map((t) => t.ticket)).toEqual(["ok-ticket"]);
    expect(list.invalid.map(({ line, why }) => [line, why])).toEqual([
      [2, "A ticket uses only A–Z, a–z, 0–9, -, _, . and ~."],
      [3, '"NOPE" is not a reason of the fail API.'],
      [4, "More than two fields: use ticket or ticket,reason."],
      [5, "A ticket is at most 256 characters."],
    ]);
    expect(list.invalid[3]!.text).toHaveLength(80);
  });

  it("removes duplicates, naming the line they repeat", () => {
    const list = parseTicketList("t-1\nt-2\nt-1,ACCESS_DENIED\n t-2 ");
    expect(list.tickets.map((t) => t.ticket)).toEqual(["t-1", "t-2"]);
    expect(list.duplicates.map(({ line, why }) => [line, why])).toEqual([
      [3, "Same ticket as line 1."],
      [4, "Same ticket as line 2."],
    ]);
  });

  it(`stops at ${BULK_MAX_TICKETS} tickets and says so for the rest`, () => {
    const lines = Array.from({ length: BULK_MAX_TICKETS + 2 }, (_, i) => `ticket-${i}`);
    const list = parseTicketList(lines.join("\n"));
    expect(list.tickets).toHaveLength(BULK_MAX_TICKETS);
    expect(list.invalid).toHaveLength(2);
    expect(list.invalid[0]!.why).toContain("start another job");
  });
});
