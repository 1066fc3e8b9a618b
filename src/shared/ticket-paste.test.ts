import { describe, expect, it } from "vitest";
import { ticketFromPaste } from "./ticket-paste";

const TICKET = "c2hvdWxkLWJlLTQzLWNoYXJhY3RlcnMtbG9uZy0xMjM";

describe("ticketFromPaste", () => {
  it("keeps a bare ticket", () => {
    expect(ticketFromPaste(`  ${TICKET}\n`)).toEqual({ ticket: TICKET });
  });

  it("takes ticket, client and hint from the JSON answer of /backchannel/authentication", () => {
    const answer = JSON.stringify({
      resultCode: "A179001",
      action: "USER_IDENTIFICATION",
      ticket: TICKET,
      clientId: 3000000001,
      hint: "alice",
    });
    expect(ticketFromPaste(answer)).toEqual({
      ticket: TICKET,
      clientId: "3000000001",
      hint: "alice",
    });
  });

  it.each([
    `2026-11-29T03:12:44Z WARN ciba ticket=${TICKET} user lookup failed`,
    `{"level":"warn","msg":"stuck","ticket":"${TICKET}"}`,
    `ticket: '${TICKET}'`,
    `Ticket = "${TICKET}"`,
  ])("finds the ticket in %s", (line) => {
    expect(ticketFromPaste(line)?.ticket).toBe(TICKET);
  });

  it("finds nothing where there is no ticket", () => {
    expect(ticketFromPaste("user alice not found")).toBeUndefined();
    expect(ticketFromPaste('{"ticket": 42}')).toBeUndefined();
  });
});
