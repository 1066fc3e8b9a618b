import { createHash } from "node:crypto";
import { ticketTail } from "../../shared/ask-first";

/** Tickets are bearer values: the console keeps only their SHA-256 and their last 6 characters. */
export function ticketHash(ticket: string): string {
  return createHash("sha256").update(ticket, "utf8").digest("hex");
}

export interface TicketFingerprint {
  hash: string;
  tail: string;
}

export function fingerprintOf(ticket: string): TicketFingerprint {
  return { hash: ticketHash(ticket), tail: ticketTail(ticket) };
}
